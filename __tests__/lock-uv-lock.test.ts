import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { LockTarget } from '../src/pure/lock/locked.js'
import { conflictExtra, parseUvLock, selectUvLock, type UvLockFile } from '../src/pure/lock/uv-lock.js'
import { cpythonLinuxTags, fixture, linuxEnvironment } from './fixtures/locks/targets.js'

const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex')
const sha = (c: string) => c.repeat(64)

function target(python: string, machine: 'x86_64' | 'aarch64', over: Partial<LockTarget> = {}): LockTarget {
  return { environment: linuxEnvironment(python, machine), tags: cpythonLinuxTags(python, machine), ...over }
}

function read(text: string): UvLockFile {
  const { lock, problems } = parseUvLock(text)
  expect(problems).toEqual([])
  return lock!
}

const lock = read(fixture('uv.lock'))

const header = 'version = 1\nrevision = 3\nrequires-python = ">=3.11"\n'
const root = (deps: string, more = '') =>
  `[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [${deps}]\n${more}\n`
const registry = (name: string, version: string, more = '') =>
  `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "https://pypi.org/simple" }\n${more}` +
  `wheels = [{ url = "https://files.example/${name}-${version}-py3-none-any.whl", hash = "sha256:${sha('a')}" }]\n\n`

describe('parseUvLock', () => {
  it('reads what uv lock writes', () => {
    expect(lock).toMatchObject({
      format: 'uv.lock',
      path: 'uv.lock',
      requiresPython: '>=3.11',
      environments: []
    })
    expect(lock.packages).toHaveLength(19)
    const hello = lock.packages.find(p => p.name === 'hello')!
    expect(hello.source).toEqual({ kind: 'directory', path: '.', editable: true })
    expect(hello.dependencies.find(d => d.name === 'requests')).toEqual({
      name: 'requests',
      extras: ['socks']
    })
    expect(hello.dependencies.filter(d => d.name === 'numpy').map(d => [d.version, d.marker])).toEqual([
      ['2.2.6', "python_full_version < '3.12'"],
      ['2.3.1', "python_full_version >= '3.12'"]
    ])
    expect(Object.keys(hello.optionalDependencies)).toEqual(['cli'])
    expect(Object.keys(hello.dependencyGroups)).toEqual(['dev'])
    const charset = lock.packages.find(p => p.name === 'charset-normalizer')!
    expect(charset.wheels).toHaveLength(16)
    expect(charset.sdist).toMatchObject({
      filename: 'charset_normalizer-3.4.2.tar.gz',
      hashes: { sha256: sha256Of('charset_normalizer-3.4.2.tar.gz') }
    })
  })

  it.each([
    ['not TOML', '[[package]\n', /^uv\.lock is not valid TOML \(line 1/],
    [
      'no version',
      '[[package]]\nname = "a"\n',
      /^uv\.lock has no version; the action reads uv\.lock version 1\. Re-lock with a uv release that writes version 1, or update the action\.$/
    ],
    ['a newer schema', 'version = 2\n', /^uv\.lock has version 2; the action reads uv\.lock version 1/],
    [
      'a package without source',
      `${header}[[package]]\nname = "a"\nversion = "1"\n`,
      /package a has no source uv knows/
    ],
    [
      'an edge with a bad marker',
      header + root(`{ name = "a", marker = "python_version >> '3'" }`),
      /app's dependencies edge to a: Invalid marker `python_version >> '3'` at column 17/
    ]
  ])('refuses %s', (_, text, message) => {
    const { lock, problems } = parseUvLock(text)
    expect(lock).toBeUndefined()
    expect(problems.some(p => message.test(p))).toBe(true)
  })
})

describe('selectUvLock', () => {
  it.each([
    ['3.13.5', 'x86_64', 'numpy-2.3.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'],
    ['3.13.5', 'aarch64', 'numpy-2.3.1-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl'],
    ['3.11.13', 'x86_64', 'numpy-2.2.6-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl']
  ] as const)('on CPython %s %s follows the project through the lock to %s', (python, machine, numpy) => {
    const { packages, pins, problems } = selectUvLock(lock, target(python, machine))
    expect(problems).toEqual([])
    // colorama is only for Windows, rich only for the cli extra, pytest only for the dev group.
    expect(packages.map(p => `${p.name} ${p.version}`)).toEqual([
      'certifi 2025.6.15',
      'charset-normalizer 3.4.2',
      'docopt 0.6.2',
      'idna 3.10',
      python.startsWith('3.11') ? 'numpy 2.2.6' : 'numpy 2.3.1',
      'pysocks 1.7.1',
      'requests 2.32.4',
      'urllib3 2.5.0'
    ])
    expect(pins.find(p => p.name === 'numpy')?.filename).toBe(numpy)
    expect(pins.find(p => p.name === 'pysocks')?.filename).toBe('PySocks-1.7.1-py3-none-any.whl')
    expect(pins.find(p => p.name === 'docopt')?.kind).toBe('sdist')
    for (const pin of pins) expect(pin.sha256).toBe(sha256Of(pin.filename))
  })

  it('gives the same files as the pylock.toml uv exports from it', async () => {
    const { parsePylock, selectPylock } = await import('../src/pure/lock/pylock.js')
    const pylock = parsePylock(fixture('pylock.toml')).lock!
    for (const over of [{}, { extras: ['cli'] }, { groups: ['dev'] }, { extras: ['cli'], groups: ['dev'] }]) {
      const goal = target('3.13.5', 'aarch64', over)
      expect(selectUvLock(lock, goal).pins).toEqual(selectPylock(pylock, goal).pins)
    }
  })

  it('adds an extra and a group through their own edges', () => {
    const names = (over: Partial<LockTarget>) =>
      selectUvLock(lock, target('3.12.11', 'x86_64', over)).packages.map(p => p.name)
    expect(names({ extras: ['cli'] })).toEqual(
      expect.arrayContaining(['rich', 'markdown-it-py', 'mdurl', 'pygments'])
    )
    expect(names({ groups: ['dev'] })).toEqual(
      expect.arrayContaining(['pytest', 'iniconfig', 'packaging', 'pluggy', 'pygments'])
    )
    expect(names({ groups: ['dev'] })).not.toContain('colorama')
    expect(names({})).not.toContain('pytest')
  })

  it('follows markers on every edge, not only the project’s', () => {
    const text =
      header +
      root('{ name = "a" }') +
      registry(
        'a',
        '1',
        `dependencies = [{ name = "b", marker = "platform_machine == 'aarch64'" }, { name = "c", marker = "platform_machine == 'x86_64'" }]\n`
      ) +
      registry('b', '1') +
      registry('c', '1')
    const names = (machine: 'x86_64' | 'aarch64') =>
      selectUvLock(read(text), target('3.13.5', machine)).pins.map(p => p.name)
    expect(names('aarch64')).toEqual(['a', 'b'])
    expect(names('x86_64')).toEqual(['a', 'c'])
  })

  it('picks between conflicting extras by uv’s encoded extra markers', () => {
    const cpu = conflictExtra('extra', 'app', 'cpu')
    const gpu = conflictExtra('extra', 'app', 'gpu')
    expect(cpu).toBe('extra-3-app-cpu')
    const text =
      header +
      `conflicts = [[{ package = "app", extra = "cpu" }, { package = "app", extra = "gpu" }]]\n\n` +
      root(
        '{ name = "lib" }',
        `[package.optional-dependencies]\ncpu = [{ name = "lib" }]\ngpu = [{ name = "lib" }]\n`
      ) +
      registry(
        'lib',
        '1',
        `dependencies = [\n    { name = "torch", version = "2.7.1", source = { registry = "https://pypi.org/simple" }, marker = "extra == '${cpu}'" },\n` +
          `    { name = "torch", version = "2.7.1+cu128", source = { registry = "https://download.pytorch.org/whl/cu128" }, marker = "extra == '${gpu}'" },\n]\n`
      ) +
      registry('torch', '2.7.1') +
      `[[package]]\nname = "torch"\nversion = "2.7.1+cu128"\nsource = { registry = "https://download.pytorch.org/whl/cu128" }\nwheels = [{ url = "https://download.pytorch.org/whl/cu128/torch-2.7.1%2Bcu128-cp313-cp313-manylinux_2_28_x86_64.whl", hash = "sha256:${sha('b')}" }]\n`
    const pins = (extra: string) =>
      selectUvLock(read(text), target('3.13.5', 'x86_64', { extras: [extra] })).pins
    expect(pins('cpu').map(p => `${p.name} ${p.version}`)).toEqual(['lib 1', 'torch 2.7.1'])
    expect(pins('gpu').map(p => [p.version, p.filename])).toEqual([
      ['1', 'lib-1-py3-none-any.whl'],
      ['2.7.1+cu128', 'torch-2.7.1+cu128-cp313-cp313-manylinux_2_28_x86_64.whl']
    ])
  })

  it('finds the root by name when a workspace has several', () => {
    const text =
      header +
      root('{ name = "a" }') +
      `[[package]]\nname = "other"\nversion = "1"\nsource = { editable = "." }\ndependencies = [{ name = "b" }]\n\n` +
      registry('a', '1') +
      registry('b', '1')
    expect(selectUvLock(read(text), target('3.13.5', 'x86_64')).problems).toEqual([
      "uv.lock has 2 projects at '.' (app, other): lock the app's own project with `uv lock` in the directory of its pyproject.toml."
    ])
    expect(
      selectUvLock(read(text), target('3.13.5', 'x86_64'), { project: 'Other' }).pins.map(p => p.name)
    ).toEqual(['b'])
  })

  it.each([
    [
      'a Python below requires-python',
      fixture('uv.lock'),
      target('3.10.18', 'x86_64'),
      "uv.lock requires Python >=3.11, but the app's Python is 3.10.18. Choose a python-version the lock supports, or re-lock."
    ],
    [
      'an extra the project lacks',
      fixture('uv.lock'),
      target('3.13.5', 'x86_64', { extras: ['gui'] }),
      "hello has no extra 'gui' in uv.lock (it has cli). Add it to [project.optional-dependencies] and re-lock, or leave it out."
    ],
    [
      'a group the project lacks',
      fixture('uv.lock'),
      target('3.13.5', 'x86_64', { groups: ['docs'] }),
      "hello has no dependency group 'docs' in uv.lock (it has dev). Add it to [dependency-groups] and re-lock, or leave it out."
    ],
    [
      'supported-markers that exclude the target',
      header.replace('requires-python', `supported-markers = ["sys_platform == 'darwin'"]\nrequires-python`) +
        root(''),
      target('3.13.5', 'x86_64'),
      "uv.lock is locked only for `sys_platform == 'darwin'` (tool.uv.environments), and the app's Python (3.13.5 on x86_64 linux) is none of them. Add it and re-lock."
    ],
    [
      'a lock without the project',
      header + registry('a', '1'),
      target('3.13.5', 'x86_64'),
      "uv.lock has no project at '.' (a package with source editable or virtual '.'): lock the app's own project with `uv lock` in the directory of its pyproject.toml."
    ],
    [
      'a git dependency',
      header +
        root('{ name = "tool" }') +
        `[[package]]\nname = "tool"\nversion = "1.0"\nsource = { git = "https://github.com/o/tool?rev=v1#0123456789abcdef" }\n`,
      target('3.13.5', 'x86_64'),
      'tool 1.0 in uv.lock comes from git (https://github.com/o/tool?rev=v1): a VCS checkout has no file hash to pin. Publish it to an index, or require a release from one.'
    ],
    [
      'an editable workspace member',
      header +
        root('{ name = "lib" }') +
        `[[package]]\nname = "lib"\nversion = "0.2"\nsource = { editable = "packages/lib" }\n`,
      target('3.13.5', 'x86_64'),
      'lib 0.2 in uv.lock is a local editable directory (packages/lib): only files from an index can be pinned. Publish it to an index, or make it part of the app.'
    ],
    [
      'a path dependency',
      header +
        root('{ name = "lib" }') +
        `[[package]]\nname = "lib"\nversion = "0.2"\nsource = { path = "dist/lib-0.2-py3-none-any.whl" }\nwheels = [{ filename = "lib-0.2-py3-none-any.whl", hash = "sha256:${sha('a')}" }]\n`,
      target('3.13.5', 'x86_64'),
      'lib 0.2 in uv.lock is a local file (dist/lib-0.2-py3-none-any.whl): only files from an index can be pinned. Publish it to an index, or make it part of the app.'
    ],
    [
      'a direct URL dependency',
      header +
        root('{ name = "lib" }') +
        `[[package]]\nname = "lib"\nversion = "0.2"\nsource = { url = "https://x/lib-0.2.tar.gz" }\nsdist = { hash = "sha256:${sha('a')}" }\n`,
      target('3.13.5', 'x86_64'),
      'lib 0.2 in uv.lock is a direct URL (https://x/lib-0.2.tar.gz): require it by name from an index, so that its file comes from the index.'
    ],
    [
      'a local flat index',
      header +
        root('{ name = "a" }') +
        `[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "wheels" }\nwheels = [{ path = "a-1-py3-none-any.whl", hash = "sha256:${sha('a')}" }]\n`,
      target('3.13.5', 'x86_64'),
      'a 1 in uv.lock: a-1-py3-none-any.whl is a local file (a-1-py3-none-any.whl), and flatpak-builder fetches files by URL. Lock against an index (like PyPI) instead of a local directory of files.'
    ],
    [
      'a file without sha256',
      header +
        root('{ name = "a" }') +
        `[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "https://x/a-1-py3-none-any.whl" }]\n`,
      target('3.13.5', 'x86_64'),
      'a 1 in uv.lock: a-1-py3-none-any.whl has no hash, and flatpak-builder pins files by sha256. Re-lock with a tool that records sha256 (pip lock and uv do).'
    ],
    [
      'an edge to a package the lock lacks',
      header + root('{ name = "ghost" }'),
      target('3.13.5', 'x86_64'),
      'uv.lock: app depends on ghost, which the lock does not list. Re-lock with `uv lock`.'
    ],
    [
      'an edge that does not say which of two versions',
      header + root('{ name = "a" }') + registry('a', '1') + registry('a', '2'),
      target('3.13.5', 'x86_64'),
      'uv.lock: app depends on a, and the lock lists 2 of them without saying which. Re-lock with `uv lock`.'
    ],
    [
      'a package with no file for this Python',
      header +
        root('{ name = "a" }') +
        `[[package]]\nname = "a"\nversion = "1"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [{ url = "https://x/a-1-cp313-cp313-manylinux_2_17_aarch64.whl", hash = "sha256:${sha('a')}" }]\n`,
      target('3.13.5', 'x86_64'),
      'a 1 in uv.lock has no file for this Python (best tag cp313-cp313-manylinux_2_39_x86_64): the lock lists 1 wheel (a-1-cp313-cp313-manylinux_2_17_aarch64.whl) and no sdist. Re-lock for this Python version and architecture, or choose a python-version the lock covers.'
    ]
  ])('refuses %s, naming it', (_, text, goal, message) => {
    expect(selectUvLock(read(text), goal).problems).toEqual([message])
  })

  it('skips a git package that only another platform reaches', () => {
    const text =
      header +
      root(`{ name = "tool", marker = "sys_platform == 'win32'" }, { name = "a" }`) +
      `[[package]]\nname = "tool"\nversion = "1.0"\nsource = { git = "https://github.com/o/tool?rev=v1#0123" }\n\n` +
      registry('a', '1')
    expect(selectUvLock(read(text), target('3.13.5', 'x86_64'))).toMatchObject({
      problems: [],
      pins: [{ name: 'a' }]
    })
  })

  it('walks a cycle once', () => {
    const text =
      header +
      root('{ name = "a" }') +
      registry('a', '1', 'dependencies = [{ name = "b" }]\n') +
      registry('b', '1', 'dependencies = [{ name = "a" }, { name = "app" }]\n')
    expect(selectUvLock(read(text), target('3.13.5', 'x86_64')).pins.map(p => p.name)).toEqual(['a', 'b'])
  })
})
