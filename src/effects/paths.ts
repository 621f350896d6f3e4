import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Input } from '../pure/constants.js'
import type { Inputs } from '../pure/inputs.js'
import type { BuildDirState, RealPaths, RepositoryState } from '../pure/paths.js'
import { workDirOf } from '../pure/state.js'

/**
 * The real path of p: symlinks followed as far as the path exists, the rest appended. A symlink
 * whose target does not exist yet (a bundle's path pointing elsewhere) is followed too.
 */
export async function realPathOf(p: string, depth = 0): Promise<string> {
  const missing: string[] = []
  for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
    const stats = await fs.lstat(dir).catch(() => undefined)
    if (stats?.isSymbolicLink() && depth < 40) {
      const target = path.resolve(path.dirname(dir), await fs.readlink(dir))
      return path.join(await realPathOf(target, depth + 1), ...missing.reverse())
    }
    if (stats) return path.join(await fs.realpath(dir), ...missing.reverse())
    if (dir === path.dirname(dir)) return path.resolve(p)
    missing.push(path.basename(dir))
  }
}

export async function realPaths(
  inputs: Inputs,
  runner: { workspace: string; tempDir: string; home: string }
): Promise<RealPaths> {
  const real = (p: string): Promise<string> => realPathOf(p)
  const { repository } = inputs.publish
  return {
    workspace: await real(runner.workspace),
    tempDir: await real(runner.tempDir),
    home: await real(runner.home),
    appPath: await real(inputs.appPath),
    requirements: inputs.requirements === undefined ? undefined : await real(inputs.requirements),
    bundlePath: await real(inputs.bundlePath),
    manifestPath: await real(inputs.manifestPath),
    buildDir: await real(inputs.buildDir),
    workDir: await real(workDirOf(inputs.manifestPath)),
    projectFiles: await realProjectFiles(inputs),
    repositoryDir: repository && (await real(repository.dir)),
    repositoryFrom: repository?.from?.startsWith('file:')
      ? await real(fileURLToPath(repository.from))
      : undefined
  }
}

/** An OSTree repository has its config and objects/ (what `ostree init` makes). */
export async function repositoryState(inputs: Inputs): Promise<RepositoryState> {
  const dir = inputs.publish.repository?.dir
  if (dir === undefined) return 'missing'
  const entries = await fs.readdir(path.join(dir, 'repo')).catch(() => undefined)
  if (entries === undefined) return 'missing'
  return entries.includes('config') && entries.includes('objects') ? 'ostree-repo' : 'other'
}

/** A flatpak build directory has the metadata flatpak build-init writes and its files/ beside it. */
export async function buildDirState(dir: string): Promise<BuildDirState> {
  const entries = await fs.readdir(dir).catch(() => undefined)
  if (entries === undefined) return 'missing'
  if (entries.length === 0) return 'empty'
  return entries.includes('metadata') && entries.includes('files') ? 'flatpak-build-dir' : 'other'
}

async function realProjectFiles(inputs: Inputs): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  const named: [string, string | undefined][] = [
    [Input.Metainfo, inputs.desktop.metainfo],
    [Input.DesktopFile, inputs.desktop.desktopFile],
    [Input.Icon, inputs.desktop.icon]
  ]
  for (const [input, file] of named) if (file !== undefined) files[input] = await realPathOf(file)
  return files
}
