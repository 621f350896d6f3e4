import { describe, expect, it } from 'vitest'
import {
  lockText,
  pinReport,
  wheelArches,
  type PipReport,
  type PipReportItem
} from '../src/pure/requirements.js'

const sha = (c: string) => c.repeat(64)

function item(name: string, version: string, url: string, over: Partial<PipReportItem> = {}): PipReportItem {
  return {
    download_info: { url, archive_info: { hash: `sha256=${sha('a')}`, hashes: { sha256: sha('a') } } },
    is_direct: false,
    requested: true,
    metadata: { name, version },
    ...over
  }
}

const report = (...install: PipReportItem[]): PipReport => ({ version: '1', pip_version: '23.0.1', install })

describe('pinReport', () => {
  it('pins wheels and sdists by URL, sha256 and file name, and leaves out the app itself', () => {
    const { pinned, problems } = pinReport(
      report(
        item('fpa-pure', '1.0', 'http://127.0.0.1:8720/files/fpa_pure-1.0-py3-none-any.whl'),
        item('fpa-sdist-only', '1.0', 'http://127.0.0.1:8720/files/fpa-sdist-only-1.0.tar.gz', {
          download_info: {
            url: 'http://127.0.0.1:8720/files/fpa-sdist-only-1.0.tar.gz',
            archive_info: { hash: `sha256=${sha('b')}` }
          }
        }),
        item('hello', '0.1', 'file:///w/resolve/project', {
          download_info: { url: 'file:///w/resolve/project', dir_info: {} },
          is_direct: true
        })
      ),
      'file:///w/resolve/project'
    )
    expect(problems).toEqual([])
    expect(pinned).toEqual([
      {
        name: 'fpa-pure',
        version: '1.0',
        url: 'http://127.0.0.1:8720/files/fpa_pure-1.0-py3-none-any.whl',
        sha256: sha('a'),
        filename: 'fpa_pure-1.0-py3-none-any.whl',
        kind: 'wheel'
      },
      {
        name: 'fpa-sdist-only',
        version: '1.0',
        url: 'http://127.0.0.1:8720/files/fpa-sdist-only-1.0.tar.gz',
        sha256: sha('b'),
        filename: 'fpa-sdist-only-1.0.tar.gz',
        kind: 'sdist'
      }
    ])
  })

  it.each([
    [
      'a VCS requirement',
      item('tool', '2.0', 'https://github.com/o/tool.git', {
        download_info: { url: 'https://github.com/o/tool.git', vcs_info: { vcs: 'git', commit_id: 'abc' } },
        is_direct: true
      }),
      /tool 2\.0 comes from git .*no file hash to pin/
    ],
    [
      'a local path',
      item('lib', '1.0', 'file:///src/lib', {
        download_info: { url: 'file:///src/lib', dir_info: {} },
        is_direct: true
      }),
      /lib 1\.0 is a local directory/
    ],
    [
      'a direct URL',
      item('x', '1.0', 'https://h/x-1.0.tar.gz', { is_direct: true }),
      /x 1\.0 is a direct URL requirement/
    ],
    [
      'a yanked file',
      item('fpa-yanked', '1.0', 'http://i/fpa_yanked-1.0-py3-none-any.whl', { is_yanked: true }),
      /fpa-yanked 1\.0 is yanked/
    ],
    [
      'a file without hash',
      item('fpa-nohash', '1.0', 'http://i/fpa_nohash-1.0-py3-none-any.whl', {
        download_info: { url: 'http://i/fpa_nohash-1.0-py3-none-any.whl', archive_info: {} }
      }),
      /fpa-nohash 1\.0 has no sha256 in pip's report: the index lists fpa_nohash-1\.0-py3-none-any\.whl without a #sha256= hash/
    ]
  ])('rejects %s, naming it', (_, entry, message) => {
    const { pinned, problems } = pinReport(
      report(entry, item('ok', '1.0', 'http://i/ok-1.0-py3-none-any.whl'))
    )
    expect(pinned.map(p => p.name)).toEqual(['ok'])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(message)
  })

  it('refuses reports of another format', () => {
    expect(pinReport({ version: '0', install: [] }).problems[0]).toMatch(
      /format 1 is needed \(pip >= 23\.0\)/
    )
  })

  it('marks compiled wheels with the architectures they fit', () => {
    const { pinned } = pinReport(
      report(
        item('np', '2.0', 'http://i/np-2.0-cp311-cp311-manylinux_2_17_aarch64.manylinux2014_aarch64.whl')
      )
    )
    expect(pinned[0].onlyArches).toEqual(['aarch64'])
  })
})

describe('wheelArches', () => {
  it.each([
    ['a-1-py3-none-any.whl', undefined],
    ['a-1.tar.gz', undefined],
    ['a-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', ['x86_64']],
    ['a-1-cp312-cp312-musllinux_1_1_i686.whl', ['i386']],
    ['a-1-cp312-abi3-manylinux_2_28_armv7l.whl', ['arm']]
  ])('%s → %o', (file, arches) => expect(wheelArches(file)).toEqual(arches))
})

describe('lockText', () => {
  it('writes one name==version --hash line per distribution, sorted by name', () => {
    const { pinned } = pinReport(
      report(
        item('zeta', '2', 'http://i/zeta-2-py3-none-any.whl'),
        item('Alpha', '1', 'http://i/alpha-1-py3-none-any.whl')
      )
    )
    expect(lockText(pinned)).toBe(`Alpha==1 --hash=sha256:${sha('a')}\nzeta==2 --hash=sha256:${sha('a')}\n`)
  })
})
