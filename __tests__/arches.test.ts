import { describe, expect, it } from 'vitest'
import {
  archSpecific,
  flathubJson,
  foreignOnly,
  foreignTarget,
  foreignWheelArgs,
  noFileForArch,
  platformTags,
  sdistArgs
} from '../src/pure/arches.js'
import type { LockTarget } from '../src/pure/lock/locked.js'
import type { MarkerEnvironment } from '../src/pure/lock/markers.js'
import { supportedTags, wheelFits } from '../src/pure/lock/tags.js'
import { lockText, type PinnedDistribution } from '../src/pure/requirements.js'

const environment: MarkerEnvironment = {
  python_version: '3.11',
  python_full_version: '3.11.2',
  os_name: 'posix',
  sys_platform: 'linux',
  platform_release: '6.1.0',
  platform_system: 'Linux',
  platform_version: '#1 SMP',
  platform_machine: 'x86_64',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  implementation_version: '3.11.2'
}
// The head and tail of what packaging's sys_tags() gives CPython 3.11 on glibc 2.36, x86_64.
const x86Tags = [
  'cp311-cp311-manylinux_2_36_x86_64',
  'cp311-cp311-manylinux_2_17_x86_64',
  'cp311-cp311-manylinux2014_x86_64',
  'cp311-cp311-linux_x86_64',
  'cp311-abi3-manylinux_2_36_x86_64',
  'cp311-none-linux_x86_64',
  'py3-none-manylinux_2_36_x86_64',
  'cp311-none-any',
  'py3-none-any'
]
const target: LockTarget = { environment, tags: supportedTags(x86Tags) }

const pin = (name: string, filename: string, sha: string, onlyArches?: string[]): PinnedDistribution => ({
  name,
  version: '1.0',
  url: `http://index/${filename}`,
  sha256: sha.repeat(64),
  filename,
  kind: filename.endsWith('.whl') ? 'wheel' : 'sdist',
  ...(onlyArches ? { onlyArches } : {})
})
const native = pin('fpa-native', 'fpa_native-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', 'a', ['x86_64'])
const pure = pin('six', 'six-1.0-py3-none-any.whl', 'b')
const sdist = pin('tiny', 'tiny-1.0.tar.gz', 'c')

describe('foreignTarget', () => {
  const aarch64 = foreignTarget(target, 'aarch64')

  it('is the same Python on the other arch: its platform tags, the portable ones unchanged', () => {
    expect(aarch64.tags.ordered).toEqual(x86Tags.map(tag => tag.replace(/x86_64$/, 'aarch64')))
    expect(aarch64.environment).toEqual({ ...environment, platform_machine: 'aarch64' })
  })

  it('takes the other arch wheels and pure ones, never the build arch wheels', () => {
    expect(wheelFits('fpa_native-1.0-cp311-cp311-manylinux_2_17_aarch64.whl', aarch64.tags)).toBe(true)
    expect(wheelFits('six-1.0-py3-none-any.whl', aarch64.tags)).toBe(true)
    expect(wheelFits(native.filename, aarch64.tags)).toBe(false)
  })

  it('gives pip each platform once, most preferred first', () => {
    expect(platformTags(aarch64)).toEqual([
      'manylinux_2_36_aarch64',
      'manylinux_2_17_aarch64',
      'manylinux2014_aarch64',
      'linux_aarch64'
    ])
    expect(foreignWheelArgs([native], aarch64)).toEqual([
      '--no-deps',
      '--only-binary=:all:',
      '--platform',
      'manylinux_2_36_aarch64',
      '--platform',
      'manylinux_2_17_aarch64',
      '--platform',
      'manylinux2014_aarch64',
      '--platform',
      'linux_aarch64',
      'fpa-native==1.0'
    ])
    expect(sdistArgs(native)).toEqual(['--no-deps', '--no-binary=:all:', 'fpa-native==1.0'])
  })
})

describe('the pins of other arches', () => {
  it('looks up only the compiled wheels: pure wheels and sdists fit every arch', () => {
    expect(archSpecific([native, pure, sdist])).toEqual([native])
  })

  it('adds what a lock gives another arch that the build arch does not install, marked for it', () => {
    const arm = pin('fpa-native', 'fpa_native-1.0-cp311-cp311-manylinux_2_17_aarch64.whl', 'd', ['aarch64'])
    const armSdist = pin('other', 'other-1.0.tar.gz', 'e')
    expect(foreignOnly([native, pure, sdist], [arm, pure, sdist, armSdist], 'aarch64')).toEqual([
      arm,
      { ...armSdist, onlyArches: ['aarch64'] }
    ])
  })

  it('locks one line per version, with the file of every arch', () => {
    const arm = pin('fpa-native', 'fpa_native-1.0-cp311-cp311-manylinux_2_17_aarch64.whl', 'd', ['aarch64'])
    expect(lockText([pure, arm, native])).toBe(
      `fpa-native==1.0 --hash=sha256:${'a'.repeat(64)} --hash=sha256:${'d'.repeat(64)}\n` +
        `six==1.0 --hash=sha256:${'b'.repeat(64)}\n`
    )
  })

  it('names the package and the arch that has no file, and the ways out', () => {
    expect(noFileForArch(native, 'aarch64')).toMatch(
      /^fpa-native 1\.0 has no wheel for aarch64 and no sdist on the index, so Flathub's aarch64 build would fail at it\. .*leave aarch64 out of the input arches/
    )
  })
})

describe('flathubJson', () => {
  it('is only written for fewer arches than Flathub builds', () => {
    expect(flathubJson(['x86_64', 'aarch64'], ['x86_64', 'aarch64'])).toBeUndefined()
    expect(JSON.parse(flathubJson(['x86_64'], ['x86_64', 'aarch64'])!)).toEqual({ 'only-arches': ['x86_64'] })
  })
})
