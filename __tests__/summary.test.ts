import { describe, expect, it } from 'vitest'
import { summaryRows } from '../src/summary.js'

describe('summaryRows', () => {
  it('lists Python, each module as built or cached, and the bundle size', () => {
    expect(
      summaryRows({
        appId: 'org.example.Hello',
        python: '3.11.2',
        modules: [
          { name: 'python3', cached: true, seconds: 1.2 },
          { name: 'hello', cached: false, seconds: 4.5 }
        ],
        bundlePath: '/w/org.example.Hello.flatpak',
        bundleSize: 21_500_000,
        seconds: 83.4
      })
    ).toEqual([
      ['App', 'org.example.Hello'],
      ['Python', '3.11.2'],
      ['Module python3', 'from cache'],
      ['Module hello', 'built in 4.5 s'],
      ['Bundle', '/w/org.example.Hello.flatpak (21.5 MB)'],
      ['Action time', '83 s']
    ])
  })
})
