import { describe, expect, it } from 'vitest'
import { summaryRows, type SummaryFacts } from '../src/summary.js'

const facts: SummaryFacts = {
  appId: 'org.example.Hello',
  python: '3.11.2',
  modules: [
    { name: 'python3', cached: true, seconds: 1.2 },
    { name: 'hello', cached: false, seconds: 4.5 }
  ],
  bundlePath: '/w/org.example.Hello.flatpak',
  bundleSize: 21_500_000,
  bundleReused: false,
  cache: { matchedKey: 'fp-x86_64-a-b-c-d', hit: false, savedKey: 'fp-x86_64-a-b-c-e', size: 120_400_000 },
  artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/7',
  seconds: 83.4,
  ownSeconds: 0.42
}

describe('summaryRows', () => {
  it('lists Python, each module as built or cached, the bundle, the cache and the artifact', () => {
    expect(summaryRows(facts)).toEqual([
      ['App', 'org.example.Hello'],
      ['Python', '3.11.2'],
      ['Module python3', 'from cache'],
      ['Module hello', 'built in 4.5 s'],
      ['Bundle', '/w/org.example.Hello.flatpak (21.5 MB)'],
      ['Cache restored', 'fp-x86_64-a-b-c-d'],
      ['Cache saved', 'fp-x86_64-a-b-c-e'],
      ['Cache size', '120.4 MB'],
      ['Artifact', 'https://github.com/o/r/actions/runs/1/artifacts/7'],
      ['Time', '83 s (0.4 s in the action itself)']
    ])
  })

  it('says when the bundle was reused, the hit was exact, or caching is off', () => {
    const rows = summaryRows({
      ...facts,
      bundleReused: true,
      cache: { matchedKey: 'k', hit: true },
      artifactUrl: undefined
    })
    expect(rows).toContainEqual(['Bundle', '/w/org.example.Hello.flatpak (21.5 MB, reused: app unchanged)'])
    expect(rows).toContainEqual(['Cache restored', 'k (exact)'])
    expect(rows).toContainEqual(['Cache saved', 'nothing new'])
    expect(summaryRows({ ...facts, cache: undefined })).toContainEqual(['Cache', 'off'])
  })
})
