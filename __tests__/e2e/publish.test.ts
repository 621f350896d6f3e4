import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { serveStatic, type StaticServer } from '../fixtures/index/static-server.js'
import { startReleasesService, type ReleasesService } from '../fixtures/services/releases-service.js'
import { copyApp, EXAMPLE_APP, localInputs, runAction, stateDir } from './action.js'

// Publishing, checked the way users meet it: the signed repository served over HTTP and added with
// GPG verification by a flatpak of its own, and a GitHub Release stand-in that keeps the bytes.

const f = inject('fixtures')
const runtime = { ...localInputs(f, stateDir(f, 'runtime')), 'python-version': 'runtime' }
const PASSPHRASE = 'correct horse battery staple'
const execFileAsync = promisify(execFile)

const sha256 = async (file: string) =>
  createHash('sha256')
    .update(await fs.readFile(file))
    .digest('hex')

/** A signing key made as a user would make one, exported as the secret would hold it. */
async function makeKey(): Promise<{ armored: string; home: string }> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-test-gnupg-'))
  const spec = [
    'Key-Type: RSA',
    'Key-Length: 2048',
    'Key-Usage: sign',
    'Name-Real: Example Apps',
    'Name-Email: apps@example.org',
    'Expire-Date: 0',
    `Passphrase: ${PASSPHRASE}`,
    '%commit',
    ''
  ].join('\n')
  await run('gpg', ['--homedir', home, '--batch', '--gen-key'], {}, spec)
  const { stdout } = await execFileAsync('gpg', [
    '--homedir',
    home,
    '--batch',
    '--pinentry-mode',
    'loopback',
    '--passphrase',
    PASSPHRASE,
    '--export-secret-keys',
    '--armor'
  ])
  return { armored: stdout, home }
}

