import * as core from '@actions/core'
import * as io from '@actions/io'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { run, runChecked, toolVersion } from './flatpak.js'

/** What the runner has, found before any work. */
export interface Toolchain {
  flatpak: string
  flatpakBuilder: string
  /** flatpak-builder can use rofiles-fuse (needs a usable /dev/fuse and fusermount). */
  rofilesFuse: boolean
  /** The SDK and runtime are installed already: no remote-add, no install. */
  runtimeInstalled: boolean
  /** The runtime is in the user installation (else a system one). */
  runtimeInUserInstallation: boolean
}

/** Debian/Ubuntu packages the action needs on the runner. */
export const APT_PACKAGES = [
  'flatpak',
  'flatpak-builder',
  'ostree',
  'binutils',
  'elfutils',
  'debugedit',
  'zstd'
]

/** A cold build with CPython needs about this much for the state, build dir and repo. */
export const NEEDED_DISK = 1e9

/** What preflight looked at. */
export interface RunnerFacts {
  versions: Record<'flatpak' | 'flatpak-builder' | 'ostree' | 'bwrap', string | undefined>
  isRoot: boolean
  hasSudo: boolean
  hasAptGet: boolean
  /** `bwrap --unshare-user` works for this user. */
  userNamespaces: boolean
  /** Ubuntu 24.04's kernel.apparmor_restrict_unprivileged_userns is 1. */
  appArmorRestrictsUserNamespaces: boolean
  githubHosted: boolean
  fuse: boolean
  freeBytes?: number
}

/** The setup steps the action takes on this runner, or why it cannot build here. */
export interface SetupPlan {
  installPackages?: string[]
  liftAppArmorRestriction?: string[]
  warnings: string[]
  problem?: string
}

const sudo = (facts: RunnerFacts, argv: string[]): string[] =>
  facts.isRoot ? argv : ['sudo', '--non-interactive', ...argv]

export function setupPlan(facts: RunnerFacts): SetupPlan {
  const plan: SetupPlan = { warnings: [] }
  const missing = (['flatpak', 'flatpak-builder', 'ostree'] as const).filter(tool => !facts.versions[tool])
  if (missing.length > 0) {
    if (!facts.hasAptGet || !(facts.isRoot || facts.hasSudo)) {
      plan.problem =
        `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed, and this runner cannot install ` +
        `${missing.length > 1 ? 'them' : 'it'}: that needs apt-get and root or passwordless sudo. ` +
        `Install these packages before this step: ${APT_PACKAGES.join(' ')}.`
      return plan
    }
    plan.installPackages = sudo(facts, [
      'apt-get',
      'install',
      '--yes',
      '--no-install-recommends',
      ...APT_PACKAGES
    ])
  }
  // Root needs no user namespace; everyone else's sandbox does (bubblewrap is not setuid on Ubuntu).
  if (!facts.isRoot && !facts.userNamespaces && facts.versions.bwrap) {
    if (facts.appArmorRestrictsUserNamespaces && facts.githubHosted && facts.hasSudo) {
      plan.liftAppArmorRestriction = sudo(facts, [
        'sysctl',
        '-w',
        'kernel.apparmor_restrict_unprivileged_userns=0'
      ])
    } else if (facts.appArmorRestrictsUserNamespaces) {
      plan.problem =
        'bubblewrap cannot create user namespaces: AppArmor restricts them (kernel.apparmor_restrict_unprivileged_userns=1, ' +
        'as on Ubuntu 24.04). Run `sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` before this step, ' +
        'or load an AppArmor profile that allows userns for bwrap, or run the job as root or in a --privileged container.'
    } else {
      plan.problem =
        'bubblewrap cannot create user namespaces for this user, so flatpak cannot build. Enable unprivileged user ' +
        'namespaces (user.max_user_namespaces > 0), or run the job as root or in a --privileged container.'
    }
  }
  if (facts.freeBytes !== undefined && facts.freeBytes < NEEDED_DISK) {
    plan.warnings.push(
      `Only ${(facts.freeBytes / 1e9).toFixed(2)} GB free where the build goes; a cold build with CPython needs about 1 GB.`
    )
  }
  return plan
}

async function fuseUsable(): Promise<boolean> {
  try {
    await fs.access('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK)
  } catch {
    return false
  }
  return Boolean((await io.which('fusermount3', false)) || (await io.which('fusermount', false)))
}

async function succeeds(argv: [string, ...string[]]): Promise<boolean> {
  try {
    return (await run(argv, { silent: true })).exitCode === 0
  } catch {
    return false
  }
}

/** Free bytes in the file system that holds dir (or its nearest existing parent). */
async function freeBytes(dir: string): Promise<number | undefined> {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const stats = await fs.statfs(d)
      return stats.bavail * stats.bsize
    } catch {
      if (d === path.dirname(d)) return undefined
    }
  }
}

