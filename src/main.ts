import * as core from '@actions/core'
import * as path from 'node:path'
import { archiveApp } from './app-source.js'
import { artifactServiceAvailable, uploadArtifact, type UploadedArtifact } from './artifact.js'
import {
  addRemote,
  buildApp,
  buildPython,
  makeBundle,
  smokeInSdk,
  smokeUnderPlatform,
  writeManifests,
  type Bundle,
  type WrittenManifests
} from './build.js'
import type { BuilderLogSummary } from './builder-log.js'
import { diskUsage, pruneState, restoreState, saveState, stageCommits, type Restored } from './cache.js'
import { cacheKeys, completeKey, partialKey, saveDecision, type CacheKeyParts } from './cache-keys.js'
import { Output } from './constants.js'
import { childSeconds } from './flatpak.js'
import { readInputs } from './inputs.js'
import { pythonOnlyManifest, sourceHashes } from './manifest.js'
import { cacheKeyParts, manifestSpec, planBuild, requirementsDigest, type Plan } from './plan.js'
import { preflight } from './preflight.js'
import { inspectApp, pythonRangeProblem } from './project.js'
import { resolveForBuild } from './resolve.js'
import { cacheBranch, cacheRepo } from './state.js'
import { writeSummary } from './summary.js'

/** What the run found out, step by step, for the outputs, the cache and the summary. */
interface Progress {
  keys?: CacheKeyParts
  restored?: Restored
  manifests?: WrittenManifests
  build?: BuilderLogSummary
  bundle?: Bundle
  artifact?: UploadedArtifact
  pythonVersion?: string
  ownFiles: string[]
  /** The key of the complete state, once the build has finished. */
  completeKey?: string
  savedKey?: string
  cacheSize?: number
  transferSeconds: number
}

