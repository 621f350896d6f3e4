import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { APPS, EXAMPLE_APP, localInputs, ROOT, runAction, stateDir, type ActionRun } from './action.js'

const f = inject('fixtures')
const inputs = localInputs(f, stateDir(f, 'cpython-3.11.2'))

describe('building examples/hello with CPython 3.11.2', () => {
  let run: ActionRun
  let manifest: Record<string, unknown>

  beforeAll(async () => {
    run = await runAction(f, {
      ...inputs,
      'app-path': EXAMPLE_APP,
      'smoke-expect': '^Hello, world from python sandbox'
    })
    manifest = JSON.parse(fs.readFileSync(inputs['manifest-path'], 'utf8')) as Record<string, unknown>
  })

  it('succeeds and sets every output', () => {
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs).toMatchObject({
      'manifest-path': inputs['manifest-path'],
      'bundle-path': path.join(run.workspace, 'org.example.Hello.flatpak'),
      'repo-path': path.join(
        path.dirname(inputs['manifest-path']),
        '.flatpak-python-action',
        'org.example.Hello',
        'repo'
      ),
      'python-version': '3.11.2'
    })
  })

  it('writes the manifest: CPython pinned by sha256 first, the app last, no network in any build step', () => {
    const modules = manifest.modules as Array<Record<string, unknown>>
    expect(modules[0]).toMatchObject({
      name: 'python3',
      sources: [
        {
          type: 'archive',
          url: `${f.pythonMirrorUrl}/3.11.2/Python-3.11.2.tgz`,
          sha256: '2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849'
        }
      ]
    })
    expect(modules.at(-1)).toMatchObject({ name: 'hello' })
    expect(manifest).toMatchObject({
      id: 'org.example.Hello',
      command: 'hello',
      runtime: 'org.example.Platform'
    })
    expect(fs.readFileSync(inputs['manifest-path'], 'utf8')).not.toContain('build-args')
    expect(run.groups['Write manifest']).toContain('"id": "org.example.Hello"')
  })

  it('smoke-runs the launcher in the SDK and under the Platform', () => {
    expect(run.groups['Smoke run in the SDK']).toContain('Hello, world from python sandbox. (Python 3.11.2)')
    expect(run.groups['Smoke run under the Platform']).toContain(
      'Hello, world from python sandbox. (Python 3.11.2)'
    )
  })

  it('leaves a bundle that installs and runs in a fresh installation', () => {
    const installation = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-install-'))
    const env = { ...process.env, FLATPAK_USER_DIR: installation, FLATPAK_SYSTEM_DIR: f.flatpakUserDir }
    try {
      execFileSync(
        'flatpak',
        ['install', '--user', '--noninteractive', '-y', '--bundle', run.outputs['bundle-path']],
        { env }
      )
      const out = execFileSync('flatpak', ['run', '--user', 'org.example.Hello'], { env, encoding: 'utf8' })
      expect(out).toBe('Hello, world from python sandbox. (Python 3.11.2)\n')
    } finally {
      fs.rmSync(installation, { recursive: true, force: true })
    }
  })

  it('writes a console-application MetaInfo file from the project, which validates, and installs it', () => {
    const written = run.outputs['metainfo-path']
    expect(fs.readFileSync(written, 'utf8')).toContain('<component type="console-application">')
    execFileSync('appstreamcli', ['validate', '--no-net', written])
    // flatpak-builder before 1.4 moves share/metainfo/<id>.metainfo.xml to share/appdata/<id>.appdata.xml.
    const share = path.join(path.dirname(run.outputs['repo-path']), 'build-dir', 'files', 'share')
    const installed = [
      path.join(share, 'metainfo', 'org.example.Hello.metainfo.xml'),
      path.join(share, 'appdata', 'org.example.Hello.appdata.xml')
    ].find(file => fs.existsSync(file))!
    expect(fs.readFileSync(installed, 'utf8')).toBe(fs.readFileSync(written, 'utf8'))
    expect(run.warnings.join('\n')).toMatch(
      /::warning title=Input metainfo::The project gives no MetaInfo file: the action wrote .* Flathub still needs what the project does not say/
    )
  })

  it('writes a job summary naming Python and the bundle', () => {
    expect(run.summary).toContain('3.11.2')
    expect(run.summary).toContain('org.example.Hello.flatpak')
  })
})

describe('bad inputs stop the action before any work', () => {
  it.each([
    [
      { 'app-id': 'hello' },
      /::error title=Input app-id::app-id 'hello' is not a valid Flatpak ID: it needs at least three dot-separated parts/
    ],
    [
      { 'python-version': '3.11.99' },
      /::error title=Input python-version::python-version '3\.11\.99' is not a CPython release this action knows\. Nearest known: 3\.11\.\d+/
    ],
    [
      { 'app-path': path.join(ROOT, 'examples') },
      /::error title=Input app-path::app-path '.*\/examples' holds neither pyproject\.toml nor setup\.py/
    ]
  ])('%o', async (bad, message) => {
    const run = await runAction(f, { ...inputs, 'app-path': EXAMPLE_APP, ...bad })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(message)
    expect(run.log).not.toContain('[command]')
  })
})

describe('failures while building name what failed and keep the manifest', () => {
  it('a CPython tarball whose sha256 differs', async () => {
    // A state of its own: flatpak-builder finds a download by its sha256, so the good tarball that the
    // shared state holds would be used whatever the URL serves.
    const state = stateDir(f, 'bad-tarball')
    fs.rmSync(state, { recursive: true, force: true })
    const run = await runAction(f, {
      ...localInputs(f, state),
      'app-path': EXAMPLE_APP,
      'python-source-url': f.badPythonMirrorUrl
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /flatpak-builder failed in module python3 \(flatpak-builder exited with 1\): Failed to download sources: module python3: Wrong sha256 checksum for Python-3\.11\.2\.tgz, expected "2411c74b/
    )
  })

  it('a smoke run that exits non-zero', async () => {
    const run = await runAction(f, { ...inputs, 'app-path': path.join(APPS, 'exits-nonzero') })
    expect(run.code).toBe(1)
    const errors = run.errors.join('\n')
    expect(errors).toContain("Smoke run of 'hello' in the SDK exited with 3. Its last lines:")
    expect(errors).toContain('about to fail on purpose')
    expect(run.outputs['manifest-path']).toBe(inputs['manifest-path'])
  })

  it('a smoke run that hangs past smoke-timeout', async () => {
    const started = Date.now()
    const run = await runAction(f, { ...inputs, 'app-path': path.join(APPS, 'hangs'), 'smoke-timeout': '5' })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /Smoke run of 'hello' in the SDK did not finish within smoke-timeout \(5 s\) and was killed/
    )
    expect(run.errors.join('\n')).toContain('waiting forever')
    expect(Date.now() - started).toBeLessThan(10 * 60_000)
  })

  it('a smoke run whose output does not match smoke-expect', async () => {
    const run = await runAction(f, { ...inputs, 'app-path': EXAMPLE_APP, 'smoke-expect': '^Goodbye' })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(/printed nothing that matches smoke-expect \/\^Goodbye\//)
  })
})
