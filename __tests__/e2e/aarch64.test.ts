import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { startAarch64World, type Aarch64Fixtures } from '../fixtures/local-world.js'
import { APPS, copyApp, localInputs, runAction, stateDir, type ActionRun } from './action.js'

// aarch64 on this x86_64 machine, through qemu-user and binfmt_misc, as flatpak-builder builds for
// a foreign arch: the runtime pair of both arches in one repo, as on Flathub, and fpa-native's wheel
// for each arch, compiled in that arch's own sandbox. Opt-in (FPA_TEST_AARCH64=1): the fixtures take
// about 11 minutes to build the first time, beside the other tests.

const f = inject('fixtures')
const APP = path.join(APPS, 'native-app')
const GITHUB = {
  GITHUB_REPOSITORY: 'example/native-app',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com'
}
const BINFMT = '/proc/sys/fs/binfmt_misc/qemu-aarch64'

type Source = {
  type: string
  url?: string
  sha256?: string
  'dest-filename'?: string
  'only-arches'?: string[]
}
const fileSources = (module: string): Source[] =>
  (JSON.parse(fs.readFileSync(module, 'utf8')) as { sources: Source[] }).sources.filter(
    s => s.type === 'file'
  )

describe.skipIf(process.env.FPA_TEST_AARCH64 !== '1')('aarch64 through qemu-user', () => {
  let world: Aarch64Fixtures & { close(): Promise<void> }
  let app: string
  const runs: Record<string, ActionRun> = {}
  const wheel = (arch: string): string => `fpa_native-1.0-cp311-cp311-linux_${arch}.whl`

  beforeAll(async () => {
    world = await startAarch64World(f)
    app = await copyApp(APP)
  })
  afterAll(async () => world?.close())

  const build = (arch: string, extra: Record<string, string> = {}): Promise<ActionRun> =>
    runAction(
      f,
      {
        ...localInputs(f, stateDir(f, `multiarch-${arch}`)),
        'python-version': 'runtime',
        arch,
        'remote-name': 'fpa-multiarch',
        'remote-url': world.runtimeRepoUrl,
        'pip-index-url': `${world.indexUrl}/simple`,
        'app-path': app,
        requirements: path.join(app, 'requirements.txt'),
        ...extra
      },
      // An installation of the tests' own that keeps both arches' runtimes between runs.
      { env: { ...GITHUB, FLATPAK_USER_DIR: path.join(f.cacheDir, 'flatpak-user-multiarch') } }
    )

  it('x86_64: the module lists both wheels with only-arches, and the build takes only its own', async () => {
    const run = (runs.x86_64 = await build('x86_64'))
    expect(run.errors).toEqual([])
    expect(run.groups['Smoke run under the Platform']).toMatch(/^machine: x86_64$/m)
    expect(run.groups['Smoke run under the Platform']).toMatch(/^native: fpa-native 1\.0 x86_64 /m)
    for (const module of [
      run.outputs['requirements-manifest-path'],
      path.join(path.dirname(run.outputs['submission-manifest-path']), 'python3-requirements.json')
    ]) {
      const natives = fileSources(module).filter(s => s['dest-filename']?.startsWith('fpa_native-'))
      expect(natives).toHaveLength(2)
      for (const arch of ['x86_64', 'aarch64'])
        expect(natives).toContainEqual(
          expect.objectContaining({
            'dest-filename': wheel(arch),
            sha256: world.indexHashes[wheel(arch)],
            'only-arches': [arch]
          })
        )
    }
    const lock = fs.readFileSync(run.outputs['requirements-lock-path'], 'utf8')
    expect(lock).toContain(`--hash=sha256:${world.indexHashes[wheel('aarch64')]}`)
    expect(lock).toContain(`--hash=sha256:${world.indexHashes[wheel('x86_64')]}`)
    // flatpak-builder downloaded the x86_64 wheel only.
    const downloads = path.join(
      stateDir(f, 'multiarch-x86_64'),
      '.flatpak-python-action',
      'org.example.Hello',
      '.flatpak-builder',
      'downloads'
    )
    expect(fs.existsSync(path.join(downloads, world.indexHashes[wheel('x86_64')]))).toBe(true)
    expect(fs.existsSync(path.join(downloads, world.indexHashes[wheel('aarch64')]))).toBe(false)
    expect(
      fs.existsSync(path.join(path.dirname(run.outputs['submission-manifest-path']), 'flathub.json'))
    ).toBe(false)
  })

  it('aarch64: builds, smoke-runs in the SDK and under the Platform, and bundles, all through qemu', async () => {
    const run = (runs.aarch64 = await build('aarch64'))
    expect(run.errors).toEqual([])
    expect(run.groups['Smoke run in the SDK']).toMatch(/^machine: aarch64$/m)
    expect(run.groups['Smoke run under the Platform']).toMatch(/^machine: aarch64$/m)
    expect(run.groups['Smoke run under the Platform']).toMatch(/^native: fpa-native 1\.0 aarch64 /m)
    const bundle = run.outputs['bundle-path']
    expect(createHash('sha256').update(fs.readFileSync(bundle)).digest('hex')).toBe(
      run.outputs['bundle-sha256']
    )
    // The same requirements module as the x86_64 build's: the submission is one for both.
    expect(fileSources(run.outputs['requirements-manifest-path'])).toEqual(
      fileSources(runs.x86_64.outputs['requirements-manifest-path'])
    )
  })

  it('without qemu registered, stops before any work and says what to install', async () => {
    fs.writeFileSync(BINFMT, '0')
    try {
      const run = await build('aarch64')
      expect(run.code).not.toBe(0)
      expect(run.errors.join('\n')).toContain(
        "arch aarch64 is not this runner's (x86_64), and the binfmt_misc entry qemu-aarch64 is disabled"
      )
      expect(run.errors.join('\n')).toContain('sudo apt-get install --yes qemu-user-static binfmt-support')
      expect(run.groups['Build Python']).toBeUndefined()
    } finally {
      fs.writeFileSync(BINFMT, '1')
    }
  })
})
