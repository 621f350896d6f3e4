import * as core from '@actions/core'
import { spawn, type ChildProcess } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import {
  failureTail,
  isLandmark,
  summarizeBuilderLog,
  type BuilderLogSummary,
  type TimedLine
} from '../pure/builder-log.js'
import { BusyClock, childEnvironment } from '../pure/children.js'
import type { Argv } from '../pure/commands.js'
import { redacted } from '../pure/secrets.js'
import { inertLine } from '../pure/text.js'

export interface RunOptions {
  env?: Record<string, string>
  cwd?: string
  silent?: boolean
  /** Written to the program's stdin. */
  input?: string | Buffer
  /** Sees every line as it comes; only the last `tail` lines are kept. */
  onLine?: (line: TimedLine) => void
  tail?: number
  /** Stops the program, with all it started: TERM, then KILL after 2 s. */
  abort?: AbortSignal
}

export interface RunResult {
  exitCode: number
  /** Set when a signal ended the program. */
  signal?: NodeJS.Signals
  /** The last lines it printed (stdout and stderr as they came). */
  lines: TimedLine[]
}

const children = new BusyClock()

const secrets = new Set<string>()

/** Masks a secret in the runner's log and keeps it out of every command and line run() prints. */
export function maskSecret(secret: string): void {
  if (secret === '') return
  core.setSecret(secret)
  secrets.add(secret)
}

// Every program runs in a process group of its own, so a cancelled run can stop it and all it
// started (flatpak-builder → bwrap → make), not just the first process.
const running = new Set<ChildProcess>()

/** Wall time spent waiting for the programs run(), so far. */
export function childSeconds(): number {
  return children.seconds(Date.now())
}

// A program that prints one endless line must not grow the action's memory.
const MAX_LINE = 64 * 1024

/**
 * Runs an argv (no shell), streaming its output to the log and keeping the end of it. Lines that
 * would be workflow commands are made inert: the programs run code from the pull request.
 */
export async function run(argv: Argv, options: RunOptions = {}): Promise<RunResult> {
  const keep = options.tail ?? 400
  const lines: TimedLine[] = []
  const emit = (raw: string): void => {
    const cut = raw.length > MAX_LINE ? `${raw.slice(0, MAX_LINE)} [line cut at ${MAX_LINE} characters]` : raw
    const text = redacted(cut, secrets)
    const line = { at: Date.now(), text }
    if (!options.silent) process.stdout.write(`${inertLine(text)}\n`)
    options.onLine?.(line)
    lines.push(line)
    if (lines.length > keep) lines.shift()
  }
  if (!options.silent) core.info(`[command]${redacted(argv.map(inertLine).join(' '), secrets)}`)
  children.begin(Date.now())
  try {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: childEnvironment(process.env, options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true
    })
    running.add(child)
    const stop = (): void => {
      signalGroup(child, 'SIGTERM')
      setTimeout(() => signalGroup(child, 'SIGKILL'), 2000).unref()
    }
    options.abort?.addEventListener('abort', stop, { once: true })
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = ''
      // The rest of a line cut at MAX_LINE is dropped, up to its end.
      let dropping = false
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        partial += chunk
        for (let end = partial.indexOf('\n'); end >= 0; end = partial.indexOf('\n')) {
          if (!dropping) emit(partial.slice(0, end).replace(/\r$/, ''))
          dropping = false
          partial = partial.slice(end + 1)
        }
        if (partial.length > MAX_LINE) {
          if (!dropping) emit(partial)
          dropping = true
          partial = ''
        }
      })
      stream.on('end', () => partial && !dropping && emit(partial))
    }
    child.stdin?.on('error', () => undefined).end(options.input)
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (c, s) => resolve([c, s]))
    }).finally(() => {
      running.delete(child)
      options.abort?.removeEventListener('abort', stop)
    })
    return { exitCode: code ?? 128, ...(signal ? { signal } : {}), lines }
  } finally {
    children.end(Date.now())
  }
}

function tailText(lines: string[]): string {
  return lines.map(l => `    ${l}`).join('\n')
}

/**
 * The work's result, or an error after `seconds`: a cache service that takes connections and never
 * answers would hold the job for as long as the toolkit retries (15 minutes, measured).
 */
