import { pathToFileURL } from 'node:url'

/** An argv: the program, then its arguments. Never joined into a shell string. */
export type Argv = [string, ...string[]]

export interface BuildTarget {
  appId: string
  arch: string
  branch: string
  manifest: string
  buildDir: string
  repo: string
}

export interface Remote {
  name: string
  url: string
}

/** A .flatpakrepo file carries the remote's GPG key; a plain repository URL carries none. */
export function isRepoFile(url: string): boolean {
  return new URL(url).pathname.endsWith('.flatpakrepo')
}

export function remoteAddArgs(remote: Remote): Argv {
  return isRepoFile(remote.url)
    ? ['flatpak', 'remote-add', '--user', '--if-not-exists', '--from', remote.name, remote.url]
    : ['flatpak', 'remote-add', '--user', '--if-not-exists', '--no-gpg-verify', remote.name, remote.url]
}

function builderCommon(target: BuildTarget, rofilesFuse: boolean): string[] {
  return [
    '--user',
    `--arch=${target.arch}`,
    `--default-branch=${target.branch}`,
    '--force-clean',
    // rofiles-fuse needs /dev/fuse; without it flatpak-builder fails, so go without its write protection.
    ...(rofilesFuse ? [] : ['--disable-rofiles-fuse'])
  ]
}

/**
 * Builds only the first module (Python), installing the SDK and runtime from `installFrom` first
 * (undefined when they are installed already).
 */
export function buildPythonArgs(
  target: BuildTarget,
  installFrom: Remote | undefined,
  rofilesFuse: boolean
): Argv {
  return [
    'flatpak-builder',
    ...builderCommon(target, rofilesFuse),
    ...(installFrom ? [`--install-deps-from=${installFrom.name}`] : []),
    '--build-only',
    target.buildDir,
    target.manifest
  ]
}

/**
 * Downloads the sources of a manifest into flatpak-builder's state (downloads/<sha256>/), and only
 * that: `scratchDir` is a build dir nothing else uses, which --force-clean empties.
 */
export function downloadArgs(target: BuildTarget, installFrom: Remote | undefined, scratchDir: string): Argv {
  return [
    'flatpak-builder',
    '--user',
    `--arch=${target.arch}`,
    '--force-clean',
    ...(installFrom ? [`--install-deps-from=${installFrom.name}`] : []),
    '--download-only',
    scratchDir,
    target.manifest
  ]
}

/** The version line of a CPython source tarball (tar finds .tgz or .tar.xz itself), read without unpacking the rest. */
export function patchlevelArgs(tarball: string): Argv {
  return ['tar', '--extract', `--file=${tarball}`, '--to-stdout', '--wildcards', '*/Include/patchlevel.h']
}

/** Builds every module, finishes and exports into the repo (which splits /lib/debug into .Debug). */
export function buildAppArgs(target: BuildTarget, rofilesFuse: boolean): Argv {
  return [
    'flatpak-builder',
    ...builderCommon(target, rofilesFuse),
    `--repo=${target.repo}`,
    target.buildDir,
    target.manifest
  ]
}

/** What a program in the build sandbox may reach. */
export interface SandboxAccess {
  /** Host directories it may read and write (at the same path inside). */
  dirs: string[]
  env: Record<string, string>
  network: boolean
}

/**
 * Runs a program in the build sandbox (SDK as /usr, the build dir as /app). flatpak build grants
 * the host's file system unless told otherwise; this sandbox runs code from the pull request
 * (setup.py, build backends), so it sees no host file but the directories given.
 */
export function sandboxArgs(buildDir: string, access: SandboxAccess, command: string[]): Argv {
  return [
    'flatpak',
    'build',
    '--nofilesystem=host',
    '--nofilesystem=home',
    ...(access.network ? ['--share=network'] : []),
    ...access.dirs.map(d => `--filesystem=${d}`),
    ...Object.entries(access.env).map(([k, v]) => `--env=${k}=${v}`),
    buildDir,
    ...command
  ]
}

