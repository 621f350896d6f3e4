import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { sandboxArgs } from './commands.js'
import { runChecked } from './flatpak.js'
import type { PinnedFile, PinnedRequirements } from './manifest.js'
import { lockText, pinReport, uniqueFiles, type PinnedDistribution, type PipReport } from './requirements.js'

export interface ResolveSpec {
  /** Build dir holding the built Python as /app. */
  buildDir: string
  /** Scratch directory shared with the sandbox (same path inside). */
  workDir: string
  /** Host directories the sandbox may read (the requirements file's, for its relative includes). */
  readOnlyDirs: string[]
  index: { url: string; extraUrl?: string }
  /** A copy of the requirements file inside workDir. */
  requirements?: string
  /** The app's project as the build will see it, inside workDir. */
  appTree: string
  extras: string[]
}

export interface Resolution {
  requirements: PinnedRequirements
  appBuildDeps: PinnedFile[]
  pipVersion: string
}

const PYTHON = '/app/bin/python3'
// Report format 1 (pip >= 23.0) is the first stable one.
const MIN_PIP = [23, 0]

const HELPER = new URL('./build_requires.py', import.meta.url)

// Proxies of the runner reach pip; nothing else of its environment does.
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']

export function pipEnvironment(index: ResolveSpec['index'], host: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {
    PIP_CONFIG_FILE: '/dev/null',
    PIP_INDEX_URL: index.url,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PIP_NO_CACHE_DIR: '1',
    PYTHONDONTWRITEBYTECODE: '1'
  }
  if (index.extraUrl) env.PIP_EXTRA_INDEX_URL = index.extraUrl
  for (const name of PROXY_VARIABLES) if (host[name]) env[name] = host[name]!
  return env
}

/** `pip 22.3.1 from ...` → [22, 3, 1]. */
export function parsePipVersion(output: string): number[] | undefined {
  return /^pip (\d+(?:\.\d+)*)/m.exec(output)?.[1].split('.').map(Number)
}

function atLeast(version: number[], minimum: number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) > minimum[i]
  }
  return true
}

/** The argv of pip install --dry-run --report for `args`, from the pip given. */
export function reportArgs(pip: string[], report: string, args: string[]): string[] {
  return [...pip, 'install', '--dry-run', '--ignore-installed', '--quiet', '--report', report, ...args]
}

class Sandbox {
  constructor(
    private readonly spec: ResolveSpec,
    private readonly env: Record<string, string>
  ) {}

  async run(what: string, command: string[]): Promise<string> {
    const dirs = [this.spec.workDir, ...this.spec.readOnlyDirs.map(d => `${d}:ro`)]
    const argv = sandboxArgs(this.spec.buildDir, dirs, this.env, command)
    const { lines } = await runChecked(what, argv)
    return lines.map(l => l.text).join('\n')
  }
}

/** pip of the built Python when it writes report format 1, else a newer pip run from its wheel. */
async function resolverPip(sandbox: Sandbox, workDir: string): Promise<string[]> {
  const bundled = [PYTHON, '-m', 'pip']
  const version = parsePipVersion(await sandbox.run('Asking pip for its version', [...bundled, '--version']))
  if (version && atLeast(version, MIN_PIP)) return bundled
  core.info(
    `pip ${version?.join('.')} writes no report format 1; fetching pip>=${MIN_PIP.join('.')} to resolve with.`
  )
  const dest = path.join(workDir, 'pip')
  await sandbox.run('Fetching a newer pip', [
    ...bundled,
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--dest',
    dest,
    `pip>=${MIN_PIP.join('.')}`
  ])
  const wheel = (await fs.readdir(dest)).find(f => f.endsWith('.whl'))
  if (!wheel) throw new Error(`pip download left no wheel in ${dest}.`)
  // A pip wheel runs straight from the archive: python pip-X.whl/pip.
  return [PYTHON, path.join(dest, wheel, 'pip')]
}

async function report(
  sandbox: Sandbox,
  what: string,
  pip: string[],
  file: string,
  args: string[]
): Promise<PipReport> {
  await sandbox.run(what, reportArgs(pip, file, args))
  return JSON.parse(await fs.readFile(file, 'utf8')) as PipReport
}

function failOnProblems(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what}:\n${problems.map(p => `  - ${p}`).join('\n')}`)
}

/**
 * Resolves the requirements and the app's own dependencies with pip, in the build sandbox, with the
 * Python the Flatpak will contain: markers and Requires-Python are evaluated for exactly that
 * interpreter. Then the same for what each sdist (and the app) needs to build, as wheels.
 */
export async function resolveRequirements(spec: ResolveSpec): Promise<Resolution> {
  const sandbox = new Sandbox(spec, pipEnvironment(spec.index, process.env))
  const pip = await resolverPip(sandbox, spec.workDir)

  const appTarget = spec.extras.length > 0 ? `${spec.appTree}[${spec.extras.join(',')}]` : spec.appTree
  const main = await report(
    sandbox,
    'Resolving the requirements with pip',
    pip,
    path.join(spec.workDir, 'report.json'),
    [...(spec.requirements ? ['-r', spec.requirements] : []), appTarget]
  )
  const { pinned, problems } = pinReport(main, `file://${spec.appTree}`)
  failOnProblems('These requirements cannot be pinned', problems)

  const sdists = pinned.filter(p => p.kind === 'sdist')
  const sources = [...sdists.map(s => `${s.url}#sha256=${s.sha256}`), spec.appTree]
  const helper = path.join(spec.workDir, 'build_requires.py')
  await fs.copyFile(HELPER, helper)
  const buildRequires = JSON.parse(
    (
      await sandbox.run('Finding build requirements', [
        PYTHON,
        helper,
        spec.workDir,
        JSON.stringify(pip),
        ...sources
      ])
    )
      .trim()
      .split('\n')
      .at(-1)!
  ) as Record<string, { requires: string[]; dynamic: string[] }>

  const buildDeps = async (source: string, label: string, i: number): Promise<PinnedDistribution[]> => {
    const { requires, dynamic } = buildRequires[source]
    const r = await report(
      sandbox,
      `Resolving the build requirements of ${label}`,
      pip,
      path.join(spec.workDir, `build-report-${i}.json`),
      ['--only-binary=:all:', ...requires, ...dynamic]
    )
    const result = pinReport(r)
    failOnProblems(`The build requirements of ${label} cannot be pinned`, result.problems)
    return result.pinned
  }

  const sdistDeps: PinnedDistribution[] = []
  for (const [i, sdist] of sdists.entries()) {
    sdistDeps.push(...(await buildDeps(sources[i], `${sdist.name} ${sdist.version}`, i)))
  }
  const appBuildDeps = await buildDeps(spec.appTree, 'the app', sdists.length)
  const strip = ({ url, sha256, filename, onlyArches }: PinnedDistribution): PinnedFile => ({
    url,
    sha256,
    filename,
    ...(onlyArches ? { onlyArches } : {})
  })
  return {
    requirements: { lock: lockText(pinned), files: uniqueFiles([...pinned, ...sdistDeps].map(strip)) },
    appBuildDeps: uniqueFiles(appBuildDeps.map(strip)),
    pipVersion: main.pip_version ?? 'unknown'
  }
}
