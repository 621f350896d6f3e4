import * as fs from 'node:fs'
import * as path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { APPS, copyApp, localInputs, runAction, stateDir, writeFiles, type ActionRun } from './action.js'

const f = inject('fixtures')
const inputs = localInputs(f, stateDir(f, 'cpython-3.11.2'))
const APP = path.join(APPS, 'with-requirements')

type Module = { name: string; sources: Array<Record<string, unknown>>; 'build-commands': string[] }

describe('requirements pinned for the Python inside the app, installed offline', () => {
  let run: ActionRun
  let module: Module

  beforeAll(async () => {
    run = await runAction(f, { ...inputs, 'app-path': APP, requirements: path.join(APP, 'requirements.txt') })
    module = JSON.parse(fs.readFileSync(run.outputs['requirements-manifest-path'], 'utf8')) as Module
  })

  it('succeeds and gives the generated module and the lock as outputs', () => {
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.outputs['requirements-manifest-path']).toBe(
      path.join(path.dirname(inputs['manifest-path']), 'python3-requirements.json')
    )
    const manifest = fs.readFileSync(inputs['manifest-path'], 'utf8')
    expect(JSON.parse(manifest).modules).toContain('python3-requirements.json')
  })

  it('pins every distribution for the target Python 3.11.2, evaluating markers and Requires-Python there', () => {
    expect(fs.readFileSync(run.outputs['requirements-lock-path'], 'utf8')).toBe(
      [
        'fpa-chain-b==1.0',
        'fpa-chain-c==2.0',
        'fpa-markers==1.0',
        'fpa-newest-needs-312==1.0',
        // python_full_version < "3.11.5": true for the app's 3.11.2, false for this runner's Python.
        'fpa-old-python-only==1.0',
        'fpa-pure==1.0',
        'fpa-py311-only==1.0',
        'fpa-sdist-only==1.0'
      ]
        .map(pin => {
          const [name, version] = pin.split('==')
          const file = Object.keys(f.indexHashes).find(
            k => k.startsWith(`${name.replace(/-/g, '_')}-${version}-`) || k === `${name}-${version}.tar.gz`
          )!
          return `${pin} --hash=sha256:${f.indexHashes[file]}\n`
        })
        .join('')
    )
  })

  it('makes every requirement, the pip it installs with and the build backend of the sdist a pinned file source', () => {
    const files = module.sources.filter(s => s.type === 'file')
    for (const source of files) {
      expect(source.sha256).toBe(f.indexHashes[source['dest-filename'] as string])
      expect(source.url).toBe(`${f.indexUrl}/files/${source['dest-filename']}`)
    }
    expect(files.map(s => s['dest-filename'])).toEqual(
      expect.arrayContaining([
        'fpa-sdist-only-1.0.tar.gz',
        'pip-26.2.2-py3-none-any.whl',
        'setuptools-66.1.1-py3-none-any.whl',
        'wheel-0.38.4-py3-none-any.whl'
      ])
    )
    expect(module['build-commands']).toEqual([
      expect.stringContaining(
        '--no-index --use-pep517 --find-links="file://${PWD}" --require-hashes --no-deps -r requirements.lock'
      )
    ])
  })

  it('gives no build step the network', () => {
    for (const file of [inputs['manifest-path'], run.outputs['requirements-manifest-path']]) {
      expect(fs.readFileSync(file, 'utf8')).not.toContain('--share=network')
    }
  })

  it('imports every requirement in the smoke runs, and the app has no pip', () => {
    for (const group of ['Smoke run in the SDK', 'Smoke run under the Platform']) {
      expect(run.groups[group]).toContain('fpa-chain-c 2.0\nfpa-sdist-only 1.0')
      expect(run.groups[group]).toContain('fpa-old-python-only 1.0\nfpa-newest-needs-312 1.0')
      expect(run.groups[group]).toContain('fpa-py312-only installed: False')
      expect(run.groups[group]).toContain('pip installed: False')
    }
  })
})

