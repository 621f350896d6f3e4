import { describe, expect, it } from 'vitest'
import { normalizeName } from '../src/pure/lock/names.js'
import { parseRequirement, RequirementError } from '../src/pure/lock/requirement.js'

describe('parseRequirement', () => {
  it.each([
    ['requests', { name: 'requests', extras: [], specifier: '' }],
    ['Foo_Bar.baz >= 1.0', { name: 'Foo_Bar.baz', normalizedName: 'foo-bar-baz', specifier: '>=1.0' }],
    [
      'requests[security, Tests] >= 2.8.1, == 2.8.*',
      { extras: ['security', 'tests'], specifier: '>=2.8.1,==2.8.*' }
    ],
    ['foo (>=1.0, <2)', { specifier: '>=1.0,<2' }],
    ['foo[]', { extras: [] }],
    [
      'pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee',
      { url: 'https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee', specifier: '' }
    ],
    ['numpy===2.0.0', { specifier: '===2.0.0' }]
  ])('%s', (text, expected) => expect(parseRequirement(text)).toMatchObject(expected))

  it('keeps the marker parsed, after ; with or without spaces', () => {
    expect(parseRequirement('argparse;python_version<"2.7"').marker?.text).toBe('python_version<"2.7"')
    expect(parseRequirement('pip @ https://x/pip.zip ; os_name == "posix"').marker?.text).toBe(
      'os_name == "posix"'
    )
  })

  it.each([
    ['>=1', 1, 'expected a project name'],
    ['foo >= bar', 5, "'>= bar' is not a PEP 440 version specifier (like >=2.0,<3 or ==1.4.*)"],
    ['foo[cli', 4, "the '[' of the extras has no ']'"],
    ['foo[c!i]', 5, "'c!i' is not an extra name"],
    ['foo @', 6, "expected a URL after '@'"],
    [
      'foo @ https://x/y.zip; os_name == "posix"',
      22,
      "put a space before the marker's ';': without one it is part of the URL"
    ],
    ['foo @ https://x/y.zip os_name', 23, "expected ';' and a marker after the URL"]
  ])('says where %s goes wrong', (text, column, what) => {
    let error: unknown
    try {
      parseRequirement(text)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RequirementError)
    expect((error as RequirementError).message).toBe(
      `Invalid requirement \`${text}\` at column ${column}: ${what}.`
    )
  })

  it('names the requirement when its marker is wrong', () =>
    expect(() => parseRequirement('foo; os_nam == "posix"')).toThrow(
      /^Invalid requirement `foo; os_nam == "posix"`: Invalid marker `os_nam == "posix"` at column 1: 'os_nam' is not a marker variable; did you mean 'os_name'\?$/
    ))
})

describe('normalizeName', () => {
  it.each([
    ['Django', 'django'],
    ['typing_extensions', 'typing-extensions'],
    ['zope.interface', 'zope-interface'],
    ['Foo__-.Bar', 'foo-bar']
  ])('%s → %s', (name, normalized) => expect(normalizeName(name)).toBe(normalized))
})
