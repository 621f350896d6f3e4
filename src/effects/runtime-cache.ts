import * as cache from '@actions/cache'
import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import type { Plan } from '../pure/plan.js'
import type { RunRecord, Saved } from '../pure/report.js'
import {
  holdsNothing,
  runtimeCachePlan,
  runtimeProblem,
  runtimeSaveDecision,
  type InstalledRefs,
  type RuntimeCache
} from '../pure/runtime-cache.js'
import { userInstallation } from './build.js'
import { diskUsage } from './cache.js'
import { within } from './exec.js'

/** Names in dir, or none when it is not there. */
const entries = (dir: string): Promise<string[]> => fs.readdir(dir).catch(() => [])

/**
 * The active commit of every ref installed in a Flatpak installation: <kind>/<id>/<arch>/<branch>/active,
 * read level by level (a deploy dir below holds every file of the runtime).
 */
export async function installedRefs(installation: string): Promise<InstalledRefs> {
  const installed: InstalledRefs = {}
  for (const kind of ['runtime', 'app'])
    for (const id of await entries(path.join(installation, kind)))
      for (const arch of await entries(path.join(installation, kind, id)))
        for (const branch of await entries(path.join(installation, kind, id, arch))) {
          const ref = `${kind}/${id}/${arch}/${branch}`
          const active = await fs.readlink(path.join(installation, ref, 'active')).catch(() => undefined)
          if (active) installed[ref] = active
        }
  return installed
}

/**
 * Restores the SDK and runtime installation saved by an earlier run. Anything wrong with the cache
 * service or the archive is a warning: flatpak-builder then installs both from the remote.
 */
export async function restoreRuntime(plan: Plan): Promise<RuntimeCache> {
  const installation = userInstallation()
  const repoConfig = await fs
    .readFile(path.join(installation, 'repo', 'config'), 'utf8')
    .catch(() => undefined)
  const cachePlan = runtimeCachePlan(plan, holdsNothing(await installedRefs(installation), repoConfig))
  if (!cachePlan.use) {
    core.info(`Not caching the runtime: ${cachePlan.reason}.`)
    return { plan: cachePlan }
  }
  if (!cache.isFeatureAvailable()) return { plan: cachePlan, restored: { seconds: 0 } }
  core.info(`Looking up ${cachePlan.prefix}`)
  const started = Date.now()
  const { timeout } = plan.inputs.cache
  let matchedKey: string | undefined
  try {
    matchedKey = await within(
      timeout,
      'the cache service',
      cache.restoreCache([installation], cachePlan.prefix, [], { segmentTimeoutInMs: timeout * 1000 })
    )
  } catch (error) {
    core.warning(`Restoring the runtime failed, installing it from the remote: ${(error as Error).message}`)
  }
  const seconds = (Date.now() - started) / 1000
  const problem = matchedKey && runtimeProblem(cachePlan.refs, await installedRefs(installation))
  if (problem)
    core.warning(
      `The runtime restored from ${matchedKey} is not usable (${problem}): installing it from the remote.`
    )
  if (!matchedKey || problem) {
    // A failed or wrong extraction must not pass for an installation.
    await fs.rm(installation, { recursive: true, force: true })
    if (!problem)
      core.info(
        `No runtime in the cache: installing ${cachePlan.refs.join(' and ')} from ${plan.remote.url}.`
      )
    return { plan: cachePlan, restored: { seconds } }
  }
  core.info(`Restored the runtime saved as ${matchedKey}; flatpak-builder updates what the remote has newer.`)
  return { plan: cachePlan, restored: { matchedKey, seconds } }
}

/** Saves the installation when it changed (a fresh install, an update). It never throws. */
export async function saveRuntime(plan: Plan, record: RunRecord): Promise<Saved> {
  const started = Date.now()
  const seconds = (): number => (Date.now() - started) / 1000
  const { runtime } = record
  if (!runtime)
    return { saved: false, reason: 'the run stopped before the runtime was looked up', seconds: 0 }
  const installation = userInstallation()
  let size: number | undefined
  try {
    const decision = runtimeSaveDecision(
      plan,
      runtime.plan,
      runtime.restored,
      await installedRefs(installation),
      record.failure !== undefined
    )
    if (!decision.save) {
      core.info(`Not saving the runtime: ${decision.reason}.`)
      return { saved: false, reason: decision.reason, seconds: 0 }
    }
    if (!cache.isFeatureAvailable()) return { saved: false, reason: 'there is no cache service', seconds: 0 }
    size = await diskUsage(installation)
    core.info(`Saving the runtime (${(size / 1e6).toFixed(0)} MB installed) as ${decision.key}`)
    const id = await within(
      plan.inputs.cache.timeout,
      'the cache service',
      cache.saveCache([installation], decision.key)
    )
    if (id === -1)
      throw new Error('the cache service did not take it (another job may be saving the same key)')
    return { saved: true, key: decision.key, size, seconds: seconds() }
  } catch (error) {
    const warning = `Could not save the runtime: ${(error as Error).message}`
    core.warning(warning)
    return { saved: false, reason: warning, warning, size, seconds: seconds() }
  }
}
