import { describe, expect, it } from 'vitest'
import { BusyClock, childEnvironment } from '../src/pure/children.js'

describe('childEnvironment', () => {
  it("drops the runner's pip and Python settings and adds the given ones", () => {
    expect(
      childEnvironment(
        {
          PATH: '/usr/bin',
          PIP_FIND_LINKS: '/opt/wheels',
          pip_index_url: 'x',
          PYTHONPATH: '/x',
          HOME: '/root'
        },
        { FLATPAK_USER_DIR: '/tmp/i' }
      )
    ).toEqual({ PATH: '/usr/bin', HOME: '/root', FLATPAK_USER_DIR: '/tmp/i' })
  })
})

describe('BusyClock', () => {
  it('counts time when programs overlap once', () => {
    const clock = new BusyClock()
    clock.begin(0)
    clock.begin(5_000)
    clock.end(10_000)
    expect(clock.seconds(15_000)).toBe(15)
    clock.end(20_000)
    expect(clock.seconds(99_000)).toBe(20)
  })

  it('does not count the gaps between programs', () => {
    const clock = new BusyClock()
    clock.begin(0)
    clock.end(10_000)
    clock.begin(15_000)
    clock.end(20_000)
    expect(clock.seconds(30_000)).toBe(15)
  })
})
