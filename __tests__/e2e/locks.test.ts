import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import {
  APPS,
  copyApp,
  EXAMPLE_APP,
  localInputs,
  runAction,
  stateDir,
  writeFiles,
  type ActionRun
} from './action.js'

// The user's lock is the build: each lock below is written by its format's rules from real files of
// the local index, with their real sha256, and pins fpa-chain-c 1.0 where the index's newest is 2.0.

const f = inject('fixtures')
const inputs = localInputs(f, stateDir(f, 'cpython-3.11.2'))
const REQ_APP = path.join(APPS, 'with-requirements')

const file = (name: string, version: string): string => {
  const found = Object.keys(f.indexHashes).find(
    k => k.startsWith(`${name.replace(/-/g, '_')}-${version}-`) || k === `${name}-${version}.tar.gz`
  )
  if (!found) throw new Error(`the index has no file of ${name} ${version}`)
  return found
}
const url = (filename: string) => `${f.indexUrl}/files/${filename}`
const sha = (filename: string) => f.indexHashes[filename]

/** What with-requirements imports, for Python 3.11.2 on x86_64, at versions a lock chose. */
const LOCKED = [
  ['fpa-chain-b', '1.0'],
  ['fpa-chain-c', '1.0'],
  ['fpa-markers', '1.0'],
  ['fpa-newest-needs-312', '1.0'],
  ['fpa-old-python-only', '1.0'],
  ['fpa-pure', '1.0'],
  ['fpa-py311-only', '1.0'],
  ['fpa-sdist-only', '1.0']
] as const

/** LOCKED and more, in the lock's order. */
const lockedWith = (...more: (readonly [string, string])[]) =>
  [...LOCKED, ...more].sort((a, b) => a[0].localeCompare(b[0]))

const lockLines = (pins: readonly (readonly [string, string])[]) =>
  pins.map(([name, version]) => `${name}==${version} --hash=sha256:${sha(file(name, version))}\n`).join('')

/** A pylock.toml package entry (PEP 751): its wheel, or its sdist. */
function pylockPackage(name: string, version: string, extra = ''): string {
  const filename = file(name, version)
  const entry = `{ url = "${url(filename)}", hashes = { sha256 = "${sha(filename)}" } }`
  const files = filename.endsWith('.whl') ? `wheels = [\n    ${entry},\n]` : `sdist = ${entry}`
  return `[[packages]]\nname = "${name}"\nversion = "${version}"\nindex = "${f.indexUrl}/simple"\n${extra}${files}\n`
}

/** A uv.lock package entry: source, files, and the edges given. */
function uvPackage(name: string, version: string, dependencies: string[] = [], marker = ''): string {
  const filename = file(name, version)
  const entry = `{ url = "${url(filename)}", hash = "sha256:${sha(filename)}" }`
  const files = filename.endsWith('.whl') ? `wheels = [\n    ${entry},\n]` : `sdist = ${entry}`
  const deps = dependencies.length
    ? `dependencies = [\n${dependencies.map(d => `    ${d},\n`).join('')}]\n`
    : ''
  return `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "${f.indexUrl}/simple" }\n${marker}${deps}${files}\n`
}

const lockOutput = (run: ActionRun) => fs.readFileSync(run.outputs['requirements-lock-path'], 'utf8')

function expectBuiltAsLocked(run: ActionRun, from: string): void {
  expect(run.errors).toEqual([])
  expect(run.code).toBe(0)
  expect(run.log).not.toContain('Resolving the requirements with pip')
  expect(run.summary).toContain(`versions from ${from}`)
  for (const group of ['Smoke run in the SDK', 'Smoke run under the Platform']) {
    // The index's newest fpa-chain-c is 2.0; the lock's 1.0 is what runs.
    expect(run.groups[group]).toContain('fpa-chain-c 1.0\nfpa-sdist-only 1.0')
    expect(run.groups[group]).toContain('fpa-old-python-only 1.0\nfpa-newest-needs-312 1.0')
  }
}

