import { describe, expect, it } from 'vitest'
import { childEnvironment } from '../src/flatpak.js'

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
