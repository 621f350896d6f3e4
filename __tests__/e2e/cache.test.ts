import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { drive } from '../fixtures/services/drive.js'
import { startResultsService, type ResultsService } from '../fixtures/services/results-service.js'
import {
  APPS,
  builtModules,
  cacheHits,
  copyApp,
  EXAMPLE_APP,
  jobRunner,
  timeAccount,
  writeFiles,
  type ActionRun
} from './action.js'

const f = inject('fixtures')

const built = builtModules

describe('the flatpak-builder state through the real @actions/cache and a local cache service', () => {
  let service: ResultsService
  let app: string
  let runJob: ReturnType<typeof jobRunner>
  const runs: Record<string, ActionRun> = {}
  const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
  // Later runs of the same workspace write their bundle at the same path.
  let coldBundleSha = ''

  beforeAll(async () => {
    service = await startResultsService()
    app = await copyApp(path.join(APPS, 'with-requirements'))
    runJob = jobRunner(f, service.env(), fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-job-temp-')))
  })
  afterAll(() => service.close())

  // One artifact is enough to check, and names must differ within a run.
  const inputs = (upload = 'false'): Record<string, string> => ({
    'app-path': app,
    requirements: path.join(app, 'requirements.txt'),
    'upload-artifact': upload
  })

  it('cold: builds everything and saves the state under the complete key', async () => {
    const run = (runs.cold = await runJob(inputs('true')))
    coldBundleSha = sha(run.outputs['bundle-path'])
    expect(run.errors).toEqual([])
    expect(built(run, 'Build Python')).toEqual(['python3'])
    expect(run.outputs['cache-hit']).toBe('false')
    expect(run.outputs['cache-matched-key']).toBe('')
    expect(service.entries().map(e => e.key)).toEqual([run.outputs['cache-key']])
    expect(Number(run.outputs['cache-size'])).toBeGreaterThan(50e6)
    // The requirements and the app's build dependencies resolve side by side: counted once.
    const time = timeAccount(run)
    expect(time.children + time.transfers).toBeLessThanOrEqual(time.total + 0.1)
    expect(time.own).toBeGreaterThanOrEqual(0)
  })

  it('nothing changed: restores the exact state, every module is a cache hit, nothing is saved again', async () => {
    const run = (runs.warm = await runJob(inputs()))
    expect(run.errors).toEqual([])
    expect(run.outputs['cache-hit']).toBe('true')
    expect(run.outputs['cache-matched-key']).toBe(runs.cold.outputs['cache-key'])
    expect(built(run, 'Build Python')).toEqual([])
    expect(built(run, 'Build')).toEqual([])
    expect(cacheHits(run, 'Build')).toEqual([
      'python3',
      'python3-requirements',
      'reqapp',
      'cleanup',
      'finish'
    ])
    expect(run.groups['Resolve requirements']).toMatch(/Reusing resolution-/)
    expect(run.groups['Bundle']).toMatch(/reusing that bundle/)
    expect(run.groups['Save flatpak-builder state']).toMatch(
      /Not saving the state: the restored state is this build's already/
    )
    expect(service.entries()).toHaveLength(1)
  })

  it('an app-only change: restores by prefix, CPython and the requirements come from the cache', async () => {
    fs.appendFileSync(path.join(app, 'reqapp', '__main__.py'), 'print("changed app")\n')
    const run = (runs.app = await runJob(inputs()))
    expect(run.errors).toEqual([])
    expect(run.outputs['cache-hit']).toBe('false')
    expect(run.outputs['cache-matched-key']).toBe(runs.cold.outputs['cache-key'])
    expect(built(run, 'Build')).toEqual(['reqapp'])
    expect(cacheHits(run, 'Build')).toEqual(['python3', 'python3-requirements'])
    expect(run.groups['Smoke run under the Platform']).toContain('changed app')
    expect(service.entries().map(e => e.key)).toEqual([
      runs.cold.outputs['cache-key'],
      run.outputs['cache-key']
    ])
  })

  it('a requirements change: CPython is not compiled again', async () => {
    fs.appendFileSync(path.join(app, 'requirements.txt'), 'fpa-chain-c==1.0\n')
    const run = (runs.requirements = await runJob(inputs()))
    expect(run.errors).toEqual([])
    expect(built(run, 'Build Python')).toEqual([])
    expect(built(run, 'Build')).toEqual(['python3-requirements', 'reqapp'])
    expect(run.groups['Smoke run under the Platform']).toContain('fpa-chain-c 1.0')
  })

  it('a build that fails in the last module saves a partial state, which the fixed run starts from', async () => {
    fs.appendFileSync(path.join(app, 'requirements.txt'), 'fpa-py312-only\n')
    await writeFiles(app, {
      'setup.py': [
        'from setuptools import setup',
        'from setuptools.command.build_py import build_py',
        '',
        'class Broken(build_py):',
        '    def run(self):',
        '        raise SystemExit("this app is broken on purpose")',
        '',
        'setup(cmdclass={"build_py": Broken})',
        ''
      ].join('\n')
    })
    const broken = (runs.broken = await runJob(inputs()))
    expect(broken.code).toBe(1)
    expect(broken.errors.join('\n')).toMatch(/flatpak-builder failed in module reqapp/)
    expect(built(broken, 'Build')).toEqual(['python3-requirements', 'reqapp'])
    const partial = service.entries().at(-1)!.key
    expect(partial).toMatch(/-partial-/)
    expect(broken.outputs['cache-key']).toBe(partial)
    expect(broken.outputs['cache-hit']).toBe('false')

    fs.rmSync(path.join(app, 'setup.py'))
    const fixed = await runJob(inputs())
    expect(fixed.errors).toEqual([])
    expect(fixed.outputs['cache-matched-key']).toBe(partial)
    expect(cacheHits(fixed, 'Build')).toEqual(['python3', 'python3-requirements'])
    expect(built(fixed, 'Build')).toEqual(['reqapp'])
    expect(fixed.outputs['cache-key']).not.toMatch(/-partial-/)
  })

  it('uploads the bundle as an artifact that downloads back byte for byte', async () => {
    const run = runs.cold
    const id = Number(run.outputs['artifact-id'])
    expect(run.outputs['artifact-url']).toBe(
      `https://github.com/${service.env().GITHUB_REPOSITORY}/actions/runs/${service.env().GITHUB_RUN_ID}/artifacts/${id}`
    )
    const listed = await drive(service, 'list')
    expect((listed.value as { artifacts: Array<{ id: number; name: string }> }).artifacts).toContainEqual(
      expect.objectContaining({ id, name: 'org.example.Hello-x86_64' })
    )
    const into = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-artifact-'))
    const downloaded = await drive(service, 'download', String(id), into)
    expect(downloaded.threw).toBeUndefined()
    expect(fs.readdirSync(into)).toEqual(['org.example.Hello.flatpak'])
    expect(sha(path.join(into, 'org.example.Hello.flatpak'))).toBe(coldBundleSha)
  })
})

describe('a cache service that is dead or answers errors', () => {
  let service: ResultsService
  beforeAll(async () => {
    service = await startResultsService()
  })
  afterAll(() => service.close())

  it.each(['error', 'dead'] as const)('%s: a warning, a cold build, and no failure', async mode => {
    service.setMode(mode)
    const runJob = jobRunner(f, service.env(), fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-job-temp-')))
    // The runtime's python3 keeps this cold build short: the point is the service, not CPython.
    const run = await runJob({
      'app-path': path.join(APPS, 'with-requirements'),
      requirements: path.join(APPS, 'with-requirements', 'requirements.txt'),
      'python-version': 'runtime',
      'upload-artifact': 'false'
    })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.warnings.join('\n')).toMatch(/Failed to restore|Restoring the flatpak-builder state failed/)
    expect(built(run, 'Build Python')).toEqual(['python3-venv'])
    expect(run.outputs['cache-hit']).toBe('false')
  })

  it('an upload that fails fails the step, with the bundle on disk and its path in the outputs', async () => {
    service.setMode('error')
    const runJob = jobRunner(f, service.env(), fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-job-temp-')))
    const run = await runJob({ 'app-path': EXAMPLE_APP, 'python-version': 'runtime' })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /Uploading artifact 'org\.example\.Hello-x86_64' failed: .*CreateArtifact.*The bundle is still at .*org\.example\.Hello\.flatpak/
    )
    expect(fs.existsSync(run.outputs['bundle-path'])).toBe(true)
  })
})