describe('a lock is built exactly as locked, offline', () => {
  it('a requirements file pinned with hashes: those versions, files found on the index by their hash', async () => {
    const app = await copyApp(REQ_APP)
    await writeFiles(app, { 'requirements.txt': `# pip-compile --generate-hashes\n${lockLines(LOCKED)}` })
    const run = await runAction(f, {
      ...inputs,
      'app-path': app,
      requirements: path.join(app, 'requirements.txt')
    })
    expectBuiltAsLocked(run, 'the hashed requirements file')
    expect(lockOutput(run)).toBe(lockLines(LOCKED))
    expect(run.groups['Smoke run under the Platform']).toContain('fpa-py312-only installed: False')
  })

  it('a pylock.toml: its files become the sources, markers and wheel tags chosen for the Python inside the app', async () => {
    const app = await copyApp(REQ_APP)
    const native = file('fpa-native', '1.0')
    const pylock = [
      'lock-version = "1.0"',
      'created-by = "flatpak-python-action tests"',
      'requires-python = ">=3.9"',
      '',
      ...LOCKED.filter(([name]) => name !== 'fpa-newest-needs-312').map(([n, v]) => pylockPackage(n, v)),
      // Two versions of one name: their markers leave one for each Python.
      pylockPackage('fpa-newest-needs-312', '1.0', `marker = "python_version < '3.12'"\n`),
      pylockPackage('fpa-newest-needs-312', '2.0', `marker = "python_version >= '3.12'"\n`),
      pylockPackage('fpa-py312-only', '1.0', `marker = "python_version >= '3.12'"\n`),
      // A compiled package with a wheel per arch: each a source for its own arch.
      [
        '[[packages]]',
        'name = "fpa-native"',
        'version = "1.0"',
        'wheels = [',
        `    { url = "${url(native)}", hashes = { sha256 = "${sha(native)}" } },`,
        `    { url = "${url(native.replace('x86_64', 'aarch64'))}", hashes = { sha256 = "${'0'.repeat(64)}" } },`,
        ']',
        ''
      ].join('\n'),
      '[[packages]]\nname = "reqapp"\ndirectory = { path = "." }\n'
    ].join('\n')
    await writeFiles(app, { 'pylock.toml': pylock })
    const run = await runAction(f, {
      ...inputs,
      'app-path': app,
      requirements: path.join(app, 'pylock.toml')
    })
    expectBuiltAsLocked(run, 'pylock.toml')
    expect(lockOutput(run)).toBe(
      lockLines(lockedWith(['fpa-native', '1.0'])).replace(
        `--hash=sha256:${sha(native)}`,
        `--hash=sha256:${'0'.repeat(64)} --hash=sha256:${sha(native)}`
      )
    )
    const module = JSON.parse(fs.readFileSync(run.outputs['requirements-manifest-path'], 'utf8')) as {
      sources: Array<Record<string, unknown>>
    }
    const files = module.sources.filter(s => s.type === 'file')
    const sources = files.map(s => s['dest-filename'])
    expect(files.find(s => s['dest-filename'] === native)?.['only-arches']).toEqual(['x86_64'])
    expect(
      files.find(s => s['dest-filename'] === native.replace('x86_64', 'aarch64'))?.['only-arches']
    ).toEqual(['aarch64'])
    expect(sources).not.toContain(file('fpa-newest-needs-312', '2.0'))
    expect(sources).not.toContain(file('fpa-py312-only', '1.0'))
  })

  it("a uv.lock: the project's dependencies, with the extras and dependency groups the inputs select", async () => {
    const app = await copyApp(REQ_APP)
    await writeFiles(app, {
      'pyproject.toml': [
        '[build-system]',
        'requires = ["setuptools>=61"]',
        'build-backend = "setuptools.build_meta"',
        '',
        '[project]',
        'name = "reqapp"',
        'version = "1.0"',
        'requires-python = ">=3.9"',
        'dependencies = ["fpa-pure", "fpa-sdist-only", "fpa-markers", "fpa-newest-needs-312"]',
        '',
        '[project.optional-dependencies]',
        'native = ["fpa-native"]',
        '',
        '[dependency-groups]',
        'checks = ["fpa-py312-only"]',
        ''
      ].join('\n'),
      'uv.lock': [
        'version = 1',
        'revision = 3',
        'requires-python = ">=3.9"',
        'resolution-markers = [',
        `    "python_full_version >= '3.12'",`,
        `    "python_full_version < '3.12'",`,
        ']',
        '',
        uvPackage('fpa-chain-b', '1.0', ['{ name = "fpa-chain-c" }']),
        uvPackage('fpa-chain-c', '1.0'),
        uvPackage('fpa-markers', '1.0', [
          `{ name = "fpa-old-python-only", marker = "python_full_version < '3.11.5'" }`,
          `{ name = "fpa-py311-only", marker = "python_full_version < '3.12'" }`,
          `{ name = "fpa-py312-only", marker = "python_full_version >= '3.12'" }`
        ]),
        uvPackage('fpa-native', '1.0'),
        uvPackage(
          'fpa-newest-needs-312',
          '1.0',
          [],
          `resolution-markers = [\n    "python_full_version < '3.12'",\n]\n`
        ),
        uvPackage(
          'fpa-newest-needs-312',
          '2.0',
          [],
          `resolution-markers = [\n    "python_full_version >= '3.12'",\n]\n`
        ),
        uvPackage('fpa-old-python-only', '1.0'),
        uvPackage('fpa-pure', '1.0', ['{ name = "fpa-chain-b" }']),
        uvPackage('fpa-py311-only', '1.0'),
        uvPackage('fpa-py312-only', '1.0'),
        uvPackage('fpa-sdist-only', '1.0'),
        '[[package]]',
        'name = "reqapp"',
        'version = "1.0"',
        'source = { editable = "." }',
        'dependencies = [',
        '    { name = "fpa-markers" },',
        `    { name = "fpa-newest-needs-312", version = "1.0", source = { registry = "${f.indexUrl}/simple" }, marker = "python_full_version < '3.12'" },`,
        `    { name = "fpa-newest-needs-312", version = "2.0", source = { registry = "${f.indexUrl}/simple" }, marker = "python_full_version >= '3.12'" },`,
        '    { name = "fpa-pure" },',
        '    { name = "fpa-sdist-only" },',
        ']',
        '',
        '[package.optional-dependencies]',
        'native = [',
        '    { name = "fpa-native" },',
        ']',
        '',
        '[package.dev-dependencies]',
        'checks = [',
        '    { name = "fpa-py312-only" },',
        ']',
        ''
      ].join('\n')
    })
    const run = await runAction(f, {
      ...inputs,
      'app-path': app,
      requirements: path.join(app, 'uv.lock'),
      extras: 'native',
      'dependency-groups': 'checks',
      // The lock has fpa-native's x86_64 wheel only (for aarch64 it is an error: arches.test.ts).
      arches: 'x86_64'
    })
    expectBuiltAsLocked(run, 'uv.lock')
    // The group adds fpa-py312-only, which no marker would for Python 3.11.
    expect(run.groups['Smoke run under the Platform']).toContain('fpa-py312-only installed: True')
    expect(lockOutput(run)).toBe(lockLines(lockedWith(['fpa-native', '1.0'], ['fpa-py312-only', '1.0'])))
  })
})

