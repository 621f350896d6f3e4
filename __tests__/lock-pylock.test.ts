import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { PinnedFile } from '../src/pure/requirements.js'
import { pinsForArches, type LockFile, type LockTarget } from '../src/pure/lock/locked.js'
import { parsePylock, selectPylock } from '../src/pure/lock/pylock.js'
import { cpythonLinuxTags, fixture, linuxEnvironment } from './fixtures/locks/targets.js'

const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex')
const sha = (c: string) => c.repeat(64)

function target(python: string, machine: 'x86_64' | 'aarch64', over: Partial<LockTarget> = {}): LockTarget {
  return { environment: linuxEnvironment(python, machine), tags: cpythonLinuxTags(python, machine), ...over }
}

function read(text: string): LockFile {
  const { lock, problems } = parsePylock(text)
  expect(problems).toEqual([])
  return lock!
}

const lock = read(fixture('pylock.toml'))

// A small lock around one package entry, for the cases the fixture does not hold.
const pylock = (packages: string, head = '') =>
  `lock-version = "1.0"\ncreated-by = "test"\n${head}\n${packages}`
const wheel = (filename: string, hashes = `{ sha256 = "${sha('a')}" }`) =>
  `{ url = "https://files.example/${filename}", hashes = ${hashes} }`

describe('parsePylock', () => {
  it('reads what uv export writes', () => {
    expect(lock).toMatchObject({
      format: 'pylock',
      path: 'pylock.toml',
      requiresPython: '>=3.11',
      extras: ['cli'],
      dependencyGroups: ['dev'],
      defaultGroups: [],
      createdBy: 'uv',
      environments: []
    })
    expect(lock.packages).toHaveLength(19)
    const numpy = lock.packages.filter(p => p.name === 'numpy')
    expect(numpy.map(p => [p.version, p.marker, p.wheels.length])).toEqual([
      ['2.2.6', "python_full_version < '3.12'", 5],
      ['2.3.1', "python_full_version >= '3.12'", 10]
    ])
    expect(lock.packages.find(p => p.name === 'hello')?.source).toEqual({
      kind: 'directory',
      path: '.',
      editable: true
    })
    expect(lock.packages.find(p => p.name === 'pysocks')?.wheels[0].filename).toBe(
      'PySocks-1.7.1-py3-none-any.whl'
    )
  })

  it('takes a wheel name from name, else from the last part of its URL', () => {
    const { lock } = parsePylock(
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [\n  { name = "a-1-py3-none-any.whl", url = "https://files.example/download?id=7", hashes = { sha256 = "${sha('a')}" } },\n  ${wheel('a-1-cp313-cp313-manylinux_2_17_x86_64.whl')},\n]\n`
      )
    )
    expect(lock!.packages[0].wheels.map(w => w.filename)).toEqual([
      'a-1-py3-none-any.whl',
      'a-1-cp313-cp313-manylinux_2_17_x86_64.whl'
    ])
  })

  it.each([
    ['not TOML', 'lock-version = \n', /^pylock\.toml is not valid TOML \(line 1, column \d+\)/],
    [
      'no lock-version',
      'created-by = "x"\npackages = []\n',
      /^pylock\.toml has no lock-version: it is not a PEP 751 lock file/
    ],
    [
      'another major version',
      'lock-version = "2.0"\ncreated-by = "x"\npackages = []\n',
      /^pylock\.toml has lock-version '2\.0'; the action reads version 1 \(PEP 751\)/
    ],
    [
      'no created-by',
      'lock-version = "1.0"\npackages = []\n',
      /^pylock\.toml has no created-by; the spec requires the name of the tool that wrote it\.$/
    ],
    [
      'no packages',
      'lock-version = "1.0"\ncreated-by = "x"\n',
      /has no \[\[packages\]\]; the spec requires the array, even if empty/
    ],
    ['a package without name', pylock('[[packages]]\nversion = "1"\n'), /package number 1 has no name/],
    [
      'a wheel without hashes',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [{ url = "https://x/a-1-py3-none-any.whl" }]\n`
      ),
      /package a's wheel number 1 has no hashes; the spec requires at least one/
    ],
    [
      'an empty hashes table',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nsdist = { url = "https://x/a-1.tar.gz", hashes = {} }\n`
      ),
      /package a's sdist has no hashes/
    ],
    [
      'a wheel without url or path',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [{ name = "a-1-py3-none-any.whl", hashes = { sha256 = "${sha('a')}" } }]\n`
      ),
      /wheel number 1 has neither url nor path/
    ],
    [
      'vcs with wheels',
      pylock(
        `[[packages]]\nname = "a"\nvcs = { type = "git", url = "https://g/a", commit-id = "abc" }\nwheels = [${wheel('a-1-py3-none-any.whl')}]\n`
      ),
      /package a has vcs and wheels; the spec allows vcs, directory or archive alone, or sdist and wheels/
    ],
    [
      'a bad marker',
      pylock('[[packages]]\nname = "a"\nmarker = "sys_platform = \'linux\'"\n'),
      /package a's marker: Invalid marker `sys_platform = 'linux'` at column 14: unexpected '='/
    ],
    [
      'a bad environment',
      pylock('', 'environments = ["os_name =="]'),
      /environments: Invalid marker `os_name ==` at column 11/
    ],
    [
      'a bad requires-python',
      pylock('packages = []', 'requires-python = "3.11+"'),
      /requires-python '3\.11\+' is not a version specifier like >=3\.11/
    ]
  ])('refuses %s', (_, text, message) => {
    const { lock, problems } = parsePylock(text)
    expect(lock).toBeUndefined()
    expect(problems.some(p => message.test(p))).toBe(true)
  })
})

