import * as core from '@actions/core'
import type { Argv } from '../pure/commands.js'
import { childWindowIds, isViewable, tracebackLines } from '../pure/x11.js'
import { run, startTracked, type RunResult } from './exec.js'

/** An X server of the action's own (Xvfb), for the smoke runs of an app with a window. */
export interface Display {
  /** Its DISPLAY, `:N`. */
  name: string
  stop(): void
}

/**
 * Starts Xvfb on a free display: -displayfd makes it pick the number, and write it only once it
 * takes clients, so there is neither a race nor a number two runs could share.
 */
export async function startDisplay(): Promise<Display> {
  const xvfb = startTracked(
    ['Xvfb', '-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', '-noreset'],
    ['ignore', 'ignore', 'ignore', 'pipe']
  )
  const number = await new Promise<string>((resolve, reject) => {
    let text = ''
    const fd = xvfb.stdio[3]!
    fd.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      if (/^\d+\n/.test(text)) resolve(text.trim())
    })
    xvfb.on('error', reject)
    xvfb.on('exit', code => reject(new Error(`Xvfb exited with ${code} before it took clients.`)))
  })
  return { name: `:${number}`, stop: () => xvfb.kill('SIGTERM') }
}

async function xwininfo(display: string, ...args: string[]): Promise<string> {
  const { lines } = await run(['xwininfo', ...args], { silent: true, env: { DISPLAY: display } })
  return lines.map(l => l.text).join('\n')
}

/** The first of the root window's children that is on screen: the app's window. */
async function shownWindow(display: string): Promise<string | undefined> {
  for (const id of childWindowIds(await xwininfo(display, '-root', '-children'))) {
    if (isViewable(await xwininfo(display, '-id', id))) return id
  }
  return undefined
}

/**
 * A screenshot of the window as PNG, once it is drawn: a window is on screen a moment before its
 * first frame, which is one colour. Returns the number of colours of the last try.
 */
async function screenshot(display: string, window: string, file: string): Promise<number> {
  let colours = 0
  for (let tries = 0; tries < 25 && colours <= 1; tries++) {
    if (tries > 0) await sleep(200)
    const shot = await run(['import', '-silent', '-window', window, `png:${file}`], {
      silent: true,
      env: { DISPLAY: display }
    })
    if (shot.exitCode !== 0) continue
    const { lines } = await run(['identify', '-format', '%k', file], { silent: true })
    colours = Number(lines.at(-1)?.text ?? 0)
  }
  return colours
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

// How long the app must stay up with its window shown: a crash in the first event handlers shows here.
const SETTLE_MS = 3000

export interface WindowSmoke {
  label: string
  argv: Argv
  env: Record<string, string>
  display: Display
  /** Seconds the app may take to show its window. */
  timeout: number
  /** Where the screenshot goes, if one is taken. */
  screenshot?: string
}

function lastLines(result: RunResult | undefined, count = 20): string {
  return (result?.lines ?? [])
    .slice(-count)
    .map(l => `    ${l.text}`)
    .join('\n')
}

/**
 * Runs a graphical app on the display: it passes when the app shows a window within the timeout and
 * is still running a few seconds later. Then the action closes it, and fails on a Python traceback
 * in what it printed.
 */
export async function windowSmoke(smoke: WindowSmoke): Promise<void> {
  const abort = new AbortController()
  let ended: RunResult | undefined
  const app = run(smoke.argv, {
    env: { ...smoke.env, DISPLAY: smoke.display.name },
    abort: abort.signal
  }).then(result => (ended = result))
  try {
    const deadline = Date.now() + smoke.timeout * 1000
    let window: string | undefined
    while (!window && !ended && Date.now() < deadline) {
      window = await shownWindow(smoke.display.name)
      if (!window) await sleep(250)
    }
    if (ended) {
      throw new Error(
        `${smoke.label} exited (${ended.signal ?? ended.exitCode}) before it showed a window. Its last lines:\n${lastLines(ended)}`
      )
    }
    if (!window) {
      abort.abort()
      await app
      throw new Error(
        `${smoke.label} showed no window within smoke-timeout (${smoke.timeout} s). Its last lines:\n${lastLines(ended)}`
      )
    }
    core.info(`${smoke.label} showed window ${window}.`)
    const closed = await Promise.race([app, sleep(SETTLE_MS).then(() => undefined)])
    if (closed) {
      throw new Error(
        `${smoke.label} closed within ${SETTLE_MS / 1000} s of showing its window (${closed.signal ?? closed.exitCode}). Its last lines:\n${lastLines(closed)}`
      )
    }
    if (smoke.screenshot) {
      const colours = await screenshot(smoke.display.name, window, smoke.screenshot)
      if (colours > 1) core.info(`Screenshot of the window: ${smoke.screenshot} (${colours} colours)`)
      else core.warning(`${smoke.label}: the screenshot of its window stayed blank (${smoke.screenshot}).`)
    }
  } finally {
    abort.abort()
    await app
  }
  const traceback = tracebackLines(ended!.lines.map(l => l.text))
  if (traceback.length > 0) {
    throw new Error(
      `${smoke.label} printed a Python traceback:\n${traceback.map(l => `    ${l}`).join('\n')}`
    )
  }
}
