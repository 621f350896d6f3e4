import * as core from '@actions/core'
import * as io from '@actions/io'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { run, runChecked, toolVersion } from './exec.js'
import type { Inputs } from '../pure/inputs.js'
import {
  FLATPAK_ARCHES,
  hostTools,
  setupPlan,
  type HostTool,
  type RunnerFacts,
  type Toolchain
} from '../pure/setup-plan.js'

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

/** The binfmt_misc entry that runs arch's programs, when arch is not the machine's. */
async function foreignArch(arch: string): Promise<RunnerFacts['foreignArch']> {
  const native = FLATPAK_ARCHES[os.arch()] ?? os.arch()
  if (arch === native) return undefined
  const binfmt = await fs.readFile(`/proc/sys/fs/binfmt_misc/qemu-${arch}`, 'utf8').catch(() => undefined)
  return { arch, native, binfmt }
}

async function gatherFacts(workDir: string, tools: HostTool[], arch: string): Promise<RunnerFacts> {
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
    freeBytes: await freeBytes(workDir),
    missingCommands: (
      await Promise.all(
        tools.map(async tool => ((await io.which(tool.command, false)) ? undefined : tool.command))
      )
    ).filter((command): command is string => command !== undefined),
    foreignArch: await foreignArch(arch)
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
export async function preflight(inputs: Inputs): Promise<Toolchain> {
  const workDir = path.dirname(inputs.manifestPath)
  const runtimeRefs = [
    `${inputs.sdk}//${inputs.runtimeVersion}`,
    `${inputs.runtime}//${inputs.runtimeVersion}`
  ]
  const { arch } = inputs
  const tools = hostTools(inputs.desktop)
  let facts = await gatherFacts(workDir, tools, arch)
  const plan = setupPlan(facts, tools)
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
    const packages = plan.installPackages.slice(plan.installPackages.indexOf('--no-install-recommends') + 1)
    core.info(`Setup: installing ${packages.join(' ')} with apt-get${facts.isRoot ? '' : ' through sudo'}`)
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    const update =
      plan.installPackages[0] === 'sudo'
        ? ['sudo', '--non-interactive', 'apt-get', 'update']
        : ['apt-get', 'update']
    await runChecked('apt-get update', update as [string, ...string[]], { env })
    await runChecked('apt-get install', plan.installPackages as [string, ...string[]], { env })
    facts = await gatherFacts(workDir, tools, arch)
    const still = [
      ...(['flatpak', 'flatpak-builder', 'ostree'] as const).filter(tool => !facts.versions[tool]),
      ...facts.missingCommands
    ]
    if (still.length > 0) throw new Error(`${still.join(', ')} still missing after apt-get install.`)
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
