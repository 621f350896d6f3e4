import { describe, expect, it } from 'vitest'
import { unmetDependencies, type DeclaredDependencies } from '../src/pure/lock/declared.js'
import { parseRequirementsFile, selectPins } from '../src/pure/lock/requirements-file.js'
import { parseUvLock, selectUvLock } from '../src/pure/lock/uv-lock.js'
import { cpythonLinuxTags, fixture, linuxEnvironment } from './fixtures/locks/targets.js'

const env = linuxEnvironment('3.13.5', 'x86_64')

// The fixture project's pyproject.toml, as generate.py describes it.
const hello: DeclaredDependencies = {
  name: 'hello',
  dependencies: ['colorama ; sys_platform == "win32"', 'docopt>=0.6', 'numpy>=2', 'requests[socks]>=2.31'],
  'optional-dependencies': { cli: ['rich>=13'], all: ['hello[cli]'] }
}

const locked = [
  { name: 'certifi', version: '2025.6.15' },
  { name: 'docopt', version: '0.6.2' },
  { name: 'numpy', version: '2.3.1' },
  { name: 'Requests', version: '2.32.4' },
  { name: 'rich', version: '14.0.0' }
]

describe('unmetDependencies', () => {
  it('accepts a lock that holds every declared dependency at a fitting version', () => {
    expect(unmetDependencies(hello, ['cli'], locked, env)).toEqual([])
  })

  it('accepts the packages selectUvLock chose from the fixture, and the pins of its export', () => {
    const lock = parseUvLock(fixture('uv.lock')).lock!
    const target = { environment: env, tags: cpythonLinuxTags('3.13.5', 'x86_64'), extras: ['cli'] }
    expect(unmetDependencies(hello, ['cli'], selectUvLock(lock, target).packages, env, 'uv.lock')).toEqual([])
    const pins = selectPins(parseRequirementsFile(fixture('requirements-uv-export.txt')).pins, env).pins
    expect(unmetDependencies(hello, [], pins, env)).toEqual([])
  })

  it('names what is missing and what is at another version', () => {
    const project = {
      ...hello,
      dependencies: [...hello.dependencies!, 'attrs>=25', 'numpy>=2.4 ; python_version >= "3.12"']
    }
    expect(unmetDependencies(project, [], locked, env, 'uv.lock')).toEqual([
      {
        name: 'attrs',
        requirement: 'attrs>=25',
        kind: 'missing',
        message:
          "pyproject.toml requires 'attrs>=25', but uv.lock does not install attrs for this target. The lock is out of date: re-lock it."
      },
      {
        name: 'numpy',
        requirement: 'numpy>=2.4 ; python_version >= "3.12"',
        kind: 'mismatch',
        message:
          'pyproject.toml requires \'numpy>=2.4 ; python_version >= "3.12"\', but uv.lock installs numpy 2.3.1. The lock is out of date: re-lock it.'
      }
    ])
  })

  it('checks an extra only when it is selected, and follows an extra that names the project', () => {
    const without = locked.filter(p => p.name !== 'rich')
    expect(unmetDependencies(hello, [], without, env)).toEqual([])
    expect(unmetDependencies(hello, ['all'], without, env).map(u => [u.name, u.kind, u.message])).toEqual([
      [
        'rich',
        'missing',
        "pyproject.toml requires 'rich>=13' (extra 'cli'), but the lock does not install rich for this target. The lock is out of date: re-lock it."
      ]
    ])
  })

  it('evaluates markers for the target, with extra set for optional dependencies', () => {
    const project: DeclaredDependencies = {
      dependencies: ['pywin32 ; sys_platform == "win32"', 'uvloop ; platform_machine == "aarch64"'],
      'optional-dependencies': { fast: ['orjson ; extra == "fast"'] }
    }
    expect(unmetDependencies(project, [], [], env)).toEqual([])
    expect(
      unmetDependencies(project, [], [], linuxEnvironment('3.13.5', 'aarch64')).map(u => u.name)
    ).toEqual(['uvloop'])
    expect(unmetDependencies(project, ['fast'], [], env).map(u => u.name)).toEqual(['orjson'])
  })

  it.each([
    [{ dependencies: ['numpy >= two'] }, [], /^pyproject\.toml: Invalid requirement `numpy >= two`/],
    [{ dependencies: ['numpy ; os_nam == "posix"'] }, [], /did you mean 'os_name'\?/],
    [
      { name: 'hello', 'optional-dependencies': { cli: [] } },
      ['gui'],
      /The project has no extra 'gui' in \[project\.optional-dependencies\] \(it has cli\)\./
    ]
  ])('reports a declaration it cannot read: %j', (project, extras, message) => {
    const [unmet] = unmetDependencies(project, extras, [], env)
    expect(unmet.kind).toBe('invalid')
    expect(unmet.message).toMatch(message)
  })
})