describe('selectPylock', () => {
  it.each([
    ['3.13.5', 'x86_64', 'numpy-2.3.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'],
    ['3.13.5', 'aarch64', 'numpy-2.3.1-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl'],
    ['3.12.11', 'x86_64', 'numpy-2.3.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'],
    ['3.11.13', 'aarch64', 'numpy-2.2.6-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl']
  ] as const)('on CPython %s %s pins %s', (python, machine, numpy) => {
    const { pins, problems, packages } = selectPylock(lock, target(python, machine))
    expect(problems).toEqual([])
    expect(packages.map(p => p.name)).toEqual([
      'certifi',
      'charset-normalizer',
      'docopt',
      'idna',
      'numpy',
      'pysocks',
      'requests',
      'urllib3'
    ])
    expect(pins.find(p => p.name === 'numpy')?.filename).toBe(numpy)
    expect(pins.find(p => p.name === 'docopt')).toMatchObject({
      kind: 'sdist',
      filename: 'docopt-0.6.2.tar.gz'
    })
    for (const pin of pins) expect(pin.sha256).toBe(sha256Of(pin.filename))
  })

  it('adds the selected extras and dependency groups by their markers', () => {
    const names = (over: Partial<LockTarget>) =>
      selectPylock(lock, target('3.13.5', 'x86_64', over)).packages.map(p => p.name)
    const base = names({})
    expect(names({ extras: ['cli'] })).toEqual(
      [...base, 'markdown-it-py', 'mdurl', 'pygments', 'rich'].sort()
    )
    expect(names({ groups: ['dev'] })).toEqual(
      [...base, 'iniconfig', 'packaging', 'pluggy', 'pygments', 'pytest'].sort()
    )
  })

  it('falls back to the sdist when no wheel fits, and to a pure wheel before that', () => {
    const { pins, problems } = selectPylock(lock, target('3.14.0', 'x86_64'))
    expect(problems).toEqual([])
    expect(pins.find(p => p.name === 'numpy')).toMatchObject({
      kind: 'sdist',
      filename: 'numpy-2.3.1.tar.gz'
    })
    expect(pins.find(p => p.name === 'charset-normalizer')?.filename).toBe(
      'charset_normalizer-3.4.2-py3-none-any.whl'
    )
  })

  it('pins each arch once, and the shared files for all', () => {
    const pins = pinsForArches(
      (['x86_64', 'aarch64'] as const).map(arch => ({
        arch,
        pins: selectPylock(lock, target('3.13.5', arch)).pins
      }))
    )
    const byName = (name: string) => pins.filter(p => p.name === name).map(p => [p.filename, p.onlyArches])
    expect(byName('numpy')).toEqual([
      ['numpy-2.3.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', ['x86_64']],
      ['numpy-2.3.1-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl', ['aarch64']]
    ])
    expect(byName('requests')).toEqual([['requests-2.32.4-py3-none-any.whl', undefined]])
    expect(pins).toHaveLength(10)
    // The same shape as the pins of a pip report, so the manifest takes them as they are.
    const files: PinnedFile[] = pins
    expect(files[0].url).toMatch(/^https:\/\/files\.pythonhosted\.org\/packages\//)
  })

  it('uses default-groups when no group is asked for, and only the asked ones otherwise', () => {
    const text = pylock(
      `[[packages]]\nname = "a"\nversion = "1"\nmarker = "'default' in dependency_groups"\nwheels = [${wheel('a-1-py3-none-any.whl')}]\n\n` +
        `[[packages]]\nname = "b"\nversion = "1"\nmarker = "'docs' in dependency_groups"\nwheels = [${wheel('b-1-py3-none-any.whl')}]\n`,
      'dependency-groups = ["docs"]\ndefault-groups = ["default"]'
    )
    const names = (groups?: string[]) =>
      selectPylock(read(text), target('3.13.5', 'x86_64', groups ? { groups } : {})).pins.map(p => p.name)
    expect(names()).toEqual(['a'])
    expect(names(['docs'])).toEqual(['b'])
    expect(names(['default', 'docs'])).toEqual(['a', 'b'])
  })

  it.each([
    [
      'a Python below requires-python',
      fixture('pylock.toml'),
      target('3.10.18', 'x86_64'),
      "pylock.toml requires Python >=3.11, but the app's Python is 3.10.18. Choose a python-version the lock supports, or re-lock."
    ],
    [
      'an extra the lock lacks',
      fixture('pylock.toml'),
      target('3.13.5', 'x86_64', { extras: ['gui'] }),
      "pylock.toml has no extra 'gui' (it has cli). Re-lock with the extra, or leave it out."
    ],
    [
      'a group the lock lacks',
      fixture('pylock.toml'),
      target('3.13.5', 'x86_64', { groups: ['docs'] }),
      "pylock.toml has no dependency group 'docs' (it has dev). Re-lock with the group, or leave it out."
    ],
    [
      'environments that exclude the target',
      pylock('packages = []', `environments = ["sys_platform == 'win32'", "sys_platform == 'darwin'"]`),
      target('3.13.5', 'aarch64'),
      "pylock.toml is locked for `sys_platform == 'win32'` or `sys_platform == 'darwin'`, and the app's Python (3.13.5 on aarch64 linux) is none of them. Re-lock for it."
    ],
    [
      'a package whose requires-python excludes the target',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nrequires-python = ">=3.14"\nwheels = [${wheel('a-1-py3-none-any.whl')}]\n`
      ),
      target('3.13.5', 'x86_64'),
      "a 1 in pylock.toml requires Python >=3.14, but the app's Python is 3.13.5. Re-lock for this Python."
    ],
    [
      'two entries of one name that both apply',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [${wheel('a-1-py3-none-any.whl')}]\n[[packages]]\nname = "a"\nversion = "2"\nmarker = "os_name == 'posix'"\nwheels = [${wheel('a-2-py3-none-any.whl')}]\n`
      ),
      target('3.13.5', 'x86_64'),
      'pylock.toml installs a twice for this target (1 and 2): the spec requires their markers to leave one. Re-lock.'
    ],
    [
      'a git package',
      pylock(
        '[[packages]]\nname = "tool"\nvcs = { type = "git", url = "https://github.com/o/tool", commit-id = "0123abc" }\n'
      ),
      target('3.13.5', 'x86_64'),
      'tool in pylock.toml comes from git (git+https://github.com/o/tool): a VCS checkout has no file hash to pin. Publish it to an index, or require a release from one.'
    ],
    [
      'a local directory that is not the project',
      pylock('[[packages]]\nname = "lib"\ndirectory = { path = "../lib", editable = true }\n'),
      target('3.13.5', 'x86_64'),
      'lib in pylock.toml is a local editable directory (../lib): only files from an index can be pinned. Publish it to an index, or make it part of the app.'
    ],
    [
      'an archive from a URL',
      pylock(
        `[[packages]]\nname = "tool"\nversion = "1"\narchive = { url = "https://x/tool-1.tar.gz", hashes = { sha256 = "${sha('a')}" } }\n`
      ),
      target('3.13.5', 'x86_64'),
      'tool 1 in pylock.toml is a direct URL (https://x/tool-1.tar.gz): require it by name from an index, so that its file comes from the index.'
    ],
    [
      'a file hashed with sha512 only',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [${wheel('a-1-py3-none-any.whl', `{ sha512 = "${'b'.repeat(128)}" }`)}]\n`
      ),
      target('3.13.5', 'x86_64'),
      'a 1 in pylock.toml: a-1-py3-none-any.whl has only sha512 hashes, and flatpak-builder pins files by sha256. Re-lock with a tool that records sha256 (pip lock and uv do).'
    ],
    [
      'a wheel with a path and no URL',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [{ path = "wheels/a-1-py3-none-any.whl", hashes = { sha256 = "${sha('a')}" } }]\n`
      ),
      target('3.13.5', 'x86_64'),
      'a 1 in pylock.toml: a-1-py3-none-any.whl is a local file (wheels/a-1-py3-none-any.whl), and flatpak-builder fetches files by URL. Lock against an index (like PyPI) instead of a local directory of files.'
    ],
    [
      'no file for this Python and no sdist',
      pylock(
        `[[packages]]\nname = "a"\nversion = "1"\nwheels = [${wheel('a-1-cp312-cp312-manylinux_2_17_x86_64.whl')}, ${wheel('a-1-cp313-cp313-win_amd64.whl')}]\n`
      ),
      target('3.13.5', 'x86_64'),
      'a 1 in pylock.toml has no file for this Python (best tag cp313-cp313-manylinux_2_39_x86_64): the lock lists 2 wheels (a-1-cp312-cp312-manylinux_2_17_x86_64.whl, a-1-cp313-cp313-win_amd64.whl) and no sdist. Re-lock for this Python version and architecture, or choose a python-version the lock covers.'
    ],
    [
      'a wheel whose name is not a wheel name',
      pylock(`[[packages]]\nname = "a"\nversion = "1"\nwheels = [${wheel('a-1.whl')}]\n`),
      target('3.13.5', 'x86_64'),
      'a 1 in pylock.toml: \'a-1.whl\' is not a wheel file name: a wheel name has 5 or 6 parts separated by "-" (name-version[-build]-python-abi-platform).'
    ],
    [
      'a package without any source',
      pylock('[[packages]]\nname = "a"\nversion = "1"\n'),
      target('3.13.5', 'x86_64'),
      'a in pylock.toml has no source: no wheels, sdist, archive, directory or vcs. Re-lock it.'
    ]
  ])('refuses %s, naming it', (_, text, goal, message) => {
    const { problems } = selectPylock(read(text), goal)
    expect(problems).toEqual([message])
  })

  it('leaves out the project named by the caller', () => {
    const text = pylock('[[packages]]\nname = "Hello_App"\ndirectory = { path = "app" }\n')
    expect(selectPylock(read(text), target('3.13.5', 'x86_64'), { project: 'hello-app' }).problems).toEqual(
      []
    )
  })
})
