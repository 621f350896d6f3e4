import * as path from 'node:path'
import type { Argv } from './commands.js'

/**
 * The action's own working directory, next to the manifest: flatpak-builder runs here, so its state
 * (.flatpak-builder), the build directory, the repository, the app archive and every scratch file
 * live in a directory that holds nothing of the user's, which the app archive never includes.
 */
export function workDirOf(manifest: string): string {
  return path.join(path.dirname(manifest), '.flatpak-python-action', path.basename(manifest, '.json'))
}

/** flatpak-builder's state directory, in the working directory it runs in. */
export function stateDir(manifest: string): string {
  return path.join(workDirOf(manifest), '.flatpak-builder')
}

/** The OSTree repo in which flatpak-builder keeps one commit per build stage. */
export function cacheRepo(manifest: string): string {
  return path.join(stateDir(manifest), 'cache')
}

/**
 * flatpak-builder names a manifest's cache refs `<arch>-<manifest file name>/<stage>` (without
 * --state-dir), and prunes, after each build, the stages of that name that the build did not use.
 */
export function cacheBranch(arch: string, manifest: string): string {
  return `${arch}-${path.basename(manifest)}`
}

/** The Python-only manifest, in the working directory: its own file name, so its own cache refs. */
export function pythonManifestPath(manifest: string): string {
  return path.join(workDirOf(manifest), path.basename(manifest).replace(/\.json$/, '.python.json'))
}

export function listRefsArgs(repo: string, branch?: string): Argv {
  return ['ostree', 'refs', `--repo=${repo}`, ...(branch ? ['--list', branch] : [])]
}

/** Points `to/<stage>` at the commit of `from/<stage>` for every stage of `from`. */
export function aliasStageArgs(repo: string, refs: string[], from: string, to: string): Argv[] {
  return refs
    .filter(ref => ref.startsWith(`${from}/`))
    .map(ref => [
      'ostree',
      'refs',
      `--repo=${repo}`,
      '--force',
      `--create=${to}/${ref.slice(from.length + 1)}`,
      ref
    ])
}

/** What to keep of the state before saving it (see pruneState). */
export interface KeepInState {
  /** Cache ref prefixes of the manifests this run built. */
  branches: string[]
  /** sha256 of every source of the manifests (downloads/<sha256>/ is named after it). */
  downloads: string[]
  /** Our own files (see kept.ts), by name. */
  own: string[]
}

/** flatpak-builder's per-build leftovers, which no later build reads. */
export const TRANSIENT_STATE = ['build', 'rofiles', 'ccache']

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
