import { execFile } from 'node:child_process'
import * as fs from 'node:fs/promises'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  finalReleases,
  pyenvSha256,
  releaseVersion,
  sourceTarball
} from '../script/update-python-releases.js'

const SCRIPT = path.join(import.meta.dirname, '..', 'script', 'update-python-releases.ts')
const sha = (c: string) => c.repeat(64)

describe('reading python.org and pyenv', () => {
  it('keeps published final releases from the minimum on, oldest first', () => {
    const release = (name: string, id: number, extra = {}) => ({
      name,
      is_published: true,
      pre_release: false,
      resource_uri: `https://www.python.org/api/v2/downloads/release/${id}/`,
      ...extra
    })
    expect(
      finalReleases(
        [
          release('Python 3.15.0', 5),
          release('Python 3.15.0rc1', 4, { pre_release: true }),
          release('Python 3.10.22', 3),
          release('Python 3.8.20', 2),
          release('Python 3.14.9', 6, { is_published: false }),
          release('Python Install Manager 25.0', 7)
        ],
        '3.9'
      )
    ).toEqual([
      { version: '3.10.22', id: '3' },
      { version: '3.15.0', id: '5' }
    ])
    expect(releaseVersion('Python 3.15.0b2')).toBeUndefined()
  })

  it("finds the .tgz and its sha256 among a release's files, or says why not", () => {
    const url = 'https://www.python.org/ftp/python/3.15.0'
    expect(
      sourceTarball('3.15.0', [
        { url: `${url}/Python-3.15.0.tar.xz`, sha256_sum: sha('a') },
        { url: `${url}/Python-3.15.0.tgz`, sha256_sum: sha('B') }
      ])
    ).toEqual({ file: 'Python-3.15.0.tgz', sha256: sha('b') })
    expect(sourceTarball('3.15.0', [{ url: `${url}/Python-3.15.0.tgz`, sha256_sum: '' }])).toEqual({
      problem: 'python.org gives Python-3.15.0.tgz no sha256'
    })
    expect(sourceTarball('3.15.0', [])).toEqual({
      problem: 'python.org lists no Python-3.15.0.tgz for 3.15.0'
    })
  })

  it("reads the sha256 of the .tgz from pyenv's definition, not the .tar.xz's", () => {
    const definition = [
      'if has_tar_xz_support; then',
      `    install_package "Python-3.14.8" "https://www.python.org/ftp/python/3.14.8/Python-3.14.8.tar.xz#${sha('c')}" standard verify_py314`,
      'else',
      `    install_package "Python-3.14.8" "https://www.python.org/ftp/python/3.14.8/Python-3.14.8.tgz#${sha('d')}" standard verify_py314`,
      'fi'
    ].join('\n')
    expect(pyenvSha256(definition, 'Python-3.14.8.tgz')).toBe(sha('d'))
    expect(pyenvSha256(definition, 'Python-3.14.9.tgz')).toBeUndefined()
  })
})

describe('script/update-python-releases against stand-ins of python.org and pyenv', () => {
  let server: http.Server
  let base: string
  let dir: string
  // Release id → version and the sha256 python.org gives its .tgz; pyenv's own table apart.
  const pythonOrg: Record<string, [string, string]> = {
    '1': ['3.14.8', sha('1')],
    '2': ['3.14.9', sha('2')],
    '3': ['3.15.1', sha('3')]
  }
  const pyenv: Record<string, string> = { '3.14.8': sha('1'), '3.14.9': sha('2') }

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1')
      const json = (body: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      const releases = Object.entries(pythonOrg).map(([id, [version]]) => ({
        name: `Python ${version}`,
        is_published: true,
        pre_release: false,
        resource_uri: `${base}/api/release/${id}/`
      }))
      if (url.pathname === '/api/release/') {
        // Two pages, as Django REST Framework pages a long list.
        const page = url.searchParams.get('page')
        if (page === '2') return json({ results: releases.slice(2), next: null })
        return json({ results: releases.slice(0, 2), next: `${base}/api/release/?version=3&page=2` })
      }
      if (url.pathname === '/api/release_file/') {
        const [version, sha256] = pythonOrg[url.searchParams.get('release')!]
        return json([
          { url: `https://www.python.org/ftp/python/${version}/Python-${version}.tgz`, sha256_sum: sha256 }
        ])
      }
      const version = /^\/pyenv\/(.+)$/.exec(url.pathname)?.[1]
      if (version && pyenv[version]) {
        return res
          .writeHead(200)
          .end(
            `install_package "Python-${version}" "https://www.python.org/ftp/python/${version}/Python-${version}.tgz#${pyenv[version]}" standard\n`
          )
      }
      res.writeHead(404).end('not found')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-releases-'))
  })

  afterAll(async () => {
    server.close()
    await fs.rm(dir, { recursive: true, force: true })
  })

  async function update(table: Record<string, unknown>) {
    const file = path.join(dir, 'python-releases.json')
    await fs.writeFile(file, JSON.stringify({ releases: table }))
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', SCRIPT, '--table', file], {
      env: { ...process.env, PYTHON_ORG_API: `${base}/api`, PYENV_DEFINITIONS: `${base}/pyenv` }
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error
    )
    return { ...result, table: JSON.parse(await fs.readFile(file, 'utf8')).releases }
  }

  const known = {
    '3.14.8': { file: 'Python-3.14.8.tgz', sha256: sha('1'), verifiedBy: ['pyenv', 'homebrew'] }
  }

  it('adds a release both tables confirm, and leaves one pyenv does not have yet for a later run', async () => {
    const run = await update(known)
    expect(run.code).toBe(0)
    expect(run.table).toEqual({
      ...known,
      '3.14.9': { file: 'Python-3.14.9.tgz', sha256: sha('2'), verifiedBy: ['python.org', 'pyenv'] }
    })
    expect(run.stdout).toContain(`add 3.14.9: Python-3.14.9.tgz ${sha('2')}`)
    expect(run.stdout).toContain('skip 3.15.1: pyenv has no Python-3.15.1.tgz yet (HTTP 404)')
  })

  it('fails, adding nothing, when the tables disagree or python.org changed a known sha256', async () => {
    pyenv['3.15.1'] = sha('9')
    const changed = { '3.14.8': { ...known['3.14.8'], sha256: sha('0') } }
    const run = await update({
      ...changed,
      '3.14.9': { file: 'Python-3.14.9.tgz', sha256: sha('2'), verifiedBy: [] }
    })
    delete pyenv['3.15.1']
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`error: 3.14.8: the table has ${sha('0')}, python.org now gives ${sha('1')}`)
    expect(run.stderr).toContain(`error: 3.15.1: python.org gives ${sha('3')}, pyenv ${sha('9')}`)
    expect(Object.keys(run.table)).toEqual(['3.14.8', '3.14.9'])
  })
})