export async function within<T>(seconds: number, service: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${service} did not answer within cache-timeout (${seconds} s)`)),
      seconds * 1000
    )
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** How a program ended, for messages: "exited with 2", "was killed by SIGKILL". */
export function howItEnded(argv: Argv, result: RunResult): string {
  return result.signal
    ? `${argv[0]} was killed by ${result.signal}`
    : `${argv[0]} exited with ${result.exitCode}`
}

/** Runs an argv and throws, with the end of its output, when it fails. */
export async function runChecked(what: string, argv: Argv, options: RunOptions = {}): Promise<RunResult> {
  const result = await run(argv, options)
  if (result.exitCode !== 0 || result.signal) {
    const tail = result.lines.slice(-20).map(l => l.text)
    throw new Error(`${what} failed (${howItEnded(argv, result)}). Its last lines:\n${tailText(tail)}`)
  }
  return result
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // The group has ended.
  }
}

/**
 * Starts a program that runs beside the action (a display server) in a process group of its own,
 * which stopChildren stops with the rest.
 */
export function startTracked(argv: Argv, stdio: ('ignore' | 'pipe')[]): ChildProcess {
  const child = spawn(argv[0], argv.slice(1), { env: childEnvironment(process.env), stdio, detached: true })
  running.add(child)
  child.on('close', () => running.delete(child))
  child.on('error', () => running.delete(child))
  return child
}

/**
 * Stops every program still running, with all it started: TERM, then KILL after `grace` ms. For a
 * cancelled job: the runner gives a step 7.5 s between its SIGINT and its SIGTERM.
 */
export async function stopChildren(grace = 3000): Promise<number> {
  const children = [...running]
  const signal = (name: NodeJS.Signals): void => children.forEach(child => signalGroup(child, name))
  signal('SIGTERM')
  const deadline = Date.now() + grace
  while (running.size > 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 100))
  signal('SIGKILL')
  return children.length
}

/** The version a `--version` prints, e.g. `flatpak-builder 1.2.3` → `1.2.3`. */
export async function toolVersion(program: string): Promise<string | undefined> {
  try {
    const { exitCode, lines } = await run([program, '--version'], { silent: true })
    const stdout = lines.map(l => l.text).join('\n')
    return exitCode === 0 ? (/\d+(\.\d+)+/.exec(stdout)?.[0] ?? stdout.trim()) : undefined
  } catch {
    return undefined
  }
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly summary: BuilderLogSummary
  ) {
    super(message)
  }
}

/**
 * Runs flatpak-builder. On failure, names the module that failed and shows the end of that module's
 * log, so nobody has to scroll through CPython's build output to find it.
 */
export async function runBuilder(argv: Argv, workDir: string): Promise<BuilderLogSummary> {
  // flatpak-builder keeps its state in .flatpak-builder under its working directory, and names the
  // cache refs after the manifest's file name only: the state moves with the manifest's directory.
  const landmarks: TimedLine[] = []
  const result = await run(argv, { cwd: workDir, onLine: l => isLandmark(l.text) && landmarks.push(l) })
  const summary = summarizeBuilderLog([...landmarks, ...result.lines.slice(-1)])
  if (result.exitCode !== 0 || result.signal) {
    const where = summary.failedModule ? ` in module ${summary.failedModule}` : ''
    const tail = failureTail(result.lines, summary.failedModule, 40)
    // The build log is long (CPython's alone is ~10,000 lines): repeat the part that failed at its end.
    core.info(
      `\nThe last ${tail.length} lines of the failed build${where}:\n${tail.map(l => `  | ${inertLine(l)}`).join('\n')}`
    )
    throw new BuildError(
      `flatpak-builder failed${where} (${howItEnded(argv, result)}): ${summary.error ?? 'see the log above'}\n` +
        tailText(tail.slice(-15)),
      summary
    )
  }
  return summary
}

export interface SmokeRun {
  label: string
  argv: Argv
  cwd?: string
  timeout: number
  expect?: RegExp
  env?: Record<string, string>
}

// What smoke-expect is matched against: the first 16 MB of output, so an app that prints without
// end cannot grow the action's memory.
const EXPECT_WINDOW = 16 * 1024 * 1024
// A catastrophic pattern (`^(a+)+$`) never returns; it is stopped after this long.
const EXPECT_SECONDS = 10

/** Whether pattern matches text, in a worker that is stopped when it takes too long. */
export async function matchesWithin(
  pattern: RegExp,
  text: string,
  seconds = EXPECT_SECONDS
): Promise<boolean> {
  const worker = new Worker(
    'const { parentPort, workerData: d } = require("node:worker_threads"); parentPort.postMessage(new RegExp(d.source, d.flags).test(d.text))',
    { eval: true, workerData: { source: pattern.source, flags: pattern.flags, text } }
  )
  const timer = setTimeout(() => void worker.terminate(), seconds * 1000)
  try {
    return await new Promise<boolean>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', () =>
        reject(
          new Error(
            `smoke-expect /${pattern.source}/ took more than ${seconds} s to match the smoke output: simplify the pattern (nested repetition like (a+)+ can take forever).`
          )
        )
      )
    })
  } finally {
    clearTimeout(timer)
    await worker.terminate()
  }
}

/** Runs the app; fails when it exits non-zero, hangs past the timeout, or prints nothing matching `expect`. */
export async function runSmoke(smoke: SmokeRun): Promise<string> {
  let output = ''
  const result = await run(smoke.argv, {
    env: smoke.env,
    cwd: smoke.cwd,
    onLine: l => {
      if (output.length < EXPECT_WINDOW) output += `${l.text}\n`
    }
  })
  const tail = result.lines.slice(-20).map(l => l.text)
  // timeout(1) exits 124 after TERM, 137 after KILL.
  if (result.exitCode === 124 || result.exitCode === 137) {
    throw new Error(
      `${smoke.label} did not finish within smoke-timeout (${smoke.timeout} s) and was killed. Its last lines:\n${tailText(tail)}`
    )
  }
  if (result.exitCode !== 0 || result.signal) {
    throw new Error(
      `${smoke.label} ${howItEnded(smoke.argv, result).replace(/^\S+ /, '')}. Its last lines:\n${tailText(tail)}`
    )
  }
  if (smoke.expect && !(await matchesWithin(smoke.expect, output))) {
    throw new Error(
      `${smoke.label} printed nothing that matches smoke-expect /${smoke.expect.source}/. Its last lines:\n${tailText(tail)}`
    )
  }
  return output
}
