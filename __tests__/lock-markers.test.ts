import { describe, expect, it } from 'vitest'
import { evaluateMarker, MarkerError, parseMarker, type MarkerEnvironment } from '../src/pure/lock/markers.js'
import { linuxEnvironment } from './fixtures/locks/targets.js'

const env: MarkerEnvironment = { ...linuxEnvironment('3.13.5', 'x86_64'), extra: '' }

describe('evaluateMarker', () => {
  it.each([
    // Versions compare by PEP 440, not as strings.
    ['python_version >= "3.8"', true],
    ['python_version < "3.10"', false],
    ['python_version == "3.1"', false],
    ['python_full_version >= "3.13.5"', true],
    ['python_full_version < "3.13.5"', false],
    ['python_version == "3.*"', true],
    ['python_version != "3.13.*"', false],
    ['python_version ~= "3.12"', true],
    ['python_full_version ~= "3.13.0"', true],
    ['python_full_version ~= "3.12.0"', false],
    ['python_full_version === "3.13.5"', true],
    ['implementation_version >= "3.13"', true],
    // The variable on the right: the comparison reads the other way round.
    ['"3.14" > python_version', true],
    ['"3.8" >= python_version', false],
    // Strings that are not versions: ==, != exactly; in and not in as substrings.
    ['sys_platform == "linux"', true],
    ["os_name == 'nt'", false],
    ['platform_machine != "aarch64"', true],
    ["'linux' in sys_platform", true],
    ['"win" not in sys_platform', true],
    ['platform_machine in "x86_64 aarch64"', true],
    ['platform_python_implementation == "CPython" and implementation_name == "cpython"', true],
    ['platform_system == "Linux"', true],
    // The spec's legacy rule for non-versions: >= and <= are equality, < and > are false.
    ['platform_release >= "5.0"', false],
    ['platform_release < "7"', false],
    ['platform_release <= "6.8.0-1017-azure"', true],
    ['platform_version == "#1 SMP"', false],
    // and binds tighter than or; parentheses group.
    ['sys_platform == "win32" or sys_platform == "linux" and platform_machine == "x86_64"', true],
    ['(sys_platform == "win32" or sys_platform == "linux") and platform_machine == "aarch64"', false],
    ['sys_platform == "darwin" or (python_version >= "3.9" and (platform_machine == "x86_64"))', true],
    // PEP 345 spellings packaging still reads.
    ['os.name == "posix" and sys.platform == "linux"', true],
    ['python_implementation == "CPython"', true],
    // extra is compared after PEP 685 normalisation.
    ['extra == ""', true],
    ['extra == "Foo_Bar"', false]
  ])('%s → %s', (marker, expected) => expect(evaluateMarker(marker, env)).toBe(expected))

  it.each([
    ['aarch64', 'platform_machine == "aarch64"', true],
    ['x86_64', 'platform_machine == "aarch64"', false],
    ['aarch64', "platform_machine == 'x86_64' and sys_platform == 'linux'", false]
  ] as const)('on %s: %s → %s', (machine, marker, expected) =>
    expect(evaluateMarker(marker, linuxEnvironment('3.12.11', machine))).toBe(expected)
  )

  it('compares a pre-release Python by PEP 440: 3.14.0rc1 is below 3.14 but not a 3.14 release', () => {
    const rc = { ...env, python_full_version: '3.14.0rc1', python_version: '3.14' }
    expect(evaluateMarker('python_full_version >= "3.13"', rc)).toBe(true)
    expect(evaluateMarker('python_full_version < "3.14"', rc)).toBe(false)
    expect(evaluateMarker('python_full_version >= "3.14.0rc1"', rc)).toBe(true)
  })

  it.each([
    ["'cli' in extras", true],
    ["'Cli' in extras", true],
    ["'gui' in extras", false],
    ["'gui' not in extras", true],
    ["'dev' in dependency_groups", true],
    ["'cli' in extras and 'docs' in dependency_groups", false]
  ])('PEP 751 sets: %s → %s', (marker, expected) =>
    expect(
      evaluateMarker(marker, { ...env, extras: new Set(['cli']), dependency_groups: new Set(['dev']) })
    ).toBe(expected)
  )

  it('reads extra as the set of selected extras in uv.lock edges', () => {
    const selected = { ...env, extra: new Set(['extra-5-hello-cpu']) }
    expect(evaluateMarker("extra == 'extra-5-hello-cpu'", selected)).toBe(true)
    expect(evaluateMarker("extra != 'extra-5-hello-cpu'", selected)).toBe(false)
    expect(evaluateMarker("extra == 'extra-5-hello-gpu' or extra != 'extra-5-hello-cpu'", selected)).toBe(
      false
    )
    expect(evaluateMarker("'extra-5-hello-cpu' == extra", selected)).toBe(true)
  })

  it.each([
    ['"dog" ~= "fred"', /compares 'dog' ~= 'fred', but ~= needs versions on both sides/],
    ['python_version ~= "surprise"', /~= needs versions/],
    [
      "extras == 'cli'",
      /uses == on 'extras', which is a set of names: test it with 'in', like `'name' in extras`/
    ],
    ["'x' < dependency_groups", /uses < on 'dependency_groups'/]
  ])('refuses %s, as the spec says', (marker, message) => {
    const sets = { ...env, extras: new Set<string>(), dependency_groups: new Set<string>() }
    expect(() => evaluateMarker(marker, sets)).toThrow(message)
  })

  it.each([
    ['extra == "cli"', /uses 'extra', but 'extra' has a value only in a package's metadata/],
    ["'cli' in extras", /uses 'extras', but 'extras' has a value only when installing from a lock file/]
  ])('says which variable the environment lacks: %s', (marker, message) => {
    const { extra: _, ...withoutExtra } = env
    expect(() => evaluateMarker(marker, withoutExtra)).toThrow(message)
  })
})

describe('parseMarker', () => {
  it.each([
    ['python_version >= and', 19, 'expected a marker variable or a quoted string'],
    ['python_version', 15, 'expected a comparison such as ==, <, ~=, in or not in'],
    ['python_version = "3"', 16, "unexpected '='"],
    ['pyton_version == "3"', 1, "'pyton_version' is not a marker variable; did you mean 'python_version'?"],
    [
      'arch == "x86_64"',
      1,
      "'arch' is not a marker variable (they are python_version, python_full_version, os_name, sys_platform, platform_release, platform_system, platform_version, platform_machine, platform_python_implementation, implementation_name, implementation_version, extra, extras, dependency_groups)"
    ],
    ['(os_name == "posix"', 20, "expected ')' to close the '(' of column 1"],
    ['os_name == "posix")', 19, "a ')' without its '('"],
    ['os_name == "posix', 12, 'the string that starts here has no closing "'],
    ['os_name not "posix"', 13, "expected 'in' after 'not'"],
    ['os_name == "posix" sys_platform == "linux"', 20, "expected 'and' or 'or'"],
    ['os_name == "posix" and', 23, 'expected a marker variable or a quoted string']
  ])('says where %s goes wrong (column %i)', (marker, column, what) => {
    let error: unknown
    try {
      parseMarker(marker)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MarkerError)
    expect((error as MarkerError).column).toBe(column)
    expect((error as MarkerError).message).toBe(
      `Invalid marker \`${marker}\` at column ${column}: ${what}${what.endsWith('?') ? '' : '.'}`
    )
  })

  it('keeps the text for messages and builds the tree with and inside or', () => {
    const marker = parseMarker('  os_name == "posix" or sys_platform == "linux" and extra == "x" ')
    expect(marker.text).toBe('os_name == "posix" or sys_platform == "linux" and extra == "x"')
    expect(marker.tree.kind).toBe('or')
    expect(marker.tree.kind === 'or' && marker.tree.right.kind).toBe('and')
  })

  it('refuses an empty marker', () => expect(() => parseMarker('  ')).toThrow('Invalid marker: it is empty.'))
})
