/**
 * npm run bench: how long builds take on this machine, cold and with the cache, through the real
 * dist/index.js, the local runtime, CPython mirror and index, and the local cache service.
 *
 * Scenarios, each a fresh job (empty RUNNER_TEMP, state only from the cache service):
 *   cold · warm (nothing changed) · app-only change · requirements change · 10 more app changes.
 * Targets: warm ≤ 6 % of cold, app-only change ≤ 15 %, requirements change ≤ 25 %, no CPython
 * compile after a requirements change, the cache archive no bigger after 10 app changes, the
 * action's own time ≤ 1 s. Then: a fresh runner's runtime, installed over HTTP with static deltas
 * or restored from the cache.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  APPS,
  builtModules,
  copyApp,
  jobRunner,
  timeAccount,
  type ActionRun
} from '../__tests__/e2e/action.js'
import { startLocalWorld } from '../__tests__/fixtures/local-world.js'
import { startResultsService } from '../__tests__/fixtures/services/results-service.js'
import { measureRuntimeInstall } from './runtime-install.js'

interface Measured {
  scenario: string
  seconds: number
  run: ActionRun
  archive?: number
}

function stepSeconds(run: ActionRun, step: string): number | undefined {
  const m = new RegExp(`^${step} took ([\\d.]+) s$`, 'm').exec(run.log)
  return m ? Number(m[1]) : undefined
}

/** The steps that took longest, as `Bundle 19.2 s, Build 8.1 s, …`: where the time goes. */
function slowestSteps(run: ActionRun, count = 4): string {
  return [...run.log.matchAll(/^(.+) took ([\d.]+) s$/gm)]
    .map(m => [m[1], Number(m[2])] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([step, s]) => `${step} ${s.toFixed(1)} s`)
    .join(', ')
}

const TARGETS: Record<string, number> = {
  'warm, nothing changed': 6,
  'app-only change': 15,
  'requirements change': 25
}

const ownSeconds = (run: ActionRun): number => timeAccount(run).own

const mb = (bytes?: number): string => (bytes === undefined ? '' : `${(bytes / 1e6).toFixed(1)} MB`)

const world = await startLocalWorld()
const service = await startResultsService()
try {
  const app = await copyApp(path.join(APPS, 'with-requirements'))
  const runJob = jobRunner(
    world.fixtures,
    service.env(),
    fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-bench-'))
  )
  const inputs = {
    'app-path': app,
    requirements: path.join(app, 'requirements.txt'),
    'upload-artifact': 'false'
  }
  const measured: Measured[] = []
  const measure = async (scenario: string): Promise<Measured> => {
    const before = service.entries().length
    const started = Date.now()
    const run = await runJob(inputs)
    if (run.code !== 0) throw new Error(`${scenario} failed:\n${run.errors.join('\n')}`)
    const entries = service.entries()
    const result = {
      scenario,
      seconds: (Date.now() - started) / 1000,
      run,
      archive: entries.length > before ? entries.at(-1)!.size : undefined
    }
    measured.push(result)
    console.error(`${scenario}: ${result.seconds.toFixed(1)} s`)
    return result
  }
  const changeApp = (n: number): void =>
    fs.appendFileSync(path.join(app, 'reqapp', '__main__.py'), `print("change ${n}")\n`)

  const cold = await measure('cold')
  await measure('warm, nothing changed')
  changeApp(0)
  await measure('app-only change')
  fs.appendFileSync(path.join(app, 'requirements.txt'), 'fpa-chain-c==1.0\n')
  const requirements = await measure('requirements change')
  const sizes: number[] = []
  for (let n = 1; n <= 10; n++) {
    changeApp(n)
    sizes.push((await measure(`app change ${n}`)).archive ?? NaN)
  }

  const rows = measured
    .slice(0, 4)
    .map(m => [
      m.scenario,
      `${m.seconds.toFixed(1)} s`,
      `${((100 * m.seconds) / cold.seconds).toFixed(1)} %`,
      builtModules(m.run, 'Build Python').concat(builtModules(m.run, 'Build')).join(', ') || '(none)',
      `${stepSeconds(m.run, 'Restore flatpak-builder state') ?? ''} s`,
      `${stepSeconds(m.run, 'Save flatpak-builder state') ?? ''} s`,
      mb(m.archive),
      `${ownSeconds(m.run).toFixed(2)} s`,
      TARGETS[m.scenario] === undefined
        ? ''
        : `≤ ${TARGETS[m.scenario]} %: ${(100 * m.seconds) / cold.seconds <= TARGETS[m.scenario] ? 'met' : `missed by ${((100 * m.seconds) / cold.seconds - TARGETS[m.scenario]).toFixed(1)} points`}`,
      slowestSteps(m.run)
    ])
  const header = [
    'scenario',
    'wall',
    'of cold',
    'modules built',
    'restore',
    'save',
    'archive saved',
    'own time',
    'target',
    'where the time goes'
  ]
  const table = [header, header.map(() => '---'), ...rows].map(r => `| ${r.join(' | ')} |`).join('\n')
  console.log(`\n${table}\n`)
  console.log(`Cache archive after each of 10 more app changes: ${sizes.map(s => mb(s)).join(', ')}`)
  console.log(`Own time over all runs: max ${Math.max(...measured.map(m => ownSeconds(m.run))).toFixed(2)} s`)
  const cpythonAfterRequirements = builtModules(requirements.run, 'Build Python').includes('python3')
  console.log(`CPython compiled after the requirements change: ${cpythonAfterRequirements ? 'yes' : 'no'}`)
  const runtime = await measureRuntimeInstall(world.fixtures, service)
  console.log(
    `A fresh runner's SDK and runtime (${mb(runtime.installedBytes)} installed): ${runtime.fromRepository.toFixed(1)} s installed over HTTP with static deltas, ` +
      `${runtime.fromCache.toFixed(1)} s restored from the cache (${mb(runtime.archiveBytes)} archive).`
  )
} finally {
  await service.close()
  await world.close()
}
