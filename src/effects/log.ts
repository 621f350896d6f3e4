import * as core from '@actions/core'
import { AsyncLocalStorage } from 'node:async_hooks'

/** A log group per step; its time is logged at its end, so the log reads like the pipeline. */
export async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  return core.group(name, async () => {
    const started = Date.now()
    try {
      return await work()
    } finally {
      core.info(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`)
    }
  })
}

// What a step that runs beside others prints, kept until it ends: GitHub's log folds groups by
// their order in the stream, so two groups must never interleave.
const heldOutput = new AsyncLocalStorage<string[]>()
let holding = false

function holdOutputOfSideSteps(): void {
  if (holding) return
  holding = true
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const held = heldOutput.getStore()
      if (!held) return write(chunk, ...rest)
      held.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
      const done = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
      done?.()
      return true
    }) as typeof stream.write
  }
}

type Steps = Record<string, [name: string, work: () => Promise<unknown>]>
type Values<S extends Steps> = { [K in keyof S]?: Awaited<ReturnType<S[K][1]>> }

/**
 * Runs steps that do not depend on each other side by side. Each prints into a group of its own,
 * shown when it ends. Every step runs to its end, so a failing smoke run still leaves the bundle;
 * the values of those that succeeded are returned with the first error.
 */
export async function sideBySide<S extends Steps>(steps: S): Promise<Values<S> & { error?: unknown }> {
  holdOutputOfSideSteps()
  const entries = Object.entries(steps)
  const settled = await Promise.allSettled(
    entries.map(([, [name, work]]) => {
      const held: string[] = []
      const started = Date.now()
      return heldOutput
        .run(held, () => work())
        .finally(() => {
          core.startGroup(name)
          for (const text of held) process.stdout.write(text)
          core.info(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`)
          core.endGroup()
        })
    })
  )
  const values: Record<string, unknown> = {}
  let error: unknown
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') values[entries[i][0]] = result.value
    else error ??= result.reason
  })
  return { ...(values as Values<S>), error }
}
