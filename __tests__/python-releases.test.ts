import { describe, expect, it } from 'vitest'
import {
  findRelease,
  minorVersion,
  nearestReleases,
  patchlevelVersion,
  RELEASES,
  tarballUrl,
  versionMismatch
} from '../src/pure/python-releases.js'

const table = ['3.10.13', '3.10.14', '3.11.1', '3.11.2', '3.11.9', '3.12.0', '3.12.7'].map(version => ({
  version,
  file: `Python-${version}.tgz`,
  sha256: '0'.repeat(64)
}))

describe('the release table', () => {
  it('holds 3.11.2 as python.org publishes it', () => {
    expect(findRelease('3.11.2')).toEqual({
      version: '3.11.2',
      file: 'Python-3.11.2.tgz',
      sha256: '2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849'
    })
  })

  it('covers every minor from 3.9 to 3.14, with one well-formed entry per version', () => {
    const minors = new Set(RELEASES.map(r => minorVersion(r.version)))
    for (const minor of ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14']) expect(minors).toContain(minor)
    for (const r of RELEASES) {
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(r.file).toMatch(new RegExp(`^Python-${r.version.replace(/\./g, '\\.')}\\.(tgz|tar\\.xz)$`))
    }
    expect(new Set(RELEASES.map(r => r.sha256)).size).toBe(RELEASES.length)
  })
})

describe('findRelease', () => {
  it.each([
    ['3.11', '3.11.9'],
    ['3.12', '3.12.7'],
    ['3.11.2', '3.11.2'],
    ['3.11.3', undefined],
    ['3.13', undefined]
  ])('%s → %s', (spec, version) => {
    expect(findRelease(spec, table)?.version).toBe(version)
  })
})

describe('nearestReleases', () => {
  it('lists the closest patches of the same minor', () => {
    expect(nearestReleases('3.11.3', table)).toEqual(['3.11.2', '3.11.1', '3.11.9'])
  })
  it('lists the newest patch of the closest minors when the minor is unknown', () => {
    expect(nearestReleases('3.13', table)).toEqual(['3.12.7', '3.11.9', '3.10.14'])
  })
})

describe('tarballUrl', () => {
  it('puts the file under <base>/<version>/ and tolerates a trailing slash', () => {
    expect(tarballUrl('http://127.0.0.1:8719/', table[3])).toBe(
      'http://127.0.0.1:8719/3.11.2/Python-3.11.2.tgz'
    )
  })
})

describe('a tarball against the release asked for', () => {
  const asked = { version: '3.15.0', file: 'Python-3.15.0.tgz', sha256: 'a'.repeat(64) }
  const patchlevel = (version: string) =>
    `/* Version as a string */\n#define PY_VERSION      \t"${version}"\n\n#define PY_RELEASE_LEVEL_FINAL 0xF\n`

  it('reads the version from Include/patchlevel.h', () => {
    expect(patchlevelVersion(patchlevel('3.15.0'))).toBe('3.15.0')
    expect(patchlevelVersion(patchlevel('3.14.0rc1'))).toBe('3.14.0rc1')
    expect(patchlevelVersion('not a header')).toBeUndefined()
  })

  it('is silent when the versions agree, and names both when they do not', () => {
    expect(versionMismatch(asked, '3.15.0', 'the tarball')).toBeUndefined()
    expect(versionMismatch(asked, '3.11.2', 'Python-3.15.0.tgz (sha256 aaa…)')).toBe(
      'python-version asks for CPython 3.15.0, but Python-3.15.0.tgz (sha256 aaa…) is CPython 3.11.2: give python-version 3.11.2 with its sha256, or the tarball of 3.15.0.'
    )
    expect(versionMismatch(asked, undefined, 'the tarball')).toMatch(/the tarball is no CPython release/)
  })
})
