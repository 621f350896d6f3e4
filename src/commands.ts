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

/** Builds only the first module (Python), installing the SDK and runtime from the remote when missing. */
export function buildPythonArgs(target: BuildTarget, remote: Remote, rofilesFuse: boolean): Argv {
  return [
    'flatpak-builder',
    ...builderCommon(target, rofilesFuse),
    `--install-deps-from=${remote.name}`,
    '--build-only',
    target.buildDir,
    target.manifest
  ]
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

/** Runs a program in the build sandbox (SDK as /usr, the build dir as /app) with the network and `dirs`. */
export function sandboxArgs(
  buildDir: string,
  dirs: string[],
  env: Record<string, string>,
  command: string[]
): Argv {
  return [
    'flatpak',
    'build',
    '--share=network',
    ...dirs.map(d => `--filesystem=${d}`),
    ...Object.entries(env).map(([k, v]) => `--env=${k}=${v}`),
    buildDir,
    ...command
  ]
}

/** `timeout` kills the whole sandbox when it hangs: exit 124 after TERM, 137 after the KILL 10 s later. */
export function withTimeout(seconds: number, argv: Argv): Argv {
  return ['timeout', '--kill-after=10', String(seconds), ...argv]
}

/** Runs the app in the SDK, the way the build sandbox sees it. */
export function sdkSmokeArgs(target: BuildTarget, command: string, args: string[]): Argv {
  return ['flatpak-builder', '--run', target.buildDir, target.manifest, command, ...args]
}

export function bundleArgs(target: BuildTarget, bundle: string, runtimeRepo?: string): Argv {
  return [
    'flatpak',
    'build-bundle',
    `--arch=${target.arch}`,
    ...(runtimeRepo ? [`--runtime-repo=${runtimeRepo}`] : []),
    target.repo,
    bundle,
    target.appId,
    target.branch
  ]
}

export function installBundleArgs(bundle: string): Argv {
  return ['flatpak', 'install', '--user', '--noninteractive', '--assumeyes', '--bundle', bundle]
}

/** Runs the installed app under the Platform, as users will. */
export function platformSmokeArgs(target: BuildTarget, args: string[]): Argv {
  return ['flatpak', 'run', '--user', `--arch=${target.arch}`, `${target.appId}//${target.branch}`, ...args]
}