/** A log group per step; its time is logged at its end, so the log reads like the pipeline. */
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  return core.group(name, async () => {
    const started = Date.now()
    const result = await work()
    core.info(`${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return result
  })
}

async function timed<T>(progress: Progress, work: () => Promise<T>): Promise<T> {
  const started = Date.now()
  try {
    return await work()
  } finally {
    progress.transferSeconds += (Date.now() - started) / 1000
  }
}

export async function run(): Promise<void> {
  const started = Date.now()
  const progress: Progress = { ownFiles: [], transferSeconds: 0 }
  try {
    const inputs = readInputs()
    const app = await step('Inspect the app', () => inspectApp(inputs))
    const tools = await step('Preflight', () =>
      preflight(
        path.dirname(inputs.manifestPath),
        [`${inputs.sdk}//${inputs.runtimeVersion}`, `${inputs.runtime}//${inputs.runtimeVersion}`],
        inputs.arch
      )
    )
    const plan = planBuild(inputs, app, tools)

    const archive = await step('Archive the app', () =>
      archiveApp(inputs.appPath, plan.appArchive, [plan.workDir, inputs.buildDir, inputs.bundlePath])
    )
    progress.keys = cacheKeyParts(plan, archive.sha256)
    if (inputs.cache.enabled) {
      progress.restored = await step('Restore flatpak-builder state', () =>
        timed(progress, () =>
          restoreState(plan.stateDir, cacheKeys(progress.keys!), cacheRepo(plan.target.manifest))
        )
      )
    }
    let succeeded = false
    try {
      await build(plan, archive.sha256, progress)
      succeeded = true
    } finally {
      await step('Save flatpak-builder state', () => save(plan, progress, succeeded))
      setCacheOutputs(progress)
    }

    const seconds = (Date.now() - started) / 1000
    const own = seconds - childSeconds() - progress.transferSeconds
    core.info(
      `Took ${seconds.toFixed(1)} s: ${childSeconds().toFixed(1)} s in flatpak, flatpak-builder, ostree and pip, ` +
        `${progress.transferSeconds.toFixed(1)} s in cache and artifact transfers, ${own.toFixed(1)} s in the action itself.`
    )
    await writeSummary({
      appId: inputs.appId,
      python:
        inputs.python.kind === 'runtime' ? `${progress.pythonVersion} (runtime)` : progress.pythonVersion!,
      modules: progress.build!.modules,
      bundlePath: inputs.bundlePath,
      bundleSize: progress.bundle!.size,
      bundleReused: progress.bundle!.reused,
      cache: inputs.cache.enabled
        ? {
            matchedKey: progress.restored?.matchedKey,
            hit: progress.restored?.matchedKey === progress.completeKey,
            savedKey: progress.savedKey,
            size: progress.cacheSize
          }
        : undefined,
      artifactUrl: progress.artifact?.url,
      seconds,
      ownSeconds: own
    })
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** The steps after the restore: each one's result is handed on, and outputs are set as soon as known. */
async function build(plan: Plan, appSha256: string, progress: Progress): Promise<void> {
  const { inputs } = plan
  await step('Add the remote', () => addRemote(plan))
  progress.pythonVersion = await step('Build Python', () => buildPython(plan))
  core.setOutput(Output.PythonVersion, progress.pythonVersion)
  // The runtime's Python is only known now; a CPython release was checked with the inputs.
  const outOfRange = pythonRangeProblem(plan.app.project, progress.pythonVersion)
  if (outOfRange) throw new Error(`python-version: ${outOfRange}`)

  if (inputs.buildNetwork) {
    core.warning(
      'build-network is true: pip downloads from the index while flatpak-builder builds. Flathub rejects manifests that do this; leave build-network off to get pinned, offline sources.',
      { title: 'Input build-network' }
    )
  }
  const resolved = await step('Resolve requirements', () =>
    resolveForBuild(plan, progress.pythonVersion!, requirementsDigest(plan, appSha256))
  )
  progress.ownFiles.push(resolved.kept)
  const spec = manifestSpec(plan, appSha256, resolved)

  progress.manifests = await step('Write manifest', () => writeManifests(plan, spec))
  core.setOutput(Output.ManifestPath, plan.target.manifest)
  if (progress.manifests.requirementsModule) {
    core.setOutput(Output.RequirementsManifestPath, progress.manifests.requirementsModule)
    core.setOutput(Output.RequirementsLockPath, progress.manifests.lock)
  }

  progress.build = await step('Build', () => buildApp(plan))
  core.setOutput(Output.RepoPath, plan.target.repo)
  await step('Smoke run in the SDK', () => smokeInSdk(plan))
  progress.bundle = await step('Bundle', () => makeBundle(plan))
  progress.ownFiles.push(progress.bundle.kept)
  core.setOutput(Output.BundlePath, inputs.bundlePath)
  await step('Smoke run under the Platform', () => smokeUnderPlatform(plan))

  if (inputs.artifact.upload !== 'none' && !artifactServiceAvailable(process.env)) {
    core.warning(
      `No artifact service here (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is unset: not on GitHub Actions?): not uploading. The bundle is at ${inputs.bundlePath}.`
    )
  } else if (inputs.artifact.upload !== 'none') {
    const files = [inputs.bundlePath]
    if (inputs.artifact.upload === 'with-manifest') {
      const { requirementsModule, lock } = progress.manifests
      files.push(plan.target.manifest, ...(requirementsModule && lock ? [requirementsModule, lock] : []))
    }
    progress.artifact = await step('Upload artifact', () =>
      timed(progress, () =>
        uploadArtifact(
          inputs.artifact.name,
          files,
          path.join(plan.workDir, 'artifact'),
          inputs.artifact.retentionDays
        )
      )
    )
    core.info(`Uploaded ${inputs.artifact.name} (${progress.artifact.size} bytes): ${progress.artifact.url}`)
    core.setOutput(Output.ArtifactId, String(progress.artifact.id))
    core.setOutput(Output.ArtifactUrl, progress.artifact.url)
  }
}

/** Saves what the run built (also after a failure), unless the cache has it already. */
async function save(plan: Plan, progress: Progress, succeeded: boolean): Promise<void> {
  const { inputs } = plan
  if (!progress.keys) return
  const run = `${process.env.GITHUB_RUN_ID ?? 'local'}-${process.env.GITHUB_RUN_ATTEMPT ?? '1'}-${Date.now()}`
  const complete =
    progress.build && progress.manifests ? completeKey(progress.keys, progress.manifests.digest) : undefined
  progress.completeKey = complete
  const repo = cacheRepo(plan.target.manifest)
  const stages = inputs.cache.enabled ? await stageCommits(repo) : {}
  const decision = saveDecision({
    enabled: inputs.cache.enabled,
    mode: inputs.cache.save,
    succeeded,
    completeKey: complete,
    partialKey: partialKey(progress.keys, run),
    matchedKey: progress.restored?.matchedKey,
    stagesChanged: JSON.stringify(stages) !== JSON.stringify(progress.restored?.stages ?? {})
  })
  if (!decision.save) {
    core.info(`Not saving the state: ${decision.reason}.`)
    return
  }
  // Saving is never the failure of the run: what went wrong before stays the error.
  try {
    await pruneState(plan.stateDir, {
      branches: [
        cacheBranch(inputs.arch, plan.target.manifest),
        cacheBranch(inputs.arch, plan.pythonManifest)
      ],
      // Before the manifest is written, only the Python-only manifest's sources are known to be used.
      downloads: progress.manifests?.sources ?? sourceHashes(pythonOnlyManifest(plan.identity)),
      own: progress.ownFiles
    })
    progress.cacheSize = await diskUsage(plan.stateDir)
    core.info(`Saving ${(progress.cacheSize / 1e6).toFixed(0)} MB of state as ${decision.key}`)
    if (await timed(progress, () => saveState(plan.stateDir, decision.key))) progress.savedKey = decision.key
  } catch (error) {
    core.warning(`Could not save the flatpak-builder state: ${(error as Error).message}`)
  }
}

function setCacheOutputs(progress: Progress): void {
  const matched = progress.restored?.matchedKey
  core.setOutput(Output.CacheHit, String(matched !== undefined && matched === progress.completeKey))
  core.setOutput(Output.CacheMatchedKey, matched ?? '')
  core.setOutput(Output.CacheKey, progress.savedKey ?? progress.completeKey ?? '')
  if (progress.cacheSize !== undefined) core.setOutput(Output.CacheSize, String(progress.cacheSize))
}
