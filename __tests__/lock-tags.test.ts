import { describe, expect, it } from 'vitest'
import { bestWheel, parseWheelFilename, supportedTags, wheelFits, wheelRank } from '../src/pure/lock/tags.js'
import { cpythonLinuxTags } from './fixtures/locks/targets.js'

const x86 = cpythonLinuxTags('3.13.5', 'x86_64')
const arm = cpythonLinuxTags('3.13.5', 'aarch64')

describe('parseWheelFilename', () => {
  it('reads the parts and expands compressed tag sets', () => {
    expect(parseWheelFilename('six-1.17.0-py2.py3-none-any.whl')).toEqual({
      filename: 'six-1.17.0-py2.py3-none-any.whl',
      name: 'six',
      normalizedName: 'six',
      version: '1.17.0',
      tags: ['py2-none-any', 'py3-none-any']
    })
    expect(
      parseWheelFilename('numpy-2.3.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl').tags
    ).toEqual(['cp313-cp313-manylinux_2_17_x86_64', 'cp313-cp313-manylinux2014_x86_64'])
  })

  it('reads a build tag, and escaped names', () => {
    expect(parseWheelFilename('typing_extensions-4.14.0-2b-py3-none-any.whl')).toMatchObject({
      normalizedName: 'typing-extensions',
      build: { number: 2, suffix: 'b' }
    })
    expect(parseWheelFilename('PySocks-1.7.1-py3-none-any.whl').normalizedName).toBe('pysocks')
  })

  it.each([
    ['six-1.17.0.tar.gz', 'it does not end in .whl'],
    ['six-1.17.0-py3-any.whl', 'a wheel name has 5 or 6 parts'],
    ['six-one-py3-none-any.whl', "'one' is not a PEP 440 version"],
    ['six-1.0-x1-py3-none-any.whl', "the build tag 'x1' does not start with a digit"],
    ['a__b-1.0-py3-none-any.whl', "'a__b' is not an escaped project name"]
  ])('refuses %s: %s', (filename, why) =>
    expect(() => parseWheelFilename(filename)).toThrow(`'${filename}' is not a wheel file name: ${why}`)
  )
})

describe('wheelFits', () => {
  it.each([
    ['numpy-2.3.1-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', true, false],
    ['numpy-2.3.1-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl', false, true],
    ['numpy-2.3.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', false, false],
    ['numpy-2.3.1-cp313-cp313-musllinux_1_2_x86_64.whl', false, false],
    ['numpy-2.3.1-cp313-cp313-manylinux_2_40_x86_64.whl', false, false],
    ['numpy-2.3.1-cp313-cp313t-manylinux_2_17_x86_64.whl', false, false],
    ['cryptography-45.0.4-cp311-abi3-manylinux_2_28_x86_64.whl', true, false],
    ['orjson-3.10.18-cp313-cp313-manylinux_2_5_x86_64.manylinux1_x86_64.whl', true, false],
    ['numpy-2.3.1-cp313-cp313-win_amd64.whl', false, false],
    ['six-1.17.0-py2.py3-none-any.whl', true, true],
    ['tomli-2.2.1-py3-none-any.whl', true, true]
  ])('%s: x86_64 %s, aarch64 %s', (filename, onX86, onArm) => {
    expect(wheelFits(filename, x86)).toBe(onX86)
    expect(wheelFits(filename, arm)).toBe(onArm)
  })
})

describe('bestWheel', () => {
  const files = (...names: string[]) => names.map(filename => ({ filename }))

  it('prefers the interpreter ABI, then the newest manylinux, then abi3, then pure Python', () => {
    const wheels = files(
      'pkg-1.0-py3-none-any.whl',
      'pkg-1.0-cp39-abi3-manylinux_2_17_x86_64.whl',
      'pkg-1.0-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      'pkg-1.0-cp313-cp313-manylinux_2_28_x86_64.whl',
      'pkg-1.0-cp313-cp313-manylinux_2_28_aarch64.whl'
    )
    expect(bestWheel(wheels, x86)?.filename).toBe('pkg-1.0-cp313-cp313-manylinux_2_28_x86_64.whl')
    expect(bestWheel(wheels, arm)?.filename).toBe('pkg-1.0-cp313-cp313-manylinux_2_28_aarch64.whl')
    expect(bestWheel(wheels.slice(0, 2), x86)?.filename).toBe('pkg-1.0-cp39-abi3-manylinux_2_17_x86_64.whl')
    expect(bestWheel(wheels.slice(0, 2), arm)?.filename).toBe('pkg-1.0-py3-none-any.whl')
  })

  it('prefers the higher build number among equally good tags, then the file name', () => {
    expect(bestWheel(files('pkg-1.0-1-py3-none-any.whl', 'pkg-1.0-2-py3-none-any.whl'), x86)?.filename).toBe(
      'pkg-1.0-2-py3-none-any.whl'
    )
    expect(bestWheel(files('pkg-1.0-py3-none-any.whl', 'pkg-1.0-py2.py3-none-any.whl'), x86)?.filename).toBe(
      'pkg-1.0-py2.py3-none-any.whl'
    )
  })

  it('is undefined when nothing fits', () =>
    expect(bestWheel(files('pkg-1.0-cp313-cp313-win_amd64.whl'), x86)).toBeUndefined())

  it('ranks by the order the interpreter gives, case folded', () => {
    const tags = supportedTags(['CP313-cp313-linux_x86_64', 'py3-none-any'])
    expect(wheelRank(parseWheelFilename('a-1-py3-none-any.whl'), tags)).toBe(1)
    expect(wheelRank(parseWheelFilename('a-1-cp313-cp313-linux_x86_64.whl'), tags)).toBe(0)
  })
})
