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
import { sha256File } from './app-source.js'
import { run, runChecked, within } from './exec.js'

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
  const { timeout } = plan.inputs.cache
  try {
    matchedKey = await within(
      timeout,
      'the cache service',
      cache.restoreCache([stateDir], keys.primary, keys.restore, { segmentTimeoutInMs: timeout * 1000 })
    )
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
  const problem = await stateProblem(repo)
  if (problem) {
    core.warning(
      `The state restored from ${matchedKey} is not a flatpak-builder state (${problem}): building without it.`
    )
    await fs.rm(stateDir, { recursive: true, force: true })
    return { stages: {}, seconds }
  }
  core.info(`Restored the state saved as ${matchedKey}`)
  return { matchedKey, stages: await stageCommits(repo), seconds }
}

/** Why a restored directory is not a state flatpak-builder can build on, or undefined. */
async function stateProblem(repo: string): Promise<string | undefined> {
  const config = await fs.readFile(path.join(repo, 'config'), 'utf8').catch(() => undefined)
  if (config === undefined || !/^\[core\]/m.test(config)) return 'its cache has no OSTree repository'
  for (const [ref, commit] of Object.entries(await stageCommits(repo))) {
    if (!/^[0-9a-f]{64}$/.test(commit)) return `stage ${ref} names no commit`
    const object = path.join(repo, 'objects', commit.slice(0, 2), `${commit.slice(2)}.commit`)
    if (!(await fs.stat(object).catch(() => undefined))) return `the commit of stage ${ref} is missing`
  }
  return undefined
}

const KEPT_SUMS = 'kept.json'

/** Records the sha256 of a file just kept in ownDir, to check it before a later run reuses it. */
export async function recordKept(ownDir: string, name: string): Promise<void> {
  const sums = await keptSums(ownDir)
  sums[name] = await sha256File(path.join(ownDir, name))
  await fs.writeFile(path.join(ownDir, KEPT_SUMS), JSON.stringify(sums))
}

/** A kept file, as a restored state holds it, when its content is what was recorded. */
export async function trustedKept(ownDir: string, name: string): Promise<string | undefined> {
  const file = path.join(ownDir, name)
  const expected = (await keptSums(ownDir))[name]
  if (!(await fs.stat(file).catch(() => undefined))) return undefined
  if (expected !== undefined && expected === (await sha256File(file))) return file
  core.warning(`${name} in the restored state is not the file this action kept there: not reusing it.`)
  return undefined
}

async function keptSums(ownDir: string): Promise<Record<string, string>> {
  try {
    const sums = JSON.parse(await fs.readFile(path.join(ownDir, KEPT_SUMS), 'utf8')) as unknown
    return typeof sums === 'object' && sums !== null ? (sums as Record<string, string>) : {}
  } catch {
    return {}
  }
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
    if (!keep.own.includes(entry) && entry !== KEPT_SUMS) await fs.rm(path.join(own, entry), { force: true })
  }
  const sums = await keptSums(own)
  const kept = Object.fromEntries(Object.entries(sums).filter(([name]) => keep.own.includes(name)))
  if (Object.keys(sums).length > 0) await fs.writeFile(path.join(own, KEPT_SUMS), JSON.stringify(kept))
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
export async function diskUsage(dir: string): Promise<number> {
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
    const id = await within(
      plan.inputs.cache.timeout,
      'the cache service',
      cache.saveCache([plan.stateDir], decision.key)
    )
    if (id === -1)
      throw new Error('the cache service did not take it (another job may be saving the same key)')
    return { saved: true, key: decision.key, size, seconds: seconds() }
  } catch (error) {
    const warning = `Could not save the flatpak-builder state: ${(error as Error).message}`
    core.warning(warning)
    return { saved: false, reason: warning, warning, size, seconds: seconds() }
  }
}