describe('a lock that does not fit stops the action, naming the package', () => {
  const DECLARED_APP = path.join(APPS, 'declared-deps')

  async function runWithLock(name: string, text: string): Promise<ActionRun> {
    const app = await copyApp(DECLARED_APP)
    await writeFiles(app, { [name]: text })
    return runAction(f, { ...inputs, 'app-path': app, requirements: path.join(app, name) })
  }

  it('a pylock.toml without a dependency the project declares: before the build', async () => {
    const run = await runWithLock(
      'pylock.toml',
      `lock-version = "1.0"\ncreated-by = "tests"\n\n${pylockPackage('fpa-chain-c', '1.0')}`
    )
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toContain(
      "pyproject.toml requires 'fpa-markers', but pylock.toml does not install fpa-markers for this target. The lock is out of date: re-lock it."
    )
    expect(run.log).not.toContain('::group::Write manifest')
  })

  it('a pylock.toml entry whose sha256 is not the file: flatpak-builder refuses the download, naming it', async () => {
    const chain = file('fpa-chain-c', '1.0')
    const lock = [
      'lock-version = "1.0"',
      'created-by = "tests"',
      '',
      pylockPackage('fpa-chain-c', '1.0').replace(sha(chain), sha(file('fpa-chain-c', '2.0'))),
      pylockPackage('fpa-markers', '1.0'),
      pylockPackage('fpa-py311-only', '1.0'),
      pylockPackage('fpa-old-python-only', '1.0')
    ].join('\n')
    const run = await runWithLock('pylock.toml', lock)
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /module python3-requirements: Wrong sha256 checksum for fpa_chain_c-1\.0-py3-none-any\.whl/
    )
  })

  it('a hashed requirements file whose hash matches no file of the version: pip names the package', async () => {
    const run = await runWithLock(
      'requirements.txt',
      lockLines([
        ['fpa-markers', '1.0'],
        ['fpa-py311-only', '1.0'],
        ['fpa-old-python-only', '1.0']
      ]) + `fpa-chain-c==1.0 --hash=sha256:${sha(file('fpa-chain-c', '2.0'))}\n`
    )
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(/THESE PACKAGES DO NOT MATCH THE HASHES[\s\S]*fpa.chain.c==1\.0/)
    expect(run.log).not.toContain('::group::Write manifest')
  })
})

