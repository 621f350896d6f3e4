import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { RunRecord } from '../pure/report.js'
import { unmountLeftovers } from './cache.js'
import { stopChildren } from './exec.js'

const RECORD_STATE = 'run-record'
const POST_STATE = 'is-post'

/** The post step runs dist/index.js again; the main step told it so through the step's state. */
export function isPost(): boolean {
  return core.getState(POST_STATE) === 'true'
}

/**
 * On the runner's cancel (SIGINT, then SIGTERM 7.5 s later): stops every program the action
 * started, with what they started, removes flatpak-builder's mounts, and keeps the run record
 * for the post step, which saves what was built. `record` is read when the signal comes.
 */
export function onCancel(record: () => RunRecord): { cancelled(): boolean; stopped(): Promise<void> } {
  core.saveState(POST_STATE, 'true')
  let stopping: Promise<void> | undefined
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    core.warning(`The job was cancelled (${signal}): stopping flatpak-builder and every program it started.`)
    const groups = await stopChildren(2000)
    const { plan } = record()
    // rofiles-fuse runs as a daemon of its own: it goes with its mount.
    if (plan) await unmountLeftovers(plan.stateDir)
    core.info(`Stopped ${groups} program${groups === 1 ? '' : 's'}; the post step saves what was built.`)
    keepForPost(record())
    // The pipeline ends by itself once its program is gone; if a transfer holds it, end here.
    setTimeout(() => process.exit(1), 3000).unref()
  }
  const once = (signal: NodeJS.Signals): void => {
    stopping ??= stop(signal)
  }
  process.on('SIGINT', once)
  process.on('SIGTERM', once)
  return { cancelled: () => stopping !== undefined, stopped: () => stopping ?? Promise.resolve() }
}

/** Writes the record where the post step finds it. */
export function keepForPost(record: RunRecord): void {
  if (!record.plan) return
  const file = path.join(record.plan.workDir, 'run-record.json')
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ ...record, failure: record.failure ?? 'The job was cancelled.' }))
  core.saveState(RECORD_STATE, file)
}

/** The record the main step kept, if it was cancelled before saving the state. */
export function keptRecord(): RunRecord | undefined {
  const file = core.getState(RECORD_STATE)
  if (!file) return undefined
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord
  } catch {
    return undefined
  }
}
