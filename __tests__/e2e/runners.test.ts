import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { copyApp, EXAMPLE_APP, localInputs, runAction, stateDir } from './action.js'

const f = inject('fixtures')
const USER = 'fpa-runner'

/** An unprivileged user without sudo, like GitHub's `runner` minus its sudo rights. */
function unprivilegedUser(): { uid: number; gid: number; home: string } {
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' })
  } catch {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', USER])
  }
  const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }))
  const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }))
  // A fresh HOME each run: the user's own, empty Flatpak installation and caches.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-runner-home-'))
  fs.chownSync(home, uid, gid)
  return { uid, gid, home }
}

/**
 * A D-Bus daemon of the user's own, standing in for the system bus a runner VM has: flatpak asks it
 * about parental controls before a non-root user installs an app. This container has no system bus.
 */
async function busFor(user: {
  uid: number
  gid: number
  home: string
}): Promise<{ address: string; stop(): void }> {
  const socket = path.join(user.home, 'system-bus')
  const daemon = spawn(
    'dbus-daemon',
    ['--session', '--nofork', '--print-address=1', `--address=unix:path=${socket}`],
    {
      uid: user.uid,
      gid: user.gid,
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  const address = await new Promise<string>(resolve =>
    daemon.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))
  )
  return { address, stop: () => daemon.kill() }
}

describe('as a non-root user without sudo', () => {
  let user: ReturnType<typeof unprivilegedUser>
  let bus: Awaited<ReturnType<typeof busFor>>
  beforeAll(async () => {
    user = unprivilegedUser()
    bus = await busFor(user)
    return () => bus.stop()
  })

  it('builds in its own installation, with user namespaces and without FUSE', async () => {
    const { 'manifest-path': _shared, ...inputs } = localInputs(f, '')
    const run = await runAction(
      f,
      {
        ...inputs,
        'python-version': 'runtime',
        // The user cannot read the fixtures' cache directory; the repo is served over HTTP too.
        'remote-url': f.runtimeRepoHttpUrl,
        // In a workspace of the user's, as a checkout would be.
        'app-path': await copyApp(EXAMPLE_APP)
      },
      {
        user,
        node: '/usr/bin/node',
        env: { PATH: '/usr/local/bin:/usr/bin:/bin', DBUS_SYSTEM_BUS_ADDRESS: bus.address }
      }
    )
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    const preflight = run.groups['Preflight']
    expect(preflight).toContain('Running as a user without sudo')
    expect(preflight).toContain('User namespaces for bubblewrap: work')
    expect(preflight).toMatch(
      /Setup: adding the remote and installing org\.example\.Sdk\/\/1 and org\.example\.Platform\/\/1/
    )
    if (!fs.existsSync('/dev/fuse') || (fs.statSync('/dev/fuse').mode & 0o006) === 0) {
      expect(preflight).toContain('FUSE: not usable, builds use --disable-rofiles-fuse')
      expect(run.groups['Build']).toContain('--disable-rofiles-fuse')
    }
    expect(
      fs.existsSync(path.join(user.home, '.local', 'share', 'flatpak', 'runtime', 'org.example.Platform'))
    ).toBe(true)
    expect(fs.statSync(run.outputs['bundle-path']).uid).toBe(user.uid)
    expect(run.groups['Smoke run under the Platform']).toContain('Hello, world from python sandbox.')
  })

  it('without flatpak and without a way to install it, says which packages to install', async () => {
    const run = await runAction(
      f,
      { ...localInputs(f, ''), 'app-path': await copyApp(EXAMPLE_APP) },
      { user, node: '/usr/bin/node', env: { PATH: '/nonexistent' } }
    )
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toContain(
      'flatpak, flatpak-builder, ostree, appstreamcli, desktop-file-validate are not installed, and this runner cannot install them: that needs apt-get and root or passwordless sudo. Install these packages before this step: flatpak flatpak-builder ostree binutils elfutils debugedit zstd appstream desktop-file-utils.'
    )
  })
})

describe('on a runner that has flatpak, flatpak-builder and the runtime already (a container image)', () => {
  it('takes none of its own setup steps', async () => {
    // Installed before the action runs, as in an image made for building Flatpaks.
    const env = { ...process.env, FLATPAK_USER_DIR: f.flatpakUserDir }
    execFileSync(
      'flatpak',
      ['remote-add', '--user', '--if-not-exists', '--no-gpg-verify', 'fpa-test', f.runtimeRepoUrl],
      { env }
    )
    execFileSync(
      'flatpak',
      [
        'install',
        '--user',
        '--noninteractive',
        '-y',
        'fpa-test',
        'org.example.Sdk//1',
        'org.example.Platform//1'
      ],
      { env }
    )
    const run = await runAction(f, {
      ...localInputs(f, stateDir(f, 'runtime')),
      'python-version': 'runtime',
      'app-path': EXAMPLE_APP
    })
    expect(run.errors).toEqual([])
    expect(run.groups['Preflight']).toContain(
      'Setup: org.example.Sdk//1 and org.example.Platform//1 installed already (user installation): no remote to add, nothing to install'
    )
    // The only remote it adds is the exported repository, to the throwaway installation of the smoke run.
    expect(run.log.match(/\[command\]\S*flatpak remote-add .*/g)).toEqual([
      expect.stringMatching(/ fpa-exported file:\/\//)
    ])
    expect(run.log).not.toContain('--install-deps-from')
  })
})