async function run(
  program: string,
  args: string[],
  env: Record<string, string> = {},
  input?: string
): Promise<{ code: number; out: string }> {
  return new Promise(resolve => {
    const child = execFile(program, args, { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` })
    )
    if (input !== undefined) child.stdin?.end(input)
  })
}

describe('a signed repository users add, and a signed bundle', { timeout: 600_000 }, () => {
  let key: { armored: string; home: string }
  let app: string
  let site: string
  let server: StaticServer
  let userDir: string
  const flatpak = (...args: string[]) => run('flatpak', ['--user', ...args], { FLATPAK_USER_DIR: userDir })

  beforeAll(async () => {
    key = await makeKey()
    app = await copyApp(EXAMPLE_APP)
    site = path.join(path.dirname(app), 'site')
    await fs.mkdir(site)
    server = await serveStatic(site, 0)
    userDir = await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-test-user-'))
    // The user's own flatpak, with the runtime from the tests' unsigned runtime repository.
    expect((await flatpak('remote-add', '--no-gpg-verify', 'rt', f.runtimeRepoUrl)).code).toBe(0)
    expect((await flatpak('install', '-y', '--noninteractive', 'rt', 'org.example.Platform//1')).code).toBe(0)
  })
  afterAll(async () => {
    await server?.close()
    await run('gpgconf', ['--homedir', key.home, '--kill', 'gpg-agent'])
    await fs.rm(userDir, { recursive: true, force: true })
  })

  const publishInputs = () => ({
    ...runtime,
    'app-path': app,
    'repository-dir': 'site',
    'repository-url': `${server.url}/`,
    'gpg-private-key': key.armored,
    'gpg-passphrase': PASSPHRASE
  })

  it('is added from its .flatpakrepo with GPG verification, installs and runs; a tampered summary is refused', async () => {
    // As on the first deployment to Pages: the previous one named is not there yet.
    const result = await runAction(f, { ...publishInputs(), 'repository-from': `${server.url}/not-yet/` })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.warnings.join('\n')).toMatch(
      /repository-from: could not take the previous deployment from .*\/not-yet\/.*starts a new history/
    )
    // The runner takes ::add-mask:: lines for itself; no other line may hold a secret.
    const shown = result.log.replace(/^::add-mask::.*$/gm, '')
    expect(shown).not.toContain(PASSPHRASE)
    expect(shown).not.toContain(key.armored.split('\n')[3])
    const bundle = result.outputs['bundle-path']
    expect(result.outputs['bundle-sha256']).toBe(await sha256(bundle))
    expect(await fs.readFile(`${bundle}.sha256`, 'utf8')).toBe(
      `${result.outputs['bundle-sha256']}  ${path.basename(bundle)}\n`
    )
    expect(result.outputs['flatpakrepo-path']).toBe(path.join(site, 'org.example.Hello.flatpakrepo'))

    const added = await flatpak(
      'remote-add',
      '--from',
      'hello',
      `${server.url}/org.example.Hello.flatpakrepo`
    )
    expect(added.out).toBe('')
    const config = await fs.readFile(path.join(userDir, 'repo', 'config'), 'utf8')
    const remote = config.slice(config.indexOf('[remote "hello"]'))
    expect(remote).toMatch(/^gpg-verify=true$/m)
    expect(remote).toMatch(/^gpg-verify-summary=true$/m)
    expect((await flatpak('install', '-y', '--noninteractive', 'hello', 'org.example.Hello')).code).toBe(0)
    expect((await flatpak('run', 'org.example.Hello')).out).toMatch(/^Hello, world from python sandbox/)

    // A copy served as another remote with the same key, added while intact; then one byte of its
    // signed summary index changes, and the summaries flatpak verified before are forgotten.
    await fs.cp(path.join(site, 'repo'), path.join(site, 'tamper'), { recursive: true })
    const repoFile = await fs.readFile(path.join(site, 'org.example.Hello.flatpakrepo'), 'utf8')
    await fs.writeFile(
      path.join(site, 'tamper.flatpakrepo'),
      repoFile.replace(/^Url=.*$/m, `Url=${server.url}/tamper/`)
    )
    expect((await flatpak('remote-add', '--from', 'tamper', `${server.url}/tamper.flatpakrepo`)).code).toBe(0)
    expect((await flatpak('remote-ls', 'tamper')).code).toBe(0)
    const index = await fs.open(path.join(site, 'tamper', 'summary.idx'), 'r+')
    const byte = Buffer.alloc(1)
    await index.read(byte, 0, 1, 100)
    await index.write(Buffer.from([byte[0] ^ 1]), 0, 1, 100)
    await index.close()
    const summaries = path.join(userDir, 'repo', 'tmp', 'cache', 'summaries')
    for (const cached of await fs.readdir(summaries).catch(() => [])) {
      if (cached.startsWith('tamper')) await fs.rm(path.join(summaries, cached))
    }
    const listed = await flatpak('remote-ls', 'tamper')
    expect(listed.code).not.toBe(0)
    expect(listed.out).toMatch(/BAD signature/)
    await flatpak('remote-delete', '--force', 'tamper')
  })

  it('the signed bundle installs with the key it carries, and the .flatpakref installs the app', async () => {
    const bundle = path.join(path.dirname(app), 'org.example.Hello.flatpak')
    expect((await flatpak('uninstall', '-y', '--noninteractive', 'org.example.Hello')).code).toBe(0)
    await flatpak('remote-delete', '--force', 'hello')
    const fromBundle = await flatpak('install', '-y', '--noninteractive', '--bundle', bundle)
    expect(fromBundle.out).not.toMatch(/error/i)
    expect((await flatpak('run', 'org.example.Hello')).out).toMatch(/^Hello, world/)
    // The bundle's origin points at the served repository, so the app updates from there, verified
    // with the key the bundle carries.
    expect((await flatpak('remotes', '--columns=name,url')).out).toContain(`${server.url}/repo/`)
    const config = await fs.readFile(path.join(userDir, 'repo', 'config'), 'utf8')
    const origin = config.slice(config.indexOf('-origin"]'))
    expect(origin.split('\n[')[0]).toMatch(/^gpg-verify=true$/m)
    expect((await flatpak('uninstall', '-y', '--noninteractive', 'org.example.Hello')).code).toBe(0)

    const fromRef = await flatpak(
      'install',
      '-y',
      '--noninteractive',
      '--from',
      `${server.url}/org.example.Hello.flatpakref`
    )
    expect(fromRef.code).toBe(0)
    expect((await flatpak('run', 'org.example.Hello')).out).toMatch(/^Hello, world/)
  })

  it('a second run that changes the app, from the previous deployment, updates the installed app by a static delta', async () => {
    const init = path.join(app, 'hello', '__init__.py')
    await fs.writeFile(init, (await fs.readFile(init, 'utf8')).replace('Hello, world', 'Hello again, world'))
    const result = await runAction(f, { ...publishInputs(), 'repository-from': `${server.url}/repo/` })
    expect(result.errors).toEqual([])
    expect(result.code).toBe(0)
    expect(result.warnings.filter(w => w.includes('repository-from'))).toEqual([])
    server.requests.length = 0
    const updated = await flatpak('update', '-y', '--noninteractive', 'org.example.Hello')
    expect(updated.code).toBe(0)
    expect((await flatpak('run', 'org.example.Hello')).out).toMatch(/^Hello again, world/)
    // deltas/<from>-<to>/superblock: from the installed commit, not a from-scratch one (deltas/<to>/).
    const deltas = server.requests.filter(r => r.startsWith('/repo/deltas/'))
    expect(deltas.some(r => /^\/repo\/deltas\/[^/]+\/[^/]+-[^/]+\/superblock$/.test(r))).toBe(true)
  })

  it('without the gpg-private-key, repository-dir is refused before any work', async () => {
    const { 'gpg-private-key': _key, 'gpg-passphrase': _pass, ...inputs } = publishInputs()
    const result = await runAction(f, inputs)
    expect(result.code).not.toBe(0)
    expect(result.errors.join('\n')).toMatch(
      /repository-dir makes a repository users add.*give gpg-private-key/
    )
    expect(result.groups['Build']).toBeUndefined()
  })
})

describe('the bundle on the GitHub Release of the tag', { timeout: 600_000 }, () => {
  let service: ReleasesService
  let app: string
  beforeAll(async () => {
    service = await startReleasesService({ tag: 'v1.0.0' })
    app = await copyApp(EXAMPLE_APP)
  })
  afterAll(async () => service?.close())

  const release = (more: Record<string, string> = {}) =>
    runAction(
      f,
      { ...runtime, 'app-path': app, release: 'true', 'github-token': service.token, ...more },
      { env: service.env() }
    )

  it('holds the bundle and its .sha256 byte for byte, and a rerun replaces them', async () => {
    const first = await release()
    expect(first.errors).toEqual([])
    expect(first.code).toBe(0)
    expect(first.log.replace(/^::add-mask::.*$/gm, '')).not.toContain(service.token)
    const bundle = first.outputs['bundle-path']
    const names = service.assets().map(a => a.name)
    const expected = ['org.example.Hello.flatpak', 'org.example.Hello.flatpak.sha256']
    if (first.outputs['submission-manifest-path'])
      expected.push(path.basename(first.outputs['submission-manifest-path']))
    expect(names).toEqual(expected)
    const byName = (name: string) => service.assets().find(a => a.name === name)!
    expect(byName('org.example.Hello.flatpak').bytes.equals(await fs.readFile(bundle))).toBe(true)
    expect(byName('org.example.Hello.flatpak').contentType).toBe('application/vnd.flatpak')
    expect(byName('org.example.Hello.flatpak.sha256').bytes.toString()).toBe(
      `${await sha256(bundle)}  org.example.Hello.flatpak\n`
    )
    expect(service.releases().map(r => r.tagName)).toEqual(['v1.0.0'])
    expect(first.outputs['release-url']).toBe(
      `${service.webUrl}/${service.owner}/${service.repo}/releases/tag/v1.0.0`
    )
    expect(first.outputs['release-bundle-url']).toMatch(
      /\/releases\/download\/v1\.0\.0\/org\.example\.Hello\.flatpak$/
    )
    expect(first.outputs['release-checksum-url']).toMatch(/org\.example\.Hello\.flatpak\.sha256$/)
    const downloaded = await fetch(first.outputs['release-bundle-url'])
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(await fs.readFile(bundle))).toBe(true)

    const before = service.assets().map(a => a.id)
    const second = await release()
    expect(second.code).toBe(0)
    expect(service.releases()).toHaveLength(1)
    expect(service.assets().map(a => a.name)).toEqual(expected)
    expect(
      service
        .assets()
        .map(a => a.id)
        .some(id => before.includes(id))
    ).toBe(false)
    expect(byName('org.example.Hello.flatpak').bytes.equals(await fs.readFile(bundle))).toBe(true)
  })

  it('a token that may not write contents fails the publish step, and the bundle stays on disk and in the outputs', async () => {
    service.setMode('read-only')
    try {
      const result = await release()
      expect(result.code).not.toBe(0)
      expect(result.errors.join('\n')).toMatch(
        /Publishing to the release of v1\.0\.0 failed: the token may not write releases .*permissions: contents: write/
      )
      expect(result.outputs['bundle-path']).toBeDefined()
      await expect(fs.stat(result.outputs['bundle-path'])).resolves.toBeTruthy()
      expect(result.outputs['bundle-sha256']).toBe(await sha256(result.outputs['bundle-path']))
    } finally {
      service.setMode('ok')
    }
  })

  it('an empty github-token fails the publish step, naming the input', async () => {
    const result = await release({ 'github-token': '' })
    expect(result.code).not.toBe(0)
    expect(result.errors.join('\n')).toMatch(/github-token is empty, so the release cannot be published/)
    await expect(fs.stat(result.outputs['bundle-path'])).resolves.toBeTruthy()
  })

  it('on a branch, release: true publishes nothing and says so', async () => {
    const before = service.requests().length
    const result = await runAction(
      f,
      { ...runtime, 'app-path': app, release: 'true', 'github-token': service.token },
      {
        env: {
          ...service.env(),
          GITHUB_REF: 'refs/heads/main',
          GITHUB_REF_NAME: 'main',
          GITHUB_REF_TYPE: 'branch'
        }
      }
    )
    expect(result.code).toBe(0)
    expect(result.log).toMatch(
      /::notice::No release published: the workflow runs for refs\/heads\/main, not a tag/
    )
    expect(service.requests().length).toBe(before)
  })
})