describe('requirements that cannot be pinned stop the action with a message that names them', () => {
  async function resolveWith(requirements: string): Promise<ActionRun> {
    const app = await copyApp(APP)
    await writeFiles(app, { 'requirements.txt': requirements })
    return runAction(f, { ...inputs, 'app-path': app, requirements: path.join(app, 'requirements.txt') })
  }

  it.each([
    [
      'a requirement that does not exist',
      'fpa-does-not-exist\n',
      /No matching distribution found for fpa-does-not-exist/
    ],
    [
      'a file whose hash differs from the index',
      'fpa-badhash\n',
      /THESE PACKAGES DO NOT MATCH THE HASHES[\s\S]*fpa.badhash/
    ],
    [
      'an index entry without hash',
      'fpa-nohash\n',
      /fpa-nohash 1\.0 has no sha256 in pip's report: the index lists fpa_nohash-1\.0-py3-none-any\.whl without a #sha256= hash/
    ],
    ['a yanked release', 'fpa-yanked==1.0\n', /fpa-yanked 1\.0 is yanked on the index/]
  ])('%s', async (_, requirements, message) => {
    const run = await resolveWith(requirements)
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(message)
    expect(run.log).not.toContain('::group::Write manifest')
  })

  it('a VCS requirement, before any work', async () => {
    const run = await resolveWith('fpa-pure\ngit+https://github.com/example/fpa-vcs.git@v1#egg=fpa-vcs\n')
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toContain(
      "::error title=Input requirements::app/requirements.txt:2: 'git+https://github.com/example/fpa-vcs.git@v1#egg=fpa-vcs' is a git checkout: a VCS checkout has no file hash to pin"
    )
    expect(run.log).not.toContain('[command]')
  })

  it('a hash the index advertises but the file does not have, caught when flatpak-builder downloads it', async () => {
    // With PEP 658 metadata, pip resolves without downloading the wheel and reports the index's hash.
    const run = await resolveWith('fpa-badhash-meta\n')
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /flatpak-builder failed in module python3-requirements \(flatpak-builder exited with 1\): Failed to download sources: module python3-requirements: Wrong sha256 checksum for fpa_badhash_meta-1\.0-py3-none-any\.whl/
    )
  })
})

describe('other ways to get Python and requirements', () => {
  it('python-version runtime: a venv over the runtime python3, requirements pinned with it', async () => {
    const run = await runAction(f, {
      ...localInputs(f, stateDir(f, 'runtime')),
      'python-version': 'runtime',
      'app-path': APP,
      requirements: path.join(APP, 'requirements.txt')
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['python-version']).toBe('3.11.2')
    expect(JSON.parse(fs.readFileSync(run.outputs['manifest-path'], 'utf8')).modules[0].name).toBe(
      'python3-venv'
    )
    expect(run.groups['Smoke run under the Platform']).toContain('fpa-sdist-only 1.0')
  })

  it('build-network: pip downloads during the build, with a warning', async () => {
    const run = await runAction(f, {
      ...localInputs(f, stateDir(f, 'cpython-3.11.2')),
      'app-path': APP,
      requirements: path.join(APP, 'requirements.txt'),
      'build-network': 'true'
    })
    expect(run.errors).toEqual([])
    expect(run.warnings.join('\n')).toMatch(
      /::warning title=Input build-network::build-network is true: .*Flathub rejects/
    )
    const manifest = JSON.parse(fs.readFileSync(run.outputs['manifest-path'], 'utf8')) as {
      modules: Array<Record<string, unknown>>
    }
    expect(manifest.modules.slice(1).map(m => m['build-options'])).toEqual([
      { 'build-args': ['--share=network'], env: { PIP_INDEX_URL: `${f.indexUrl}/simple` } },
      { 'build-args': ['--share=network'], env: { PIP_INDEX_URL: `${f.indexUrl}/simple` } }
    ])
    expect(run.groups['Smoke run under the Platform']).toContain('fpa-sdist-only 1.0')
  })
})
