/**
 * Where the path inputs may point. Every path an input names stays inside the workspace or the
 * runner's temp dir, with symlinks followed; the build directory, which flatpak-builder empties
 * with --force-clean, never holds anything else of value.
 */
import * as path from 'node:path'
import { Input } from './constants.js'
import type { InputError } from './inputs.js'

/** The real paths (symlinks followed, as far as they exist) of the path inputs and of the runner's dirs. */
export interface RealPaths {
  workspace: string
  tempDir: string
  home: string
  appPath: string
  requirements?: string
  bundlePath: string
  manifestPath: string
  buildDir: string
  /** The action's own working directory (see workDirOf). */
  workDir: string
  /** Files of the project the app installs (metainfo, desktop-file, icon), by input. */
  projectFiles: Record<string, string>
  /** The repository-dir, and the directory of a file: repository-from. */
  repositoryDir?: string
  repositoryFrom?: string
}

/** What is at <repository-dir>/repo, which the action replaces with the new deployment. */
export type RepositoryState = 'missing' | 'ostree-repo' | 'other'

/** What is at build-dir before the build. */
export type BuildDirState = 'missing' | 'empty' | 'flatpak-build-dir' | 'other'

export function isWithin(file: string, dir: string): boolean {
  const rel = path.relative(dir, file)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

export function pathProblems(
  real: RealPaths,
  buildDir: BuildDirState,
  repository: RepositoryState = 'missing'
): InputError[] {
  const errors: InputError[] = []
  const inWorkspace = (input: string, p: string | undefined, what: string): void => {
    if (p !== undefined && !isWithin(p, real.workspace)) {
      errors.push({
        input,
        message: `${input} '${p}' is outside the workspace (${real.workspace}): ${what} must be a path in the repository, relative to the workspace, and not a symlink that leads out of it.`
      })
    }
  }
  inWorkspace(Input.AppPath, real.appPath, "the app's project")
  inWorkspace(Input.Requirements, real.requirements, 'the requirements file')
  inWorkspace(Input.Bundle, real.bundlePath, 'the bundle')
  for (const [input, file] of Object.entries(real.projectFiles)) {
    if (!isWithin(file, real.appPath)) {
      errors.push({
        input,
        message: `${input} '${file}' is outside app-path (${real.appPath}): the app installs it from its project, so it must be a file of the project.`
      })
    }
  }
  for (const [input, p] of [
    [Input.ManifestPath, real.manifestPath],
    [Input.BuildDir, real.buildDir],
    [Input.RepositoryDir, real.repositoryDir],
    [Input.RepositoryFrom, real.repositoryFrom]
  ] as const) {
    if (p !== undefined && !isWithin(p, real.workspace) && !isWithin(p, real.tempDir)) {
      errors.push({
        input,
        message: `${input} '${p}' is outside the workspace (${real.workspace}) and the runner's temp dir (${real.tempDir}): put it in one of them.`
      })
    }
  }
  // flatpak-builder --force-clean empties the build directory: it must hold nothing but a build.
  const precious: [string, string][] = [
    [real.workspace, 'the workspace'],
    [real.tempDir, "the runner's temp dir"],
    [real.home, 'the home directory'],
    [real.appPath, 'app-path'],
    [path.dirname(real.manifestPath), "the manifest's directory"]
  ]
  for (const [dir, what] of precious) {
    if (isWithin(dir, real.buildDir)) {
      errors.push({
        input: Input.BuildDir,
        message: `build-dir '${real.buildDir}' is or contains ${what} (${dir}), which flatpak-builder would empty: leave build-dir unset, or name a directory of its own.`
      })
      break
    }
  }
  if (buildDir === 'other') {
    errors.push({
      input: Input.BuildDir,
      message: `build-dir '${real.buildDir}' is a directory with files that are not a flatpak build, which flatpak-builder would delete: leave build-dir unset, or name an empty or new directory.`
    })
  }
  if (repository === 'other') {
    errors.push({
      input: Input.RepositoryDir,
      message: `repository-dir '${real.repositoryDir}' has a repo/ that is not an OSTree repository, which the action would replace: name a directory of its own, or the one an earlier run of the action wrote.`
    })
  }
  return errors
}

/** The deepest directory that holds every one of the files. */
export function commonDirectory(files: string[]): string {
  let dir = path.dirname(files[0])
  while (!files.every(f => isWithin(f, dir))) dir = path.dirname(dir)
  return dir
}
