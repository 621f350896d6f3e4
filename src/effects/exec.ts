import * as core from '@actions/core'
import * as exec from '@actions/exec'
import {
  failureTail,
  summarizeBuilderLog,
  type BuilderLogSummary,
  type TimedLine
} from '../pure/builder-log.js'
import { BusyClock, childEnvironment } from '../pure/children.js'
import type { Argv } from '../pure/commands.js'

export interface RunOptions {
  env?: Record<string, string>
  cwd?: string
  silent?: boolean
}

export interface RunResult {
  exitCode: number
  lines: TimedLine[]
}

const children = new BusyClock()

/** Wall time spent waiting for the programs run(), so far. */
export function childSeconds(): number {
  return children.seconds(Date.now())
}

/** Runs an argv (no shell), streaming its output to the log and keeping it with timestamps. */
export async function run(argv: Argv, options: RunOptions = {}): Promise<RunResult> {
  const lines: TimedLine[] = []
  const keep = (text: string): void => {
    lines.push({ at: Date.now(), text })
  }
  children.begin(Date.now())
  try {
    const exitCode = await exec.exec(argv[0], argv.slice(1), {
      ignoreReturnCode: true,
      silent: options.silent,
      cwd: options.cwd,
      env: childEnvironment(process.env, options.env),
      listeners: { stdline: keep, errline: keep }
    })
    return { exitCode, lines }
  } finally {
    children.end(Date.now())
  }
}

function tailText(lines: string[]): string {
  return lines.map(l => `    ${l}`).join('\n')
}

/** Runs an argv and throws, with the end of its output, when it fails. */
export async function runChecked(what: string, argv: Argv, options: RunOptions = {}): Promise<RunResult> {
  const result = await run(argv, options)
  if (result.exitCode !== 0) {
    const tail = result.lines.slice(-20).map(l => l.text)
    throw new Error(
      `${what} failed (${argv[0]} exited with ${result.exitCode}). Its last lines:\n${tailText(tail)}`
    )
  }
  return result
}

/** The version a `--version` prints, e.g. `flatpak-builder 1.2.3` → `1.2.3`. */
export async function toolVersion(program: string): Promise<string | undefined> {
  try {
    const { exitCode, stdout } = await exec.getExecOutput(program, ['--version'], {
      ignoreReturnCode: true,
      silent: true
    })
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
  const result = await run(argv, { cwd: workDir })
  const summary = summarizeBuilderLog(result.lines)
  if (result.exitCode !== 0) {
    const where = summary.failedModule ? ` in module ${summary.failedModule}` : ''
    const tail = failureTail(result.lines, summary.failedModule, 40)
    // The build log is long (CPython's alone is ~10,000 lines): repeat the part that failed at its end.
    core.info(
      `\nThe last ${tail.length} lines of the failed build${where}:\n${tail.map(l => `  | ${l}`).join('\n')}`
    )
    throw new BuildError(
      `flatpak-builder failed${where} (exit ${result.exitCode}): ${summary.error ?? 'see the log above'}\n` +
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

/** Runs the app; fails when it exits non-zero, hangs past the timeout, or prints nothing matching `expect`. */
export async function runSmoke(smoke: SmokeRun): Promise<string> {
  const result = await run(smoke.argv, { env: smoke.env, cwd: smoke.cwd })
  const output = result.lines.map(l => l.text).join('\n')
  const tail = result.lines.slice(-20).map(l => l.text)
  // timeout(1) exits 124 after TERM, 137 after KILL.
  if (result.exitCode === 124 || result.exitCode === 137) {
    throw new Error(
      `${smoke.label} did not finish within smoke-timeout (${smoke.timeout} s) and was killed. Its last lines:\n${tailText(tail)}`
    )
  }
  if (result.exitCode !== 0) {
    throw new Error(`${smoke.label} exited with ${result.exitCode}. Its last lines:\n${tailText(tail)}`)
  }
  if (smoke.expect && !smoke.expect.test(output)) {
    throw new Error(
      `${smoke.label} printed nothing that matches smoke-expect /${smoke.expect.source}/. Its last lines:\n${tailText(tail)}`
    )
  }
  return output
}
