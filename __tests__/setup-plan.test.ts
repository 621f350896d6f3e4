import { describe, expect, it } from 'vitest'
import { APT_PACKAGES, hostTools, setupPlan, type RunnerFacts } from '../src/pure/setup-plan.js'

const ready: RunnerFacts = {
  versions: { flatpak: '1.14.10', 'flatpak-builder': '1.2.3', ostree: '2022.7', bwrap: '0.8.0' },
  isRoot: false,
  hasSudo: true,
  hasAptGet: true,
  userNamespaces: true,
  appArmorRestrictsUserNamespaces: false,
  githubHosted: true,
  fuse: true,
  freeBytes: 50e9,
  missingCommands: []
}
const missing = { ...ready.versions, flatpak: undefined, 'flatpak-builder': undefined }

describe('setupPlan', () => {
  it('takes no setup step when everything is there', () => {
    expect(setupPlan(ready)).toEqual({ warnings: [] })
  })

  it.each([
    [
      { isRoot: true, hasSudo: false },
      ['apt-get', 'install', '--yes', '--no-install-recommends', ...APT_PACKAGES]
    ],
    [
      {},
      ['sudo', '--non-interactive', 'apt-get', 'install', '--yes', '--no-install-recommends', ...APT_PACKAGES]
    ]
  ])('installs missing tools with apt-get, as root or through sudo: %o', (over, argv) => {
    expect(setupPlan({ ...ready, ...over, versions: missing }).installPackages).toEqual(argv)
  })

  it.each([{ hasSudo: false }, { hasAptGet: false }])(
    'without a way to install them, says which packages to install: %o',
    over => {
      expect(setupPlan({ ...ready, ...over, versions: missing }).problem).toBe(
        `flatpak, flatpak-builder are not installed, and this runner cannot install them: that needs apt-get and root or passwordless sudo. Install these packages before this step: ${APT_PACKAGES.join(' ')}.`
      )
    }
  )

  it("lifts Ubuntu 24.04's AppArmor restriction on GitHub-hosted runners only, through sudo", () => {
    const blocked = { ...ready, userNamespaces: false, appArmorRestrictsUserNamespaces: true }
    expect(setupPlan(blocked).liftAppArmorRestriction).toEqual([
      'sudo',
      '--non-interactive',
      'sysctl',
      '-w',
      'kernel.apparmor_restrict_unprivileged_userns=0'
    ])
    expect(setupPlan({ ...blocked, githubHosted: false }).problem).toMatch(
      /AppArmor restricts them .*sudo sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/
    )
    expect(setupPlan({ ...blocked, appArmorRestrictsUserNamespaces: false }).problem).toMatch(
      /user\.max_user_namespaces/
    )
  })

  it('needs no user namespaces as root', () => {
    expect(
      setupPlan({ ...ready, isRoot: true, userNamespaces: false, appArmorRestrictsUserNamespaces: true })
    ).toEqual({ warnings: [] })
  })

  it('warns below 1 GB of free disk', () => {
    expect(setupPlan({ ...ready, freeBytes: 0.4e9 }).warnings).toEqual([
      'Only 0.40 GB free where the build goes; a cold build with CPython needs about 1 GB.'
    ])
  })

  it('installs the host tools a desktop app needs that are missing, with the core packages when those are missing too', () => {
    const gui = hostTools({ gui: true })
    expect(
      setupPlan({ ...ready, isRoot: true, missingCommands: ['Xvfb', 'import'] }, gui).installPackages
    ).toEqual(['apt-get', 'install', '--yes', '--no-install-recommends', 'xvfb', 'imagemagick'])
    expect(
      setupPlan({ ...ready, isRoot: true, versions: missing, missingCommands: ['appstreamcli'] }, gui)
        .installPackages
    ).toEqual(['apt-get', 'install', '--yes', '--no-install-recommends', ...APT_PACKAGES, 'appstream'])
    expect(setupPlan({ ...ready, missingCommands: ['Xvfb'] }, hostTools({ gui: false }))).toEqual({
      warnings: []
    })
  })

  it('names the packages of missing host tools it cannot install', () => {
    expect(
      setupPlan({ ...ready, hasSudo: false, missingCommands: ['xwininfo'] }, hostTools({ gui: true })).problem
    ).toBe(
      'xwininfo is not installed, and this runner cannot install it: that needs apt-get and root or passwordless sudo. Install these packages before this step: x11-utils.'
    )
  })
})

describe('a build for another arch', () => {
  const registered = 'enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\n'
  const foreign = (binfmt?: string): RunnerFacts => ({
    ...ready,
    foreignArch: { arch: 'aarch64', native: 'x86_64', binfmt }
  })

  it('goes ahead when qemu is registered with flag F', () => {
    expect(setupPlan(foreign(registered)).problem).toBeUndefined()
  })

  it.each([
    [undefined, 'there is no binfmt_misc entry qemu-aarch64'],
    [registered.replace('enabled', 'disabled'), 'the binfmt_misc entry qemu-aarch64 is disabled'],
    [registered.replace('POCF', 'PO'), 'the binfmt_misc entry qemu-aarch64 is without flag F']
  ])('stops, saying what to install, with the entry %j', (binfmt, state) => {
    const { problem } = setupPlan(foreign(binfmt))
    expect(problem).toContain(`arch aarch64 is not this runner's (x86_64), and ${state}`)
    expect(problem).toContain('sudo apt-get install --yes qemu-user-static binfmt-support')
    expect(problem).toContain('ubuntu-24.04-arm')
  })
})
