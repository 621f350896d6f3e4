import { execFile } from 'node:child_process'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { serveStatic, type StaticServer } from '../fixtures/index/static-server.js'
import { drive } from '../fixtures/services/drive.js'
import { startResultsService, type ResultsService } from '../fixtures/services/results-service.js'
import { copyApp, EXAMPLE_APP, jobRunner, type ActionRun } from './action.js'

// The SDK and runtime of a fresh runner, as on GitHub: an empty Flatpak user installation at the
// same path in every job, the remote over HTTP, the installation saved and restored through the
// real @actions/cache and the local cache service.

const f = inject('fixtures')
const exec = promisify(execFile)
const PLATFORM = 'runtime/org.example.Platform/x86_64/1'
const SDK = 'runtime/org.example.Sdk/x86_64/1'

describe('the runtime installation in the cache', () => {
  let service: ResultsService
  let server: StaticServer
  let work: string
  let repo: string
  let installation: string
  let app: string
  let runJob: ReturnType<typeof jobRunner>

  beforeAll(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-runtime-cache-'))
    // A remote of its own, since a test commits a new Platform to it.
    repo = path.join(work, 'repo')
    await exec('cp', ['-a', new URL(f.runtimeRepoUrl).pathname, repo])
    server = await serveStatic(repo, 0)
    installation = path.join(work, 'flatpak')
    service = await startResultsService()
    app = await copyApp(EXAMPLE_APP)
    runJob = jobRunner(f, service.env(), path.join(work, 'runner-temp'))
  })
  afterAll(async () => {
    await server?.close()
    await service?.close()
    await fs.rm(work, { recursive: true, force: true })
  })

  /** A job on a fresh runner: nothing installed, the installation where the last job had it. */
  const freshRunner = async (job = runJob, extra: Record<string, string> = {}): Promise<ActionRun> => {
    await fs.rm(installation, { recursive: true, force: true })
    server.requests.length = 0
    return job(
      {
        'app-path': app,
        'python-version': 'runtime',
        'remote-name': 'fpa-http',
        'remote-url': server.url,
        'upload-artifact': 'false',
        ...extra
      },
      { env: { FLATPAK_USER_DIR: installation } }
    )
  }
  const runtimeKeys = (): string[] =>
    service
      .entries()
      .map(e => e.key)
      .filter(key => key.includes('-runtime-'))
  const active = (ref: string): Promise<string> => fs.readlink(path.join(installation, ref, 'active'))
  const objectRequests = (): string[] => server.requests.filter(r => /^\/(objects|deltas)\//.test(r))

  it('a fresh runner without a cached runtime installs it from the remote and saves it', async () => {
    const run = await freshRunner()
    expect(run.code).toBe(0)
    expect(run.groups['Restore the runtime']).toContain(
      `No runtime in the cache: installing ${SDK} and ${PLATFORM} from ${server.url}.`
    )
    expect(run.groups['Build Python']).toMatch(/^Installing org.example.Sdk\/x86_64\/1 from fpa-http$/m)
    expect(objectRequests().length).toBeGreaterThan(0)
    const saved = runtimeKeys()
    expect(saved).toEqual([
      expect.stringMatching(/^flatpak-python-runtime-v1-x86_64-[0-9a-f]{16}-[0-9a-f]{16}$/)
    ])
    expect(run.groups['Save the runtime']).toContain(`as ${saved[0]}`)
    expect(run.summary).toMatch(
      new RegExp(`installed from the remote; saved as ${saved[0]} \\(\\d+\\.\\d MB\\)`)
    )
  })

  it('a fresh runner restores the installation: no object from the remote, nothing saved again', async () => {
    const [key] = runtimeKeys()
    const run = await freshRunner()
    expect(run.code).toBe(0)
    expect(run.groups['Restore the runtime']).toContain(`Restored the runtime saved as ${key}`)
    expect(run.groups['Build Python']).not.toMatch(/^Installing org.example/m)
    expect(run.groups['Build Python']).toMatch(/^Updating org.example.Sdk\/x86_64\/1$/m)
    // flatpak-builder asked the remote what is new (its summary), and fetched nothing.
    expect(objectRequests()).toEqual([])
    expect(server.requests.length).toBeGreaterThan(0)
    expect(run.groups['Save the runtime']).toContain(
      `Not saving the runtime: the restored installation is current (${key})`
    )
    expect(run.outputs['bundle-path']).toBeTruthy()
  })

  it('a runtime the remote updated is updated over the restored one and saved under a new key', async () => {
    const [before] = runtimeKeys()
    const oldCommit = (await exec('ostree', [`--repo=${repo}`, 'rev-parse', PLATFORM])).stdout.trim()
    await exec('ostree', [
      `--repo=${repo}`,
      'commit',
      `--branch=${PLATFORM}`,
      `--tree=ref=${oldCommit}`,
      '--keep-metadata=xa.metadata',
      '--subject=An update of the Platform'
    ])
    await exec('flatpak', ['build-update-repo', repo])
    const newCommit = (await exec('ostree', [`--repo=${repo}`, 'rev-parse', PLATFORM])).stdout.trim()
    expect(newCommit).not.toBe(oldCommit)

    const run = await freshRunner()
    expect(run.code).toBe(0)
    expect(run.groups['Restore the runtime']).toContain(`Restored the runtime saved as ${before}`)
    expect(run.groups['Build Python']).toMatch(/^Updating runtime\/org.example.Platform\/x86_64\/1$/m)
    expect(await active(PLATFORM)).toBe(newCommit)
    const keys = runtimeKeys()
    expect(keys).toHaveLength(2)
    const after = keys.find(k => k !== before)!
    expect(run.groups['Save the runtime']).toContain(`as ${after}`)
  })

  it('a restored entry that is no installation is dropped with a warning, and the remote installs', async () => {
    // An entry under the runtime prefix, as a tampered or foreign save would leave it, in a cache of its own.
    const other = await startResultsService()
    try {
      const prefix = runtimeKeys()[0]!.replace(/[0-9a-f]{16}$/, '')
      await fs.rm(installation, { recursive: true, force: true })
      await fs.mkdir(path.join(installation, 'not-an-installation'), { recursive: true })
      await fs.writeFile(path.join(installation, 'not-an-installation', 'file'), 'junk')
      const planted = await drive(other, 'save', `${prefix}junk`, installation)
      expect(planted.threw).toBeUndefined()
      const run = await freshRunner(jobRunner(f, other.env(), path.join(work, 'other-runner-temp')))
      expect(run.code).toBe(0)
      expect(run.log).toContain(
        `::warning::The runtime restored from ${prefix}junk is not usable (it has no ${SDK} and no ${PLATFORM}): installing it from the remote.`
      )
      await expect(fs.stat(path.join(installation, 'not-an-installation'))).rejects.toThrow()
      expect(run.groups['Build Python']).toMatch(/^Installing org.example.Sdk\/x86_64\/1 from fpa-http$/m)
      expect(other.entries().map(e => e.key)).toContain(runtimeKeys().at(-1))
    } finally {
      await other.close()
    }
  })

  it('cache: false neither restores nor saves the runtime', async () => {
    const entries = service.entries().length
    const run = await freshRunner(runJob, { cache: 'false' })
    expect(run.code).toBe(0)
    expect(run.groups['Restore the runtime']).toContain('Not caching the runtime: cache is false.')
    expect(run.groups['Build Python']).toMatch(/^Installing org.example.Sdk\/x86_64\/1 from fpa-http$/m)
    expect(service.entries().length).toBe(entries)
  })
})
