/**
 * How a fresh runner gets the SDK and runtime: installed from a repository served over HTTP with
 * static deltas (as Flathub serves them), or the installation restored from the cache (tar and
 * zstd through the real @actions/cache and the local cache service). Both timed here, on the
 * tests' Debian-made runtime pair.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Fixtures } from '../__tests__/fixtures/local-world.js'
import { serveStatic } from '../__tests__/fixtures/index/static-server.js'
import { drive } from '../__tests__/fixtures/services/drive.js'
import type { ResultsService } from '../__tests__/fixtures/services/results-service.js'

export interface RuntimeInstallTimes {
  fromRepository: number
  fromCache: number
  installedBytes: number
  archiveBytes: number
}

const seconds = (started: number): number => (Date.now() - started) / 1000

// Never a synchronous call: the repository's server runs in this process.
const exec = promisify(execFile)

export async function measureRuntimeInstall(
  f: Fixtures,
  service: ResultsService
): Promise<RuntimeInstallTimes> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-bench-runtime-'))
  // A copy of the runtime repo with static deltas, as Flathub publishes them.
  const repo = path.join(work, 'repo')
  await exec('cp', ['-a', f.runtimeRepoUrl.replace('file://', ''), repo])
  await exec('flatpak', ['build-update-repo', '--generate-static-deltas', repo])
  const server = await serveStatic(repo, 0)
  try {
    const installation = path.join(service.env().GITHUB_WORKSPACE, 'flatpak-installation')
    const env = { ...process.env, FLATPAK_USER_DIR: installation }
    let started = Date.now()
    await exec('flatpak', ['remote-add', '--user', '--no-gpg-verify', 'bench', server.url], { env })
    await exec(
      'flatpak',
      [
        'install',
        '--user',
        '--noninteractive',
        '-y',
        'bench',
        'org.example.Sdk//1',
        'org.example.Platform//1'
      ],
      { env }
    )
    const fromRepository = seconds(started)
    const installedBytes = Number((await exec('du', ['-sb', installation])).stdout.split('\t')[0])
    const key = `bench-runtime-${Date.now()}`
    const saved = await drive(service, 'save', key, installation)
    if (saved.threw) throw new Error(`saving the installation failed: ${saved.threw.message}`)
    fs.rmSync(installation, { recursive: true, force: true })
    started = Date.now()
    const restored = await drive(service, 'restore', key, installation)
    if (restored.value !== key)
      throw new Error(`restoring the installation failed: ${JSON.stringify(restored)}`)
    const fromCache = seconds(started)
    const archiveBytes = service.entries().find(e => e.key === key)!.size
    return { fromRepository, fromCache, installedBytes, archiveBytes }
  } finally {
    await server.close()
    fs.rmSync(work, { recursive: true, force: true })
  }
}
