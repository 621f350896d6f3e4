import * as cache from '@actions/cache'
import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { cacheKeys, type CacheKeyParts } from '../pure/cache-keys.js'
import { OWN_DIR } from '../pure/kept.js'
import type { Plan } from '../pure/plan.js'
import { saveDecision, stateToKeep, type Restored, type RunRecord, type Saved } from '../pure/report.js'
import {
  aliasStageArgs,
  cacheBranch,
  cacheRepo,
  listRefsArgs,
  mountsUnder,
  pythonManifestPath,
  TRANSIENT_STATE,
  type KeepInState
} from '../pure/state.js'
import { run, runChecked } from './exec.js'

/**
 * The stage commits of flatpak-builder's cache repo, ref → commit. Read from the repo's refs/heads
 * files: one `ostree rev-parse` per stage took seconds on every run.
 */
export async function stageCommits(repo: string): Promise<Record<string, string>> {
  const heads = path.join(repo, 'refs', 'heads')
  const stages: Record<string, string> = {}
  const entries = await fs.readdir(heads, { recursive: true, withFileTypes: true }).catch(() => [])
  for (const entry of entries.filter(e => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name)
    stages[path.relative(heads, file)] = (await fs.readFile(file, 'utf8')).trim()
  }
  return Object.fromEntries(Object.entries(stages).sort(([a], [b]) => (a < b ? -1 : 1)))
}

async function isEmptyDir(dir: string): Promise<boolean> {
  return (await fs.readdir(dir).catch(() => [])).length === 0
}

/**
 * Restores the state directory. Anything wrong with the cache service or the archive is a
 * warning: the build then starts cold, which is slower but correct.
 */
export async function restoreState(plan: Plan, parts: CacheKeyParts): Promise<Restored> {
  const { stateDir } = plan
  const repo = cacheRepo(plan.target.manifest)
  if (!plan.inputs.cache.enabled) return { stages: {}, seconds: 0 }
  if (!(await isEmptyDir(stateDir))) {
    core.info(
      `${stateDir} already holds a flatpak-builder state (a self-hosted runner?): building on it, not restoring.`
    )
    return { stages: await stageCommits(repo), seconds: 0 }
  }
  if (!cache.isFeatureAvailable()) {
    core.warning(
      'The GitHub cache service is not available here: building without the flatpak-builder state of earlier runs.'
    )
    return { stages: {}, seconds: 0 }
  }
  const keys = cacheKeys(parts)
  core.info(`Looking up ${keys.primary}, then ${keys.restore.join(', then ')}`)
  const started = Date.now()
  let matchedKey: string | undefined
  try {
    matchedKey = await cache.restoreCache([stateDir], keys.primary, keys.restore)
  } catch (error) {
    core.warning(
      `Restoring the flatpak-builder state failed, building without it: ${(error as Error).message}`
    )
  }
  const seconds = (Date.now() - started) / 1000
  if (!matchedKey) {
    // A failed extraction can leave half a state behind; start clean instead.
    await fs.rm(stateDir, { recursive: true, force: true })
    core.info('No earlier state found: this build starts cold.')
    return { stages: {}, seconds }
  }
  core.info(`Restored the state saved as ${matchedKey}`)
  return { matchedKey, stages: await stageCommits(repo), seconds }
}

/**
 * Lends the stages the Python-only build committed (init, then CPython) to the full manifest's
 * refs. The full build then finds CPython in the cache, and the Python-only build, having refs of
 * its own, never prunes the stages of the full one (requirements, app, cleanup, finish).
 */
export async function lendPythonStages(arch: string, manifest: string): Promise<void> {
  const repo = cacheRepo(manifest)
  const from = cacheBranch(arch, pythonManifestPath(manifest))
  const { lines } = await runChecked('Listing the cached stages', listRefsArgs(repo, from), { silent: true })
  const refs = lines.map(l => l.text.trim()).filter(Boolean)
  for (const argv of aliasStageArgs(repo, refs, from, cacheBranch(arch, manifest))) {
    await runChecked('Sharing the Python stage with the full manifest', argv, { silent: true })
  }
}

