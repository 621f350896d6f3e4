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

/** A program the action runs on the runner for some apps, and the Debian/Ubuntu package that has it. */
export interface HostTool {
  command: string
  package: string
  /** Why the action needs it, for messages. */
  for: string
}

/** What a desktop app needs on the runner: checks of its files, and a display for its smoke runs. */
export function hostTools(app: { gui: boolean }): HostTool[] {
  const checks: HostTool[] = [
    { command: 'appstreamcli', package: 'appstream', for: 'checking the MetaInfo file' },
    { command: 'desktop-file-validate', package: 'desktop-file-utils', for: 'checking the desktop file' }
  ]
  const display: HostTool[] = [
    { command: 'Xvfb', package: 'xvfb', for: 'a display for the smoke runs' },
    { command: 'xwininfo', package: 'x11-utils', for: "seeing the app's window" },
    { command: 'import', package: 'imagemagick', for: 'the screenshot' }
  ]
  return app.gui ? [...checks, ...display] : checks
}

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
  /** Commands of the needed host tools that are not on PATH. */
  missingCommands: string[]
  /** When the build is for another arch than the runner's: the binfmt_misc entry that runs it. */
  foreignArch?: { arch: string; native: string; binfmt?: string }
}

/** Node's name for the machine's arch → Flatpak's. */
export const FLATPAK_ARCHES: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' }

/**
 * Why programs of another arch cannot run here, or undefined. flatpak-builder runs the SDK's own
 * programs, so the kernel must hand them to qemu, also inside the sandbox: an enabled entry with
 * flag F (the interpreter opened when registered, not looked up in the sandbox).
 */
export function foreignArchProblem(foreign: NonNullable<RunnerFacts['foreignArch']>): string | undefined {
  const { arch, native, binfmt } = foreign
  const usable = binfmt !== undefined && /^enabled$/m.test(binfmt) && /^flags:.*F/m.test(binfmt)
  if (usable) return undefined
  const state =
    binfmt === undefined
      ? `there is no binfmt_misc entry qemu-${arch}`
      : `the binfmt_misc entry qemu-${arch} is ${/^enabled$/m.test(binfmt) ? 'without flag F' : 'disabled'}`
  return (
    `arch ${arch} is not this runner's (${native}), and ${state}, so its programs cannot run here. ` +
    `Install qemu-user-static and binfmt-support before this step (sudo apt-get install --yes qemu-user-static binfmt-support, ` +
    `or docker/setup-qemu-action), or build on a ${arch} runner${arch === 'aarch64' ? ' (ubuntu-24.04-arm)' : ''}.`
  )
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

export function setupPlan(facts: RunnerFacts, tools: HostTool[] = []): SetupPlan {
  const plan: SetupPlan = { warnings: [] }
  const missingCore = (['flatpak', 'flatpak-builder', 'ostree'] as const).filter(
    tool => !facts.versions[tool]
  )
  const missingTools = tools.filter(tool => facts.missingCommands.includes(tool.command))
  const missing = [...missingCore, ...missingTools.map(tool => tool.command)]
  const packages = [
    ...new Set([...(missingCore.length > 0 ? APT_PACKAGES : []), ...missingTools.map(tool => tool.package)])
  ]
  if (missing.length > 0) {
    if (!facts.hasAptGet || !(facts.isRoot || facts.hasSudo)) {
      plan.problem =
        `${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not installed, and this runner cannot install ` +
        `${missing.length > 1 ? 'them' : 'it'}: that needs apt-get and root or passwordless sudo. ` +
        `Install these packages before this step: ${packages.join(' ')}.`
      return plan
    }
    plan.installPackages = sudo(facts, [
      'apt-get',
      'install',
      '--yes',
      '--no-install-recommends',
      ...packages
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
  const foreign = facts.foreignArch && foreignArchProblem(facts.foreignArch)
  if (foreign) plan.problem = foreign
  if (facts.freeBytes !== undefined && facts.freeBytes < NEEDED_DISK) {
    plan.warnings.push(
      `Only ${(facts.freeBytes / 1e9).toFixed(2)} GB free where the build goes; a cold build with CPython needs about 1 GB.`
    )
  }
  return plan
}
