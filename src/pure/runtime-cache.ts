/**
 * The SDK and runtime installation in the GitHub cache, under a key of its own. A fresh runner
 * restores it instead of downloading both from the remote; flatpak-builder then updates what the
 * remote has newer, and the run saves the updated installation under a new key, since the key
 * names the installed commits.
 */
import { digest } from './cache-keys.js'
import type { Plan } from './plan.js'

/** What the saved installation holds; a new one starts from an empty runtime cache. */
export const RUNTIME_CACHE_FORMAT = 1

/** An installed ref (`runtime/org.gnome.Sdk/x86_64/47`) → its active commit. */
export type InstalledRefs = Record<string, string>

export type RuntimeCachePlan = { use: true; prefix: string; refs: string[] } | { use: false; reason: string }

/** The refs the build needs from the remote: the SDK and the runtime. */
export function runtimeRefs(plan: Plan): string[] {
  const { inputs } = plan
  return [inputs.sdk, inputs.runtime].map(id => `runtime/${id}/${plan.target.arch}/${inputs.runtimeVersion}`)
}

/**
 * An installation nothing is installed in and no remote is configured in. flatpak makes an empty
 * one (its repo with a bare config) the first time it looks at the user installation.
 */
export function holdsNothing(installed: InstalledRefs, repoConfig: string | undefined): boolean {
  return Object.keys(installed).length === 0 && !/^\[remote "/m.test(repoConfig ?? '')
}

/**
 * Whether this run restores and saves the installation. Only an installation the action fills
 * itself: one that held the SDK and runtime already, or anything else, is the runner's own.
 */
export function runtimeCachePlan(plan: Plan, installationEmpty: boolean): RuntimeCachePlan {
  const { cache } = plan.inputs
  if (!cache.enabled) return { use: false, reason: 'cache is false' }
  if (plan.tools.runtimeInstalled) return { use: false, reason: 'the SDK and runtime were installed already' }
  if (!plan.tools.runtimeInUserInstallation || !installationEmpty)
    return { use: false, reason: 'the Flatpak user installation holds something else already' }
  const refs = runtimeRefs(plan)
  const { name, url } = plan.remote
  return {
    use: true,
    prefix: `${cache.keyPrefix}-runtime-v${RUNTIME_CACHE_FORMAT}-${plan.target.arch}-${digest(name, url, ...refs)}-`,
    refs
  }
}

/** The key of an installation: the prefix of its remote and refs, then a hash of every installed commit. */
export function runtimeKey(prefix: string, installed: InstalledRefs): string {
  const lines = Object.entries(installed)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ref, commit]) => `${ref} ${commit}`)
  return `${prefix}${digest(...lines)}`
}

/** Why a restored installation cannot stand in for an install from the remote, or undefined. */
export function runtimeProblem(refs: string[], installed: InstalledRefs): string | undefined {
  const missing = refs.filter(ref => !/^[0-9a-f]{64}$/.test(installed[ref] ?? ''))
  return missing.length > 0 ? `it has no ${missing.join(' and no ')}` : undefined
}

export interface RuntimeRestored {
  /** The key of the restored installation; undefined on a miss. */
  matchedKey?: string
  seconds: number
}

/** What the run found of the runtime cache: whether it is used, and what was restored. */
export interface RuntimeCache {
  plan: RuntimeCachePlan
  restored?: RuntimeRestored
}

export type RuntimeSaveDecision = { save: true; key: string } | { save: false; reason: string }

/** Whether to save the installation as it is now, and under which key. */
export function runtimeSaveDecision(
  plan: Plan,
  cachePlan: RuntimeCachePlan,
  restored: RuntimeRestored | undefined,
  installed: InstalledRefs,
  failed: boolean
): RuntimeSaveDecision {
  if (!cachePlan.use) return { save: false, reason: cachePlan.reason }
  const { save } = plan.inputs.cache
  if (save === 'never') return { save: false, reason: 'save-cache is never' }
  if (save === 'on-success' && failed)
    return { save: false, reason: 'save-cache is on-success and the run failed' }
  const problem = runtimeProblem(cachePlan.refs, installed)
  if (problem) return { save: false, reason: `the installation is not complete: ${problem}` }
  const key = runtimeKey(cachePlan.prefix, installed)
  return key === restored?.matchedKey
    ? { save: false, reason: `the restored installation is current (${key})` }
    : { save: true, key }
}
