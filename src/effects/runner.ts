import * as core from '@actions/core'
import * as os from 'node:os'
import { InputErrors, parseInputs, type Inputs, type RunnerContext } from '../pure/inputs.js'

/** The runner's environment, read once when the step starts. */
export interface Runner extends RunnerContext {
  env: NodeJS.ProcessEnv
  /** Unique for this job's run of the step: it names a partial state in the cache. */
  runId: string
  startedAt: number
}

const FLATPAK_ARCHES: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' }

export function readRunner(): Runner {
  const env = { ...process.env }
  const startedAt = Date.now()
  return {
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    arch: FLATPAK_ARCHES[os.arch()] ?? os.arch(),
    runId: `${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${startedAt}`,
    startedAt
  }
}

/** The inputs of this step; throws InputErrors naming every bad one. */
export function readInputs(runner: Runner): Inputs {
  const { inputs, errors, warnings } = parseInputs(name => core.getInput(name), runner)
  if (!inputs) throw new InputErrors(errors)
  for (const w of warnings) core.warning(w.message, { title: `Input ${w.input}` })
  return inputs
}

/** Annotates each bad input, so the run page shows them all, and returns the run's error text. */
export function reportFailure(error: unknown): string {
  if (error instanceof InputErrors) {
    for (const e of error.errors) core.error(e.message, { title: `Input ${e.input}` })
  }
  return error instanceof Error ? error.message : String(error)
}