/** `timeout` kills the whole sandbox when it hangs: exit 124 after TERM, 137 after the KILL 10 s later. */
export function withTimeout(seconds: number, argv: Argv): Argv {
  return ['timeout', '--kill-after=10', String(seconds), ...argv]
}

// The finish-args that `flatpak build` takes too: what the app's sandbox may reach.
const CONTEXT_OPTIONS =
  /^--(share|unshare|socket|nosocket|device|nodevice|allow|disallow|filesystem|nofilesystem|env|unset-env|own-name|talk-name|no-talk-name|system-own-name|system-talk-name|system-no-talk-name|add-policy|remove-policy|persist)=/

/**
 * Runs the finished app in the SDK, with what its finish-args grant and nothing else of the host:
 * `flatpak build` (and `flatpak-builder --run`) would grant the host's file system. The app is
 * read-only, as installed.
 */
export function sdkSmokeArgs(
  target: BuildTarget,
  finishArgs: string[],
  command: string,
  args: string[]
): Argv {
  return [
    'flatpak',
    'build',
    '--readonly',
    '--with-appdir',
    '--die-with-parent',
    '--allow=devel',
    '--nofilesystem=host',
    '--nofilesystem=home',
    ...finishArgs.filter(arg => CONTEXT_OPTIONS.test(arg)),
    target.buildDir,
    command,
    ...args
  ]
}

/**
 * Writes the repository's AppStream branches (appstream/<arch>, appstream2/<arch>) from the
 * catalogue flatpak-builder composed, and its summary: what a software centre reads from a
 * remote, and what Flathub's repo checks look for.
 */
export function updateRepoArgs(repo: string): Argv {
  return ['flatpak', 'build-update-repo', repo]
}

/** The signed repository a bundle is made from instead of the build's, and the key it carries. */
export interface SignedSource {
  repo: string
  publicKey: string
  /** Where the installed app takes its updates from. */
  repoUrl?: string
}

export function bundleArgs(
  target: BuildTarget,
  bundle: string,
  runtimeRepo?: string,
  signed?: SignedSource
): Argv {
  return [
    'flatpak',
    'build-bundle',
    `--arch=${target.arch}`,
    ...(signed ? [`--gpg-keys=${signed.publicKey}`] : []),
    ...(signed?.repoUrl ? [`--repo-url=${signed.repoUrl}`] : []),
    ...(runtimeRepo ? [`--runtime-repo=${runtimeRepo}`] : []),
    signed?.repo ?? target.repo,
    bundle,
    target.appId,
    target.branch
  ]
}

/** The remote a throwaway installation installs the exported app from. */
export const SMOKE_REMOTE = 'fpa-exported'

/** Adds the exported repository to an installation and installs the app from it, never asking. */
export function installFromRepoArgs(target: BuildTarget): [string, Argv][] {
  return [
    [
      'Adding the exported repository',
      ['flatpak', 'remote-add', '--user', '--no-gpg-verify', SMOKE_REMOTE, pathToFileURL(target.repo).href]
    ],
    [
      'Installing the app',
      [
        'flatpak',
        'install',
        '--user',
        '--noninteractive',
        '--assumeyes',
        `--arch=${target.arch}`,
        SMOKE_REMOTE,
        `${target.appId}//${target.branch}`
      ]
    ]
  ]
}

/** Runs the installed app under the Platform, as users will. */
export function platformSmokeArgs(target: BuildTarget, args: string[], options: string[] = []): Argv {
  return [
    'flatpak',
    'run',
    '--user',
    `--arch=${target.arch}`,
    ...options,
    `${target.appId}//${target.branch}`,
    ...args
  ]
}

/**
 * What the smoke runs of an app with a window add: the action's display as X11, whatever the app
 * asks for (Wayland first, say), and the app going with the run when the action stops it.
 */
export const WINDOW_SMOKE_OPTIONS = ['--socket=x11', '--nosocket=wayland']
export const PLATFORM_WINDOW_SMOKE_OPTIONS = [...WINDOW_SMOKE_OPTIONS, '--die-with-parent']
