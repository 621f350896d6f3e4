import * as path from 'node:path'
import type { Argv } from './commands.js'
import { runChecked } from './flatpak.js'

/** flatpak-builder's state directory: under the working directory, which is the manifest's. */
export function stateDir(manifest: string): string {
  return path.join(path.dirname(manifest), '.flatpak-builder')
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

/** The Python-only manifest next to the full one: its own file name, so its own cache refs. */
export function pythonManifestPath(manifest: string): string {
  return manifest.replace(/\.json$/, '.python.json')
}

export function listRefsArgs(repo: string, branch: string): Argv {
  return ['ostree', 'refs', `--repo=${repo}`, '--list', branch]
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
