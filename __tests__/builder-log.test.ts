import { describe, expect, it } from 'vitest'
import { failureTail, summarizeBuilderLog, type TimedLine } from '../src/pure/builder-log.js'

const log = (entries: Array<[number, string]>): TimedLine[] =>
  entries.map(([s, text]) => ({ at: s * 1000, text }))

describe('summarizeBuilderLog', () => {
  it('lists each module as cached or built, with the time until the next step', () => {
    const lines = log([
      [0, 'Downloading sources'],
      [1, 'Cache hit for python3, skipping build'],
      [3, 'Building module python3-requirements in /w/.flatpak-builder/build/python3-requirements-1'],
      [4, 'Processing ./fpa_pure-1.0-py3-none-any.whl'],
      [15, 'Committing stage build-python3-requirements to cache'],
      [16, 'Building module hello in /w/.flatpak-builder/build/hello-1'],
      [20, 'Cleaning up'],
      [21, 'Exporting org.example.Hello to repo']
    ])
    expect(summarizeBuilderLog(lines)).toEqual({
      modules: [
        { name: 'python3', cached: true, seconds: 2 },
        { name: 'python3-requirements', cached: false, seconds: 13 },
        { name: 'hello', cached: false, seconds: 4 }
      ],
      failedModule: undefined,
      error: undefined
    })
  })

  it('names the module that failed and keeps the tail of its log', () => {
    const lines = log([
      [0, 'Building module python3 in /w/b/python3-1'],
      [1, 'make: *** [Makefile:1] Error 2'],
      [2, 'Building module hello in /w/b/hello-1'],
      [3, 'ERROR: No matching distribution found for setuptools>=61'],
      [4, 'Error: module hello: Child process exited with code 1']
    ])
    const summary = summarizeBuilderLog(lines)
    expect(summary.failedModule).toBe('hello')
    expect(summary.error).toBe('module hello: Child process exited with code 1')
    expect(failureTail(lines, 'hello', 10)).toEqual([
      'Building module hello in /w/b/hello-1',
      'ERROR: No matching distribution found for setuptools>=61',
      'Error: module hello: Child process exited with code 1'
    ])
  })

  it('names the module of a failed download', () => {
    const lines = log([
      [0, 'Downloading sources'],
      [
        1,
        'Failed to download sources: module python3: Wrong sha256 checksum for Python-3.11.2.tgz, expected "aaa", was "bbb"'
      ]
    ])
    expect(summarizeBuilderLog(lines)).toMatchObject({
      failedModule: 'python3',
      error:
        'Failed to download sources: module python3: Wrong sha256 checksum for Python-3.11.2.tgz, expected "aaa", was "bbb"'
    })
    expect(failureTail(lines, 'python3', 1)).toEqual([lines[1].text])
  })
})
