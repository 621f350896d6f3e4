import { describe, expect, it } from 'vitest'
import { summaryRows } from '../src/pure/report.js'
import {
  holdsNothing,
  runtimeCachePlan,
  runtimeKey,
  runtimeProblem,
  runtimeRefs,
  runtimeSaveDecision,
  type InstalledRefs
} from '../src/pure/runtime-cache.js'
import { planFor, tools } from './plans.js'

const SDK = 'runtime/org.freedesktop.Sdk/x86_64/24.08'
const PLATFORM = 'runtime/org.freedesktop.Platform/x86_64/24.08'
const commit = (c: string): string => c.repeat(64)
const installed: InstalledRefs = { [SDK]: commit('a'), [PLATFORM]: commit('b') }

describe('holdsNothing', () => {
  it.each<[string, InstalledRefs, string | undefined, boolean]>([
    ['no installation at all', {}, undefined, true],
    ['the empty repo flatpak makes on first look', {}, '[core]\nrepo_version=1\nmode=bare-user-only\n', true],
    [
      'a remote of the runner',
      {},
      '[core]\nmode=bare-user-only\n\n[remote "flathub"]\nurl=https://dl.flathub.org/repo/\n',
      false
    ],
    ['an installed ref', { [SDK]: commit('a') }, undefined, false]
  ])('%s: %s', (_, refs, config, expected) => {
    expect(holdsNothing(refs, config)).toBe(expected)
  })
})

describe('runtimeCachePlan', () => {
  const plan = planFor({ 'runtime-version': '24.08' })

  it('caches an installation the action fills itself, under a prefix of arch, remote and refs', () => {
    const cached = runtimeCachePlan(plan, true)
    expect(cached).toEqual({
      use: true,
      prefix: expect.stringMatching(/^flatpak-python-runtime-v1-x86_64-[0-9a-f]{16}-$/),
      refs: [SDK, PLATFORM]
    })
  })

  it.each<[string, Record<string, string>, Partial<typeof tools>, boolean, string]>([
    ['cache off', { cache: 'false' }, {}, true, 'cache is false'],
    ['installed already', {}, { runtimeInstalled: true }, true, 'the SDK and runtime were installed already'],
    [
      'a runner installation with other things',
      {},
      {},
      false,
      'the Flatpak user installation holds something else already'
    ],
    [
      'a system installation',
      {},
      { runtimeInUserInstallation: false },
      true,
      'the Flatpak user installation holds something else already'
    ]
  ])('is not used with %s', (_, values, toolchain, empty, reason) => {
    const p = planFor({ 'runtime-version': '24.08', ...values })
    expect(runtimeCachePlan({ ...p, tools: { ...p.tools, ...toolchain } }, empty)).toEqual({
      use: false,
      reason
    })
  })

  it('keeps the installations of other remotes, runtimes, branches and key prefixes apart', () => {
    const prefix = (values: Record<string, string>): string => {
      const cached = runtimeCachePlan(planFor({ 'runtime-version': '24.08', ...values }), true)
      return cached.use ? cached.prefix : ''
    }
    const prefixes = [
      prefix({}),
      prefix({ 'remote-url': 'https://mirror.example/flathub.flatpakrepo' }),
      prefix({ 'runtime-version': '25.08' }),
      prefix({ runtime: 'org.gnome.Platform', sdk: 'org.gnome.Sdk', 'runtime-version': '49' }),
      prefix({ 'cache-key-prefix': 'other' })
    ]
    expect(prefixes.every(p => p !== '')).toBe(true)
    expect(new Set(prefixes).size).toBe(prefixes.length)
    // None is a prefix of another: a lookup never restores another runtime's installation.
    for (const a of prefixes) for (const b of prefixes) if (a !== b) expect(b.startsWith(a)).toBe(false)
  })
})

describe('runtimeKey', () => {
  it('names the installed commits, in any order', () => {
    const reversed = Object.fromEntries(Object.entries(installed).reverse())
    expect(runtimeKey('p-', reversed)).toBe(runtimeKey('p-', installed))
    expect(runtimeKey('p-', installed)).toMatch(/^p-[0-9a-f]{16}$/)
  })

  it('changes when the remote updates a ref or another ref is installed', () => {
    const key = runtimeKey('p-', installed)
    expect(runtimeKey('p-', { ...installed, [PLATFORM]: commit('c') })).not.toBe(key)
    expect(runtimeKey('p-', { ...installed, 'app/org.flatpak.Builder/x86_64/stable': commit('d') })).not.toBe(
      key
    )
  })
})

