import { describe, expect, it } from 'vitest'
import { Input } from '../src/pure/constants.js'
import { parseInputs, type Inputs } from '../src/pure/inputs.js'
import type { RequirementsText } from '../src/pure/project.js'
import { hashedPinProblems, lockInputErrors, readRequirementsLock } from '../src/pure/requirements-lock.js'
import { fixture } from './fixtures/locks/targets.js'

const relative = (file: string) => file.replace(/^\/w\//, '')
const top = (name: string, text: string): RequirementsText => ({
  path: `/w/${name}`,
  text,
  role: 'requirements'
})

const hashed = (name: string, version: string, hash: string) =>
  `${name}==${version} --hash=sha256:${hash.repeat(64)}\n`

describe('readRequirementsLock', () => {
  it('tells a hashed requirements file from an unpinned one, by its lines', () => {
    const pinned = readRequirementsLock(
      [top('requirements.txt', fixture('requirements-pip-compile.txt'))],
      relative
    )
    expect(pinned.problems).toEqual([])
    expect(pinned.lock?.kind).toBe('hashed')
    if (pinned.lock?.kind === 'hashed')
      expect(pinned.lock.pins.map(p => p.normalizedName)).toContain('charset-normalizer')
    expect(readRequirementsLock([top('requirements.txt', 'requests>=2\n')], relative)).toEqual({
      lock: { kind: 'unpinned' },
      problems: []
    })
  })

  it('reads pylock.toml and uv.lock by their names, whatever the file says first', () => {
    expect(readRequirementsLock([top('pylock.toml', fixture('pylock.toml'))], relative).lock?.kind).toBe(
      'pylock'
    )
    expect(readRequirementsLock([top('pylock.gui.toml', fixture('pylock.toml'))], relative).lock?.kind).toBe(
      'pylock'
    )
    expect(readRequirementsLock([top('uv.lock', fixture('uv.lock'))], relative).lock?.kind).toBe('uv.lock')
  })

  it('refuses TOML that is neither lock, naming the file', () => {
    const { lock, problems } = readRequirementsLock(
      [top('deps.toml', '[tool.poetry]\nname = "x"\n')],
      relative
    )
    expect(lock).toBeUndefined()
    expect(problems).toEqual([expect.stringContaining("requirements 'deps.toml' is TOML")])
  })

  it('passes on what stops a pylock.toml being read, and reads nothing from it', () => {
    const { lock, problems } = readRequirementsLock([top('pylock.toml', 'created-by = "x"\n')], relative)
    expect(lock).toBeUndefined()
    expect(problems).toEqual([expect.stringContaining('pylock.toml has no lock-version')])
  })

  it('combines included files: hashes in all of them make one lock, in some of them a problem naming the unhashed file', () => {
    const included = { path: '/w/req/base.txt', text: hashed('b', '2', 'b'), role: 'requirements' as const }
    const both = readRequirementsLock(
      [top('req/all.txt', hashed('a', '1', 'a') + '-r base.txt\n'), included],
      relative
    )
    expect(both.problems).toEqual([])
    expect(both.lock?.kind === 'hashed' && both.lock.pins.map(p => `${p.name}==${p.version}`)).toEqual([
      'a==1',
      'b==2'
    ])
    const mixed = readRequirementsLock(
      [top('req/all.txt', hashed('a', '1', 'a') + '-r base.txt\n'), { ...included, text: 'b>=2\n' }],
      relative
    )
    expect(mixed.lock).toBeUndefined()
    expect(mixed.problems).toEqual([
      expect.stringMatching(/^req\/base\.txt:1: this file has no hashes, but req\/all\.txt has/)
    ])
  })

  it('a constraints file adds no pins, but its lines that can never be pinned are problems too', () => {
    const constraints = { path: '/w/c.txt', text: 'b==2\n', role: 'constraints' as const }
    const read = readRequirementsLock(
      [top('r.txt', hashed('a', '1', 'a') + '-c c.txt\n'), constraints],
      relative
    )
    expect(read.problems).toEqual([])
    expect(read.lock?.kind === 'hashed' && read.lock.pins.map(p => p.name)).toEqual(['a'])
    const editable = readRequirementsLock(
      [top('r.txt', 'a\n-c c.txt\n'), { ...constraints, text: '-e ./b\n' }],
      relative
    )
    expect(editable.problems).toEqual([expect.stringMatching(/^c\.txt:1: .*editable install/)])
  })
})

describe('lockInputErrors', () => {
  const inputs = (values: Record<string, string>): Inputs => {
    const { inputs, errors } = parseInputs(
      name => ({ 'app-id': 'org.example.Hello', 'python-version': '3.11.2', ...values })[name] ?? '',
      { workspace: '/w', tempDir: '/t', arch: 'x86_64' }
    )
    expect(errors).toEqual([])
    return inputs!
  }
  const uv = { kind: 'uv.lock' } as Parameters<typeof lockInputErrors>[1]

  it('accepts dependency groups from a lock, and from pyproject.toml with a pip that has --group', () => {
    expect(lockInputErrors(inputs({ 'dependency-groups': 'gui' }), uv)).toEqual([])
    expect(lockInputErrors(inputs({ 'dependency-groups': 'gui' }), { kind: 'unpinned' })).toEqual([])
    expect(lockInputErrors(inputs({ 'dependency-groups': 'gui' }), undefined)).toEqual([])
  })

  it.each([
    [
      'a uv.lock with build-network',
      { 'build-network': 'true' },
      uv,
      Input.Requirements,
      /build-network off/
    ],
    [
      'groups with a hashed file',
      { 'dependency-groups': 'gui' },
      { kind: 'hashed', pins: [] },
      Input.DependencyGroups,
      /uv export --group/
    ],
    [
      'groups with build-network',
      { 'dependency-groups': 'gui', 'build-network': 'true' },
      undefined,
      Input.DependencyGroups,
      /build-network/
    ],
    [
      'groups with a pip before 25.1',
      { 'dependency-groups': 'gui', 'pip-version': '24.0', 'pip-sha256': 'c'.repeat(64) },
      undefined,
      Input.DependencyGroups,
      /pip 25\.1 or later .* pip-version is 24\.0/
    ]
  ] as const)('refuses %s, naming the input', (_, values, lock, input, message) => {
    const errors = lockInputErrors(inputs(values), lock as Parameters<typeof lockInputErrors>[1])
    expect(errors).toEqual([{ input, message: expect.stringMatching(message) }])
  })
})

describe('hashedPinProblems', () => {
  const [pin] = (() => {
    const read = readRequirementsLock([top('r.txt', hashed('Fpa_Chain-C', '1.0', 'a'))], relative)
    return read.lock?.kind === 'hashed' ? read.lock.pins : []
  })()
  const chosen = (version: string, hash: string, name = 'fpa-chain-c') => ({
    name,
    version,
    sha256: hash.repeat(64),
    filename: `fpa_chain_c-${version}-py3-none-any.whl`
  })

  it('accepts the file pip chose when the requirements file pins its version and lists its hash', () => {
    expect(hashedPinProblems([pin], [chosen('1.0', 'a')])).toEqual([])
  })

  it('refuses a file whose hash the file does not list, another version, or a package it does not pin', () => {
    expect(hashedPinProblems([pin], [chosen('1.0', 'b')])).toEqual([
      expect.stringMatching(
        /^r\.txt:1: Fpa_Chain-C==1\.0 lists no file the index has: .* fpa_chain_c-1\.0-py3-none-any\.whl \(sha256 b{64}\)/
      )
    ])
    expect(hashedPinProblems([pin], [chosen('2.0', 'a')])).toEqual([
      'r.txt:1: pins Fpa_Chain-C==1.0, but pip chose 2.0.'
    ])
    expect(hashedPinProblems([pin], [chosen('1.0', 'a', 'fpa-pure')])).toEqual([
      expect.stringMatching(/^pip installs fpa-pure 1\.0, which the hashed requirements file does not pin/)
    ])
  })
})