async function gatherFacts(workDir: string): Promise<RunnerFacts> {
  const [flatpak, flatpakBuilder, ostree, bwrap] = await Promise.all(
    ['flatpak', 'flatpak-builder', 'ostree', 'bwrap'].map(tool => toolVersion(tool))
  )
  const isRoot = process.getuid?.() === 0
  const hasSudo =
    !isRoot &&
    Boolean(await io.which('sudo', false)) &&
    (await succeeds(['sudo', '--non-interactive', 'true']))
  const restriction = await fs
    .readFile('/proc/sys/kernel/apparmor_restrict_unprivileged_userns', 'utf8')
    .catch(() => '0')
  return {
    versions: { flatpak, 'flatpak-builder': flatpakBuilder, ostree, bwrap },
    isRoot,
    hasSudo,
    hasAptGet: Boolean(await io.which('apt-get', false)),
    userNamespaces:
      Boolean(bwrap) && (await succeeds(['bwrap', '--unshare-user', '--ro-bind', '/', '/', 'true'])),
    appArmorRestrictsUserNamespaces: restriction.trim() === '1',
    githubHosted: process.env.RUNNER_ENVIRONMENT === 'github-hosted',
    fuse: await fuseUsable(),
    freeBytes: await freeBytes(workDir)
  }
}

/** Where the SDK and runtime are installed: 'user', 'system', or undefined when one is missing. */
async function runtimeLocation(refs: string[], arch: string): Promise<'user' | 'system' | undefined> {
  for (const installation of ['user', 'system'] as const) {
    const found = await Promise.all(
      refs.map(ref => succeeds(['flatpak', 'info', `--${installation}`, `--arch=${arch}`, ref]))
    )
    if (found.every(Boolean)) return installation
  }
  return undefined
}

/**
 * Reports what the runner has and which setup steps the action takes, then takes them: apt
 * packages (as root or through sudo), and on GitHub-hosted Ubuntu 24.04 the AppArmor switch that
 * lets bubblewrap create user namespaces.
 */
export async function preflight(workDir: string, runtimeRefs: string[], arch: string): Promise<Toolchain> {
  let facts = await gatherFacts(workDir)
  const plan = setupPlan(facts)
  const v = facts.versions
  core.info(
    `flatpak ${v.flatpak ?? 'missing'}, flatpak-builder ${v['flatpak-builder'] ?? 'missing'}, ` +
      `ostree ${v.ostree ?? 'missing'}, bubblewrap ${v.bwrap ?? 'missing'}`
  )
  core.info(
    `Running as ${facts.isRoot ? 'root' : `a user${facts.hasSudo ? ' with passwordless sudo' : ' without sudo'}`}`
  )
  core.info(
    `User namespaces for bubblewrap: ${facts.userNamespaces ? 'work' : 'do not work'}${facts.appArmorRestrictsUserNamespaces ? ' (AppArmor restricts them)' : ''}`
  )
  core.info(
    `FUSE: ${facts.fuse ? 'works, builds use rofiles-fuse' : 'not usable, builds use --disable-rofiles-fuse'}`
  )
  if (facts.freeBytes !== undefined)
    core.info(`Disk: ${(facts.freeBytes / 1e9).toFixed(1)} GB free for ${workDir}`)
  for (const warning of plan.warnings) core.warning(warning)
  if (plan.problem) throw new Error(plan.problem)

  if (plan.installPackages) {
    core.info(
      `Setup: installing ${APT_PACKAGES.join(' ')} with apt-get${facts.isRoot ? '' : ' through sudo'}`
    )
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    const update =
      plan.installPackages[0] === 'sudo'
        ? ['sudo', '--non-interactive', 'apt-get', 'update']
        : ['apt-get', 'update']
    await runChecked('apt-get update', update as [string, ...string[]], { env })
    await runChecked('apt-get install', plan.installPackages as [string, ...string[]], { env })
    facts = await gatherFacts(workDir)
    if (!facts.versions.flatpak || !facts.versions['flatpak-builder'] || !facts.versions.ostree) {
      throw new Error('flatpak, flatpak-builder or ostree is still missing after apt-get install.')
    }
  }
  if (plan.liftAppArmorRestriction) {
    core.warning(
      'Setup: AppArmor keeps bubblewrap from creating user namespaces on this GitHub-hosted runner; setting ' +
        'kernel.apparmor_restrict_unprivileged_userns=0 through sudo (until the runner VM goes away).'
    )
    await runChecked('sysctl', plan.liftAppArmorRestriction as [string, ...string[]])
  }
  const location = await runtimeLocation(runtimeRefs, arch)
  core.info(
    location
      ? `Setup: ${runtimeRefs.join(' and ')} installed already (${location} installation): no remote to add, nothing to install`
      : `Setup: adding the remote and installing ${runtimeRefs.join(' and ')} for this user`
  )
  return {
    flatpak: facts.versions.flatpak!,
    flatpakBuilder: facts.versions['flatpak-builder']!,
    rofilesFuse: facts.fuse,
    runtimeInstalled: location !== undefined,
    runtimeInUserInstallation: location !== 'system'
  }
}
