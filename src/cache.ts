import * as cache from '@actions/cache'
import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import type { CacheKeys } from './cache-keys.js'
import { run, runChecked } from './flatpak.js'

/** What the restore found. */
export interface Restored {
  /** Key of the restored entry; undefined on a miss or without a cache service. */
  matchedKey?: string
  /** The stage refs of the state (ref → commit) right after the restore, to tell if anything was built. */
  stages: Record<string, string>
}

/** The stage commits of flatpak-builder's cache repo, ref → commit. */
export async function stageCommits(repo: string): Promise<Record<string, string>> {
  try {
    await fs.access(repo)
  } catch {
    return {}
  }
  const { lines } = await runChecked('Listing the cached stages', ['ostree', 'refs', `--repo=${repo}`], {
    silent: true
  })
  const stages: Record<string, string> = {}
  for (const ref of lines.map(l => l.text.trim()).filter(Boolean)) {
    const { lines: rev } = await runChecked(
      'Reading a stage',
      ['ostree', 'rev-parse', `--repo=${repo}`, ref],
      {
        silent: true
      }
    )
    stages[ref] = rev.at(-1)!.text.trim()
  }
  return stages
}

async function isEmptyDir(dir: string): Promise<boolean> {
  return (await fs.readdir(dir).catch(() => [])).length === 0
}

/**
 * Restores the state directory. Anything wrong with the cache service or the archive is a
 * warning: the build then starts cold, which is slower but correct.
 */
export async function restoreState(stateDir: string, keys: CacheKeys, repo: string): Promise<Restored> {
  if (!(await isEmptyDir(stateDir))) {
    core.info(
      `${stateDir} already holds a flatpak-builder state (a self-hosted runner?): building on it, not restoring.`
    )
    return { stages: await stageCommits(repo) }
  }
  if (!cache.isFeatureAvailable()) {
    core.warning(
      'The GitHub cache service is not available here: building without the flatpak-builder state of earlier runs.'
    )
    return { stages: {} }
  }
  core.info(`Looking up ${keys.primary}, then ${keys.restore.join(', then ')}`)
  let matchedKey: string | undefined
  try {
    matchedKey = await cache.restoreCache([stateDir], keys.primary, keys.restore)
  } catch (error) {
    core.warning(
      `Restoring the flatpak-builder state failed, building without it: ${(error as Error).message}`
    )
  }
  if (!matchedKey) {
    // A failed extraction can leave half a state behind; start clean instead.
    await fs.rm(stateDir, { recursive: true, force: true })
    core.info('No earlier state found: this build starts cold.')
    return { stages: {} }
  }
  core.info(`Restored the state saved as ${matchedKey}`)
  return { matchedKey, stages: await stageCommits(repo) }
}

/**
 * What to keep of the state before saving it: the stages of this manifest and its Python-only
 * manifest, the downloads they name, and nothing of other manifests, build dirs or old sources.
 */
export interface KeepInState {
  branches: string[]
  /** sha256 of every source of the manifests (downloads/<sha256>/ is named after it). */
  downloads: string[]
  /** Files of our own (resolution, bundle) to keep, by name. */
  own: string[]
}

/** flatpak-builder's per-build leftovers, which no later build reads. */
const TRANSIENT = ['build', 'rofiles', 'ccache']
export const OWN_DIR = 'flatpak-python-action'

/** Mount points under dir, from /proc/self/mounts (octal escapes, as the kernel writes them). */
export function mountsUnder(mounts: string, dir: string): string[] {
  return mounts
    .split('\n')
    .map(line =>
      line
        .split(' ')[1]
        ?.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    )
    .filter(
      (mountPoint): mountPoint is string => mountPoint !== undefined && mountPoint.startsWith(`${dir}/`)
    )
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

export async function pruneState(stateDir: string, keep: KeepInState): Promise<void> {
  await unmountLeftovers(stateDir)
  for (const dir of TRANSIENT) await fs.rm(path.join(stateDir, dir), { recursive: true, force: true })
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
  const refs = Object.keys(await stageCommits(repo))
  const foreign = refs.filter(ref => !keep.branches.some(branch => ref.startsWith(`${branch}/`)))
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

/** Saves the state under key; a cache service error is a warning, never a failure. */
export async function saveState(stateDir: string, key: string): Promise<boolean> {
  // Without a service the restore has warned already.
  if (!cache.isFeatureAvailable()) return false
  try {
    const id = await cache.saveCache([stateDir], key)
    return id !== -1
  } catch (error) {
    core.warning(`Saving the flatpak-builder state failed: ${(error as Error).message}`)
    return false
  }
}
