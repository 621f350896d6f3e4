import { describe, expect, it } from 'vitest'
import { pipEnvironment, reportArgs, wheelVersion } from '../src/pure/pip.js'

describe('pipEnvironment', () => {
  it('names the index, shuts out pip configuration files and passes only proxies from the runner', () => {
    expect(
      pipEnvironment(
        { url: 'http://127.0.0.1:8720/simple', extraUrl: 'https://extra/simple' },
        { https_proxy: 'http://proxy:3128', PIP_INDEX_URL: 'https://evil/simple', HOME: '/root' }
      )
    ).toEqual({
      PIP_CONFIG_FILE: '/dev/null',
      PIP_INDEX_URL: 'http://127.0.0.1:8720/simple',
      PIP_EXTRA_INDEX_URL: 'https://extra/simple',
      PIP_DISABLE_PIP_VERSION_CHECK: '1',
      PIP_NO_INPUT: '1',
      PIP_NO_CACHE_DIR: '1',
      PIP_ROOT_USER_ACTION: 'ignore',
      PYTHONDONTWRITEBYTECODE: '1',
      https_proxy: 'http://proxy:3128'
    })
  })
})

describe('wheelVersion', () => {
  it.each([
    ['pip-26.2.2-py3-none-any.whl', [26, 2, 2]],
    ['pip-23.0-py3-none-any.whl', [23, 0]]
  ])('%s', (file, version) => expect(wheelVersion(file)).toEqual(version))
})

describe('reportArgs', () => {
  it('asks pip for a dry run that ignores what is installed and writes the report', () => {
    expect(
      reportArgs(['/app/bin/python3', '-m', 'pip'], '/w/r.json', ['-r', 'req.txt', '/w/project'])
    ).toEqual([
      '/app/bin/python3',
      '-m',
      'pip',
      'install',
      '--dry-run',
      '--ignore-installed',
      '--quiet',
      '--report',
      '/w/r.json',
      '-r',
      'req.txt',
      '/w/project'
    ])
  })
})
