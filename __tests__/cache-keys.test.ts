import { describe, expect, it } from 'vitest'
import { cacheKeys, completeKey, digest, partialKey, type CacheKeyParts } from '../src/pure/cache-keys.js'

const parts: CacheKeyParts = {
  prefix: 'flatpak-python',
  format: 2,
  arch: 'x86_64',
  builderVersion: '1.2.3',
  python: 'py11aaaa',
  requirements: 'req1bbbb',
  app: 'app1cccc'
}

describe('cache keys', () => {
  it('restore the newest state of the same inputs, then of the same requirements, then of the same Python', () => {
    expect(cacheKeys(parts)).toEqual({
      primary: 'flatpak-python-v2-x86_64-fb1.2.3-py11aaaa-req1bbbb-app1cccc',
      restore: [
        'flatpak-python-v2-x86_64-fb1.2.3-py11aaaa-req1bbbb-',
        'flatpak-python-v2-x86_64-fb1.2.3-py11aaaa-'
      ]
    })
  })

  it('a new app changes the primary key but keeps the requirements and CPython prefixes', () => {
    const next = cacheKeys({ ...parts, app: 'app2dddd' })
    expect(next.primary).not.toBe(cacheKeys(parts).primary)
    expect(next.restore).toEqual(cacheKeys(parts).restore)
  })

  it('new requirements keep only the CPython prefix', () => {
    const next = cacheKeys({ ...parts, requirements: 'req2eeee' })
    expect(next.restore[0]).not.toBe(cacheKeys(parts).restore[0])
    expect(next.restore[1]).toBe(cacheKeys(parts).restore[1])
  })

  it.each([
    ['prefix', 'other'],
    ['format', 3],
    ['arch', 'aarch64'],
    ['builderVersion', '1.4.4'],
    ['python', 'py12ffff']
  ] as const)('a different %s shares no prefix at all', (part, value) => {
    const next = cacheKeys({ ...parts, [part]: value })
    expect(next.restore.at(-1)).not.toBe(cacheKeys(parts).restore.at(-1))
    expect(completeKey({ ...parts, [part]: value }, 'm')).not.toContain(cacheKeys(parts).restore.at(-1))
  })

  it('complete and partial states both start with the primary key, and never equal each other', () => {
    const complete = completeKey(parts, 'manifest1')
    const partial = partialKey(parts, '42-1-1700000000000')
    expect(complete).toBe('flatpak-python-v2-x86_64-fb1.2.3-py11aaaa-req1bbbb-app1cccc-manifest1')
    expect(partial).toBe(
      'flatpak-python-v2-x86_64-fb1.2.3-py11aaaa-req1bbbb-app1cccc-partial-42-1-1700000000000'
    )
    for (const key of [complete, partial]) expect(key.startsWith(cacheKeys(parts).primary)).toBe(true)
  })

  it('digest is stable and tells apart strings that concatenate the same', () => {
    expect(digest('a', 'b')).toBe(digest('a', 'b'))
    expect(digest('ab', '')).not.toBe(digest('a', 'b'))
    expect(digest('x')).toMatch(/^[0-9a-f]{16}$/)
  })
})
