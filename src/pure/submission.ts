/**
 * The manifest a maintainer submits to Flathub: the same modules as the build's, but the app's
 * source is its repository at the commit being built, and nothing names a local path.
 */
import * as path from 'node:path'
import type { AppArchive, ManifestSpec } from './manifest.js'

/** The repository and commit the run builds, from the runner's GITHUB_* variables. */
export type GitOrigin = NonNullable<AppArchive['git']>

/**
 * Where the app's source comes from for Flathub, or why there is no submission manifest (not on
 * GitHub Actions, or app-path outside the checkout).
 */
export function gitOrigin(
  env: Record<string, string | undefined>,
  workspace: string,
  appPath: string
): GitOrigin | { missing: string } {
  const { GITHUB_REPOSITORY: repository, GITHUB_SHA: commit, GITHUB_REF: ref } = env
  if (!repository || !commit) {
    return { missing: 'GITHUB_REPOSITORY and GITHUB_SHA are not set (not on GitHub Actions?)' }
  }
  const subdir = path.relative(workspace, appPath)
  if (subdir.startsWith('..') || path.isAbsolute(subdir)) {
    return { missing: `app-path ${appPath} is not in the checkout ${workspace}` }
  }
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const tag = ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined
  return { url: `${server}/${repository}.git`, commit, ...(tag ? { tag } : {}), subdir }
}

// Flathub's update bot (flatpak-external-data-checker) follows CPython's releases on Anitya.
const CPYTHON_ON_ANITYA = 13254

/**
 * The build's manifest spec, made for Flathub: the repository instead of the archive, and debug
 * symbols split off as Flathub builds them.
 */
export function submissionSpec(spec: ManifestSpec, origin: GitOrigin): ManifestSpec {
  return { ...spec, debugInfo: true, app: { ...spec.app, git: origin } }
}

/** What Flathub's update bot reads to propose a new CPython: set on python.org's tarballs only. */
export function cpythonChecker(url: string): Record<string, unknown> | undefined {
  const match = /^https:\/\/www\.python\.org\/ftp\/python\/[\d.]+\/Python-[\d.]+(\.tgz|\.tar\.xz)$/.exec(url)
  if (!match) return undefined
  return {
    type: 'anitya',
    'project-id': CPYTHON_ON_ANITYA,
    'stable-only': true,
    'url-template': `https://www.python.org/ftp/python/$version/Python-$version${match[1]}`
  }
}

type Json = Record<string, unknown>

/**
 * What in a manifest (and the module files it includes) Flathub's linter refuses: local `dir` and
 * `path` sources, downloads without a sha256, git sources without a commit, network in builds.
 */
export function submissionProblems(manifest: Json, included: Json[] = []): string[] {
  const problems: string[] = []
  const modules = [...((manifest.modules as unknown[]) ?? []), ...included].filter(
    (m): m is Json => typeof m === 'object' && m !== null
  )
  for (const module of modules) {
    const name = String(module.name)
    for (const source of (module.sources as Json[] | undefined) ?? []) {
      const type = String(source.type)
      if (type === 'dir' || source.path !== undefined) {
        problems.push(`module ${name}: its ${type} source names the local path ${String(source.path)}`)
      }
      if (
        (type === 'file' || type === 'archive') &&
        source.url !== undefined &&
        source.sha256 === undefined
      ) {
        problems.push(`module ${name}: ${String(source.url)} has no sha256`)
      }
      if (type === 'git' && source.commit === undefined) {
        problems.push(`module ${name}: the git source ${String(source.url)} has no commit`)
      }
    }
    const args = ((module['build-options'] as Json | undefined)?.['build-args'] as string[] | undefined) ?? []
    if (args.includes('--share=network')) problems.push(`module ${name}: builds with network`)
  }
  return problems
}
