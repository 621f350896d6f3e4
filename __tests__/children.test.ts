import { describe, expect, it } from 'vitest'
import { BusyClock, childEnvironment } from '../src/pure/children.js'

describe('childEnvironment', () => {
  it("passes what programs need, drops the runner's tokens, inputs and pip and Python settings, adds the given ones", () => {
    expect(
      childEnvironment(
        {
          PATH: '/usr/bin',
          HOME: '/root',
          LANG: 'C.UTF-8',
          LC_ALL: 'C.UTF-8',
          https_proxy: 'http://proxy:3128',
          FLATPAK_USER_DIR: '/var/f',
          XDG_RUNTIME_DIR: '/run/user/1001',
          DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/b',
          PIP_FIND_LINKS: '/opt/wheels',
          pip_index_url: 'x',
          PYTHONPATH: '/x',
          ACTIONS_RUNTIME_TOKEN: 'secret',
          ACTIONS_RESULTS_URL: 'https://results',
          GITHUB_TOKEN: 'secret',
          GITHUB_OUTPUT: '/home/runner/work/_temp/out',
          'INPUT_PIP-INDEX-URL': 'https://user:secret@host/simple',
          RUNNER_TEMP: '/home/runner/work/_temp'
        },
        { FLATPAK_USER_DIR: '/tmp/i' }
      )
    ).toEqual({
      PATH: '/usr/bin',
      HOME: '/root',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      https_proxy: 'http://proxy:3128',
      FLATPAK_USER_DIR: '/tmp/i',
      XDG_RUNTIME_DIR: '/run/user/1001',
      DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/b'
    })
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
