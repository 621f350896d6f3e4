import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { Fixtures } from '../fixtures/local-world.js'

export const ROOT = path.resolve(import.meta.dirname, '../..')
export const EXAMPLE_APP = path.join(ROOT, 'examples', 'hello')
export const GTK_EXAMPLE_APP = path.join(ROOT, 'examples', 'gtk-hello')
export const APPS = path.join(ROOT, '__tests__', 'fixtures', 'apps')

export interface ActionRun {
  code: number
  /** Everything the action printed (stdout and stderr, interleaved). */
  log: string
  outputs: Record<string, string>
  summary: string
  /** Text of each `::error` / `::warning` command, with its properties. */
  errors: string[]
  warnings: string[]
  /** Output of each log group, by its title. */
  groups: Record<string, string>
  workspace: string
  runnerTemp: string
  /** The most memory the action's process held (VmHWM), in bytes. */
  peakMemory: number
  /** What the step saved for its post step, as the runner hands it over: STATE_<name> variables. */
  state: Record<string, string>
}

export interface RunOptions {
  /** GITHUB_WORKSPACE; a fresh temp dir by default. */
  workspace?: string
  runnerTemp?: string
  env?: Record<string, string>
  /** The node binary that runs dist/index.js: $FPA_ACTION_NODE, else the one running the tests. */
  node?: string
  /** Print the action's log as it comes (also with FPA_TEST_VERBOSE=1). */
  echo?: boolean
  /**
   * Run as this user, with this HOME and its own Flatpak user installation (the workspace and
   * RUNNER_TEMP are made its own).
   */
  user?: { uid: number; gid: number; home: string }
  /** Called once the action runs, with its process and the file its log goes to as it comes. */
  onStart?: (child: ChildProcess, logFile: string) => void
}

/** The inputs every test shares: the local runtime, CPython mirror and package index. */
export function localInputs(f: Fixtures, stateDir: string): Record<string, string> {
  return {
    'app-id': 'org.example.Hello',
    'python-version': '3.11.2',
    'python-source-url': f.pythonMirrorUrl,
    runtime: 'org.example.Platform',
    'runtime-version': '1',
    sdk: 'org.example.Sdk',
    'remote-name': 'fpa-test',
    'remote-url': f.runtimeRepoUrl,
    'pip-index-url': `${f.indexUrl}/simple`,
    // The index's pip is Debian's build of 26.2.2, not PyPI's file: pinned by its own sha256.
    'pip-version': '26.2.2',
    'pip-sha256': f.indexHashes['pip-26.2.2-py3-none-any.whl'],
    // Tests that share this directory share flatpak-builder's state, so CPython is built once.
    'manifest-path': path.join(stateDir, 'org.example.Hello.json')
  }
}

/**
 * The inputs of the GTK example as its workflow would give them, on the GTK runtime pair (which
 * stands in for the GNOME runtime: PyGObject comes from the runtime's python3).
 */
export function gtkExampleInputs(f: Fixtures, app = GTK_EXAMPLE_APP): Record<string, string> {
  const appId = 'org.example.GtkHello'
  return {
    ...localInputs(f, stateDir(f, 'gtk')),
    'app-id': appId,
    'manifest-path': path.join(stateDir(f, 'gtk'), `${appId}.json`),
    'python-version': 'runtime',
    runtime: 'org.example.GtkPlatform',
    sdk: 'org.example.GtkSdk',
    'remote-name': 'fpa-gtk',
    'remote-url': f.gtkRuntimeRepoUrl,
    'app-path': app,
    command: 'gtk-hello',
    metainfo: path.join(app, 'data', `${appId}.metainfo.xml`),
    'desktop-file': path.join(app, 'data', `${appId}.desktop`),
    icon: path.join(app, 'data', `${appId}.svg`),
    'finish-args': '--socket=wayland\n--socket=fallback-x11\n--share=ipc\n--device=dri',
    'smoke-timeout': '60'
  }
}

/** A directory in the per-machine cache where a family of tests keeps flatpak-builder's state. */
export function stateDir(f: Fixtures, family: string): string {
  return path.join(f.cacheDir, 'e2e-state', family)
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const block = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const m of text.matchAll(block)) outputs[m[1]] = m[3]
  return outputs
}

function parseGroups(log: string): Record<string, string> {
  const groups: Record<string, string> = {}
  for (const m of log.matchAll(/^::group::(.*)\n([\s\S]*?)^::endgroup::$/gm)) {
    groups[m[1]] = (groups[m[1]] ?? '') + m[2]
  }
  return groups
}

function commands(log: string, kind: string): string[] {
  return [...log.matchAll(new RegExp(`^::${kind}(?: [^:]*)?::(.*)$`, 'gm'))].map(m =>
    m[0].replace(/%0A/g, '\n').replace(/%25/g, '%')
  )
}

