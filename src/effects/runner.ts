import * as core from '@actions/core'
import * as os from 'node:os'
import { Input } from '../pure/constants.js'
import { InputErrors, parseInputs, type Inputs, type RunnerContext } from '../pure/inputs.js'
import type { RunRecord } from '../pure/report.js'
import { indexSecrets } from '../pure/secrets.js'
import { FLATPAK_ARCHES } from '../pure/setup-plan.js'
import { BuildError, maskSecret } from './exec.js'

/** The runner's environment, read once when the step starts. */
export interface Runner extends RunnerContext {
  env: NodeJS.ProcessEnv
  /** Unique for this job's run of the step: it names a partial state in the cache. */
  runId: string
  startedAt: number
  home: string
}

export function readRunner(): Runner {
  const env = { ...process.env }
  const startedAt = Date.now()
  return {
    env,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    arch: FLATPAK_ARCHES[os.arch()] ?? os.arch(),
    runId: `${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${startedAt}`,
    startedAt,
    home: env.HOME || os.homedir(),
    repository: env.GITHUB_REPOSITORY || undefined
  }
}

/** The inputs of this step; throws InputErrors naming every bad one. */
export function readInputs(runner: Runner): Inputs {
  // Masked before anything is logged, also when an input is bad.
  for (const name of [Input.PipIndexUrl, Input.PipExtraIndexUrl]) {
    for (const secret of indexSecrets(core.getInput(name).trim())) maskSecret(secret)
  }
  for (const name of [Input.GithubToken, Input.GpgPassphrase]) maskSecret(core.getInput(name))
  // The runner masks a secret line by line; so does the action.
  for (const line of core.getInput(Input.GpgPrivateKey).split('\n')) {
    if (line.trim().length > 8 && !line.startsWith('-----')) maskSecret(line.trim())
  }
  const { inputs, errors, warnings } = parseInputs(name => core.getInput(name), runner)
  if (!inputs) throw new InputErrors(errors)
  for (const w of warnings) core.warning(w.message, { title: `Input ${w.input}` })
  return inputs
}

/**
 * Annotates each bad input, so the run page shows them all, and returns the run's error text; a
 * build that failed on a restored state says which, since a broken state fails where a cold build
 * would not.
 */
export function reportFailure(error: unknown, record: RunRecord): string {
  if (error instanceof InputErrors) {
    for (const e of error.errors) core.error(e.message, { title: `Input ${e.input}` })
  }
  const message = error instanceof Error ? error.message : String(error)
  const restored = record.restored?.matchedKey
  return error instanceof BuildError && restored
    ? `${message}\nThis build started from the cached state ${restored}. If the failure makes no sense for your change, run it once with a new cache-key-prefix to build from scratch.`
    : message
}