describe('runtimeProblem', () => {
  it('is undefined when every ref has a commit', () => {
    expect(runtimeProblem([SDK, PLATFORM], installed)).toBeUndefined()
  })

  it('names each ref missing or without a commit', () => {
    expect(runtimeProblem([SDK, PLATFORM], { [SDK]: 'not-a-commit' })).toBe(
      `it has no ${SDK} and no ${PLATFORM}`
    )
  })
})

describe('runtimeSaveDecision', () => {
  const plan = planFor({ 'runtime-version': '24.08' })
  const cachePlan = runtimeCachePlan(plan, true)
  const prefix = cachePlan.use ? cachePlan.prefix : ''
  const key = runtimeKey(prefix, installed)

  it.each<[string, Record<string, string>, string | undefined, InstalledRefs, boolean, object]>([
    ['a fresh install', {}, undefined, installed, false, { save: true, key }],
    ['a fresh install in a failed run', {}, undefined, installed, true, { save: true, key }],
    [
      'an update of a restored installation',
      {},
      runtimeKey(prefix, { ...installed, [PLATFORM]: commit('c') }),
      installed,
      false,
      { save: true, key }
    ],
    [
      'a restored installation nothing updated',
      {},
      key,
      installed,
      false,
      { save: false, reason: `the restored installation is current (${key})` }
    ],
    [
      'a run that stopped before the install',
      {},
      undefined,
      {},
      true,
      { save: false, reason: `the installation is not complete: it has no ${SDK} and no ${PLATFORM}` }
    ],
    [
      'save-cache never',
      { 'save-cache': 'never' },
      undefined,
      installed,
      false,
      { save: false, reason: 'save-cache is never' }
    ],
    [
      'save-cache on-success after a failure',
      { 'save-cache': 'on-success' },
      undefined,
      installed,
      true,
      { save: false, reason: 'save-cache is on-success and the run failed' }
    ]
  ])('%s', (_, values, matchedKey, now, failed, decision) => {
    const p = planFor({ 'runtime-version': '24.08', ...values })
    expect(
      runtimeSaveDecision(p, runtimeCachePlan(p, true), { matchedKey, seconds: 1 }, now, failed)
    ).toEqual(decision)
  })

  it('never saves an installation it does not use', () => {
    const notUsed = { use: false as const, reason: 'the SDK and runtime were installed already' }
    expect(runtimeSaveDecision(plan, notUsed, undefined, installed, false)).toEqual({
      save: false,
      reason: notUsed.reason
    })
  })
})

describe('the summary of the runtime cache', () => {
  const plan = planFor({ 'runtime-version': '24.08' })
  const cachePlan = runtimeCachePlan(plan, true)
  const row = (record: Parameters<typeof summaryRows>[0]): string | undefined =>
    summaryRows(record, { total: 1, children: 0, transfers: 0, own: 1 }).find(
      ([what]) => what === 'Runtime cache'
    )?.[1]
  const keys = {
    prefix: 'p',
    format: 1,
    arch: 'x86_64',
    builderVersion: '1.2.3',
    python: 'a',
    requirements: 'b',
    app: 'c'
  }

  it.each<[string, Parameters<typeof summaryRows>[0], string | undefined]>([
    [
      'restored',
      { plan, keys, runtime: { plan: cachePlan, restored: { matchedKey: 'k1', seconds: 2 } } },
      'restored k1'
    ],
    [
      'installed and saved',
      {
        plan,
        keys,
        runtime: { plan: cachePlan, restored: { seconds: 0 } },
        runtimeSaved: { saved: true, key: 'k2', size: 462.6e6, seconds: 3 }
      },
      'installed from the remote; saved as k2 (462.6 MB)'
    ],
    [
      'not used',
      { plan, keys, runtime: { plan: { use: false, reason: 'cache is false' } } },
      'not used: cache is false'
    ],
    ['not reached', { plan, keys }, undefined]
  ])('%s', (_, record, expected) => {
    expect(row(record)).toBe(expected)
  })
})

it('names the SDK and runtime refs for the arch', () => {
  expect(runtimeRefs(planFor({ 'runtime-version': '24.08', arch: 'aarch64' }))).toEqual([
    'runtime/org.freedesktop.Sdk/aarch64/24.08',
    'runtime/org.freedesktop.Platform/aarch64/24.08'
  ])
})