/** Runs dist/index.js as the runner does: inputs as INPUT_* variables, files for outputs and summary. */
export async function runAction(
  f: Fixtures,
  inputs: Record<string, string>,
  options: RunOptions = {}
): Promise<ActionRun> {
  const workspace =
    options.workspace ??
    workspaceOf(inputs['app-path']) ??
    (await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-workspace-')))
  // A manifest kept between runs lives in the tests' state root, which is then RUNNER_TEMP, as the
  // temp dir of a self-hosted runner keeps it.
  const stateRoot = path.join(f.cacheDir, 'e2e-state')
  const runnerTemp =
    options.runnerTemp ??
    (inputs['manifest-path']?.startsWith(`${stateRoot}/`)
      ? stateRoot
      : await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-runner-temp-')))
  const files = await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-files-'))
  const [output, stateFile, summary] = ['output', 'state', 'summary'].map(n => path.join(files, n))
  await Promise.all([output, stateFile, summary].map(file => fs.writeFile(file, '')))
  const { user } = options
  if (user) {
    for (const p of [workspace, runnerTemp, files, output, stateFile, summary])
      await fs.chown(p, user.uid, user.gid)
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: user?.home ?? process.env.HOME ?? os.homedir(),
    LANG: 'C.UTF-8',
    ...(user ? {} : { FLATPAK_USER_DIR: f.flatpakUserDir }),
    GITHUB_OUTPUT: output,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    GITHUB_ACTIONS: 'true',
    ...options.env
  }
  // Input variable names keep their hyphens, so they cannot come from a shell `export`.
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value

  const node = options.node ?? (process.env.FPA_ACTION_NODE || process.execPath)
  const child = spawn(node, [path.join(ROOT, 'dist', 'index.js')], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(user ? { uid: user.uid, gid: user.gid } : {})
  })
  // The log goes to a file as it comes, so a long build can be followed: tail -f <files>/log.
  const logFile = createWriteStream(path.join(files, 'log'))
  options.onStart?.(child, path.join(files, 'log'))
  let peakMemory = 0
  const sampler = setInterval(() => {
    const status = readFileSyncOrEmpty(`/proc/${child.pid}/status`)
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)
    if (hwm) peakMemory = Math.max(peakMemory, Number(hwm[1]) * 1024)
  }, 200)
  const chunks: Buffer[] = []
  const keep = (c: Buffer): void => {
    chunks.push(c)
    logFile.write(c)
    if (options.echo || process.env.FPA_TEST_VERBOSE) process.stdout.write(c)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  // A node that cannot be started (a wrong FPA_ACTION_NODE) emits 'error' and never 'close'.
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', c => resolve(c ?? -1))
  }).finally(() => clearInterval(sampler))
  await new Promise(resolve => logFile.end(resolve))
  const log = Buffer.concat(chunks).toString('utf8')
  return {
    code,
    log,
    outputs: parseOutputs(await fs.readFile(output, 'utf8')),
    summary: await fs.readFile(summary, 'utf8'),
    errors: commands(log, 'error'),
    warnings: commands(log, 'warning'),
    groups: parseGroups(log),
    workspace,
    runnerTemp,
    peakMemory,
    state: Object.fromEntries(
      Object.entries(parseOutputs(await fs.readFile(stateFile, 'utf8'))).map(([name, value]) => [
        `STATE_${name}`,
        value
      ])
    )
  }
}

function readFileSyncOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/**
 * The workspace a run gets, as a checkout holds the app: this repository for the apps in it, the
 * directory copyApp made for a copy.
 */
function workspaceOf(appPath: string | undefined): string | undefined {
  if (appPath === undefined) return undefined
  const inRepo = path.relative(ROOT, appPath)
  if (!inRepo.startsWith('..') && !path.isAbsolute(inRepo)) return ROOT
  return path.basename(path.dirname(appPath)).startsWith('fpa-ws-') ? path.dirname(appPath) : undefined
}

/** Copies a fixture app into a fresh workspace (its directory), so a test can change it. */
export async function copyApp(source: string): Promise<string> {
  const dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-ws-')), 'app')
  await fs.cp(source, dir, { recursive: true })
  return dir
}

/** Writes files (path → content) under dir. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true })
    await fs.writeFile(path.join(dir, file), content)
  }
}

/**
 * Runs the action as successive jobs would: an empty RUNNER_TEMP at the same path each time (the
 * cache version covers the paths), flatpak-builder's state only from the cache service whose
 * environment is given.
 */
export function jobRunner(
  f: Fixtures,
  serviceEnv: Record<string, string>,
  runnerTemp: string
): (inputs: Record<string, string>, options?: RunOptions & { sameJob?: boolean }) => Promise<ActionRun> {
  return async (inputs, options = {}) => {
    // A later step of the same job (the post step) finds RUNNER_TEMP as the step before left it.
    if (!options.sameJob) {
      await fs.rm(runnerTemp, { recursive: true, force: true })
      await fs.mkdir(runnerTemp, { recursive: true })
    }
    const { GITHUB_WORKSPACE: _workspace, RUNNER_TEMP: _temp, ...env } = serviceEnv
    const { 'manifest-path': _manifest, ...local } = localInputs(f, runnerTemp)
    return runAction(f, { ...local, ...inputs }, { ...options, runnerTemp, env: { ...env, ...options.env } })
  }
}

/** Where a job of jobRunner keeps flatpak-builder's state: the default manifest-path's. */
export function jobStateDir(runnerTemp: string): string {
  return path.join(
    runnerTemp,
    'flatpak-python',
    '.flatpak-python-action',
    'org.example.Hello',
    '.flatpak-builder'
  )
}

/** Modules flatpak-builder built in a log group. */
export function builtModules(run: ActionRun, group: string): string[] {
  return [...(run.groups[group] ?? '').matchAll(/^Building module (\S+) /gm)].map(m => m[1])
}

/** The last line of a run's log: where its time went, in seconds. */
export function timeAccount(run: ActionRun): {
  total: number
  children: number
  transfers: number
  own: number
} {
  const took =
    /^Took ([\d.]+) s: ([\d.]+) s in .*?, ([\d.]+) s in .*?, (-?[\d.]+) s in the action itself\.$/m.exec(
      run.log
    )
  if (!took) throw new Error('the log has no "Took ..." line')
  const [total, children, transfers, own] = took.slice(1).map(Number)
  return { total, children, transfers, own }
}

/** Modules and stages flatpak-builder took from its cache in a log group. */
export function cacheHits(run: ActionRun, group: string): string[] {
  return [...(run.groups[group] ?? '').matchAll(/^Cache hit for ([^,]+), skipping/gm)].map(m => m[1])
}