/**
 * Unmounts rofiles-fuse mounts that a killed flatpak-builder (a smoke run past its timeout) left
 * behind; they would keep the state from being pruned.
 */
export async function unmountLeftovers(stateDir: string): Promise<void> {
  const mounts = await fs.readFile('/proc/self/mounts', 'utf8').catch(() => '')
  for (const mountPoint of mountsUnder(mounts, path.join(stateDir, 'rofiles'))) {
    const fusermount = (await run(['fusermount3', '-u', '-z', mountPoint], { silent: true })).exitCode === 0
    if (!fusermount) await run(['fusermount', '-u', '-z', mountPoint], { silent: true })
  }
}

/** Drops from the state what no later build of this manifest reads. */
async function pruneState(stateDir: string, keep: KeepInState): Promise<void> {
  await unmountLeftovers(stateDir)
  for (const dir of TRANSIENT_STATE) await fs.rm(path.join(stateDir, dir), { recursive: true, force: true })
  const downloads = path.join(stateDir, 'downloads')
  for (const entry of await fs.readdir(downloads).catch(() => [])) {
    if (!keep.downloads.includes(entry))
      await fs.rm(path.join(downloads, entry), { recursive: true, force: true })
  }
  const own = path.join(stateDir, OWN_DIR)
  for (const entry of await fs.readdir(own).catch(() => [])) {
    if (!keep.own.includes(entry)) await fs.rm(path.join(own, entry), { force: true })
  }
  const repo = path.join(stateDir, 'cache')
  const foreign = Object.keys(await stageCommits(repo)).filter(
    ref => !keep.branches.some(branch => ref.startsWith(`${branch}/`))
  )
  for (const ref of foreign) {
    await runChecked(
      'Dropping a stage of another manifest',
      ['ostree', 'refs', `--repo=${repo}`, '--delete', ref],
      {
        silent: true
      }
    )
  }
  if (foreign.length > 0)
    await runChecked('Pruning the cache repo', ['ostree', 'prune', `--repo=${repo}`, '--refs-only'])
}

/** Bytes on disk under dir. */
async function diskUsage(dir: string): Promise<number> {
  const { exitCode, lines } = await run(['du', '--summarize', '--bytes', dir], { silent: true })
  return exitCode === 0 ? Number(lines.at(-1)!.text.split(/\s/)[0]) : 0
}

/**
 * Saves what the run built (also after a failure), unless the cache has it already. It never
 * throws: what went wrong before stays the run's error, and a failed save is a warning.
 */
export async function saveState(plan: Plan, record: RunRecord, runId: string): Promise<Saved> {
  const started = Date.now()
  const seconds = (): number => (Date.now() - started) / 1000
  let size: number | undefined
  try {
    const decision = saveDecision(record, await stageCommits(cacheRepo(plan.target.manifest)), runId)
    if (!decision.save) {
      core.info(`Not saving the state: ${decision.reason}.`)
      return { saved: false, reason: decision.reason, seconds: 0 }
    }
    if (!cache.isFeatureAvailable()) {
      // The restore has warned already.
      return { saved: false, reason: 'there is no cache service', seconds: 0 }
    }
    await pruneState(plan.stateDir, stateToKeep(plan, record))
    size = await diskUsage(plan.stateDir)
    core.info(`Saving ${(size / 1e6).toFixed(0)} MB of state as ${decision.key}`)
    const id = await cache.saveCache([plan.stateDir], decision.key)
    if (id === -1)
      throw new Error('the cache service did not take it (another job may be saving the same key)')
    return { saved: true, key: decision.key, size, seconds: seconds() }
  } catch (error) {
    const warning = `Could not save the flatpak-builder state: ${(error as Error).message}`
    core.warning(warning)
    return { saved: false, reason: warning, warning, size, seconds: seconds() }
  }
}