describe('a CPython release the action does not know, pinned with python-sha256', () => {
  it('builds, and the Python inside the app is that release', async () => {
    const run = await runAction(f, {
      ...localInputs(f, stateDir(f, 'cpython-3.11.99')),
      'python-version': '3.11.99',
      'python-sha256': f.unknownPythonSha256['3.11.99'],
      'python-source-url': f.unknownPythonMirrorUrl,
      // This "3.11.99" is 3.11.2's source: current pip's packaging takes a regex path on Python
      // 3.11.5 or later that 3.11.2's re module gets wrong, so it runs Debian's pip 23.0.1.
      'pip-version': '23.0.1',
      'pip-sha256': f.indexHashes['pip-23.0.1-py3-none-any.whl'],
      'app-path': EXAMPLE_APP
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['python-version']).toBe('3.11.99')
    const manifest = fs.readFileSync(run.outputs['manifest-path'], 'utf8')
    expect(manifest).toContain(`${f.unknownPythonMirrorUrl}/3.11.99/Python-3.11.99.tgz`)
    expect(manifest).toContain(f.unknownPythonSha256['3.11.99'])
  })

  it('a tarball of another release fails before compiling, naming both versions', async () => {
    const run = await runAction(f, {
      ...localInputs(f, stateDir(f, 'cpython-3.11.98')),
      'python-version': '3.11.98',
      'python-sha256': f.unknownPythonSha256['3.11.98'],
      'python-source-url': f.unknownPythonMirrorUrl,
      'app-path': EXAMPLE_APP
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toContain(
      `::error title=Input python-version::python-version asks for CPython 3.11.98, but Python-3.11.98.tgz (sha256 ${f.unknownPythonSha256['3.11.98']}) is CPython 3.11.2`
    )
    expect(run.log).not.toMatch(/flatpak-builder .*--build-only/)
  })
})
