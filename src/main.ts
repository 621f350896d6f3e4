import { archiveApp } from './effects/app-source.js'
import { artifactServiceAvailable, uploadArtifact } from './effects/artifact.js'
import {
  addRemote,
  buildApp,
  buildPython,
  makeBundle,
  smokeInSdk,
  smokeUnderPlatform,
  writeManifests
} from './effects/build.js'
import { restoreState, saveState } from './effects/cache.js'
import { restoreRuntime, saveRuntime } from './effects/runtime-cache.js'
import { keepForPost, keptRecord, onCancel } from './effects/cancel.js'
import { sideBySide, step } from './effects/log.js'
import { preflight } from './effects/preflight.js'
import { prepareDesktopFiles } from './effects/desktop.js'
import { lintForFlathub } from './effects/lint.js'
import { inspectApp } from './effects/project.js'
import { resolveForBuild } from './effects/resolve.js'
import { readInputs, readRunner, reportFailure } from './effects/runner.js'
import { publishRelease, signRepository } from './effects/publish.js'
import { publish } from './effects/summary.js'
import * as core from '@actions/core'
import { cacheKeyParts, manifestSpec, planBuild } from './pure/plan.js'
import { releaseTag } from './pure/publish.js'
import { artifactUpload, releaseFiles, type RunRecord } from './pure/report.js'
import { gitOrigin } from './pure/submission.js'

/** The pipeline: each step hands its result to the run record, which report.ts turns into outputs. */
export async function run(): Promise<void> {
  const runner = readRunner()
  const record: RunRecord = {}
  const cancel = onCancel(() => record)
  try {
    const inputs = readInputs(runner)
    const app = await step('Inspect the app', () => inspectApp(inputs, runner))
    const tools = await step('Preflight', () => preflight(inputs))
    const plan = (record.plan = planBuild(
      inputs,
      app,
      tools,
      gitOrigin(runner.env, runner.workspace, inputs.appPath)
    ))
    const { members, ...archive } = await step('Archive the app', () =>
      archiveApp(inputs.appPath, plan.appArchive, plan.ownOutputs)
    )
    record.archive = archive
    const desktop = (record.desktop = await step('Check the desktop files', () =>
      prepareDesktopFiles(plan, members)
    ))
    const keys = (record.keys = cacheKeyParts(plan, archive.sha256))
    const restores = await sideBySide({
      state: ['Restore flatpak-builder state', () => restoreState(plan, keys)],
      runtime: ['Restore the runtime', () => restoreRuntime(plan)]
    })
    record.restored = restores.state
    record.runtime = restores.runtime
    if (restores.error) throw restores.error

    await step('Add the remote', () => addRemote(plan))
    const python = (record.pythonVersion = await step('Build Python', () => buildPython(plan)))
    const resolved = (record.resolved = await step('Resolve requirements', () =>
      resolveForBuild(plan, python, keys.requirements)
    ))
    record.manifests = await step('Write manifest', () =>
      writeManifests(plan, manifestSpec(plan, archive.sha256, resolved, desktop.installs))
    )
    record.build = await step('Build', () => buildApp(plan))
    const signed = (record.signed = inputs.publish.signingKey
      ? await step('Sign the repository', () => signRepository(plan))
      : undefined)
    const tail = await sideBySide({
      bundle: ['Bundle', () => makeBundle(plan, signed)],
      sdk: ['Smoke run in the SDK', () => smokeInSdk(plan)],
      platform: ['Smoke run under the Platform', () => smokeUnderPlatform(plan)],
      lint: ['Flathub lint', () => lintForFlathub(plan, record.manifests?.submission)]
    })
    record.bundle = tail.bundle
    record.smoke = tail.platform
    record.lint = tail.lint
    if (tail.error) throw tail.error
    record.artifact = await step('Upload artifact', () =>
      uploadArtifact(
        artifactUpload(record, artifactServiceAvailable(runner.env)),
        runner.env,
        inputs.cache.timeout
      )
    )
    const release = releaseTag(inputs.publish.release, runner.env.GITHUB_REF)
    if ('tag' in release) {
      record.release = await step('Publish to the release', () =>
        publishRelease(release.tag, releaseFiles(record), inputs.publish.token, runner.env)
      )
    } else if (inputs.publish.release.kind !== 'off') core.notice(`No release published: ${release.skip}.`)
  } catch (error) {
    record.failure = reportFailure(error, record)
  } finally {
    const { plan } = record
    if (cancel.cancelled()) await cancel.stopped()
    if (plan && cancel.cancelled()) keepForPost(record)
    else if (plan) {
      const saves = await sideBySide({
        state: ['Save flatpak-builder state', () => saveState(plan, record, runner.runId)],
        runtime: ['Save the runtime', () => saveRuntime(plan, record)]
      })
      record.saved = saves.state
      record.runtimeSaved = saves.runtime
    }
    await publish(record, runner.startedAt)
    if (record.failure !== undefined) core.setFailed(record.failure)
  }
}

/** The post step: after a cancel, saves what the main step built (see cancel.ts). */
export async function post(): Promise<void> {
  const record = keptRecord()
  if (!record?.plan) return
  const { plan } = record
  await step('Save flatpak-builder state', () => saveState(plan, record, readRunner().runId))
}
