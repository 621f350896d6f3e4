import * as path from 'node:path'
import { digest, type CacheKeyParts } from './cache-keys.js'
import type { BuildTarget, Remote } from './commands.js'
import type { Inputs } from './inputs.js'
import { launcherLines } from './launcher.js'
import {
  pythonModule,
  REQUIREMENTS_FILE,
  REQUIREMENTS_LOCK,
  type FileInstall,
  type ManifestSpec,
  type TopLevelSpec
} from './manifest.js'
import { OWN_DIR, STATE_FORMAT, type Installer, type Resolution } from './kept.js'
import { appModuleName, type App } from './project.js'
import type { Toolchain } from './setup-plan.js'
import type { GitOrigin } from './submission.js'
import { pythonManifestPath, stateDir, workDirOf } from './state.js'

/** Everything the steps share, derived once from the inputs, the app and the runner. */
export interface Plan {
  inputs: Inputs
  app: App
  tools: Toolchain
  /** The action's own directory (workDirOf): flatpak-builder runs here, its state is <workDir>/.flatpak-builder. */
  workDir: string
  stateDir: string
  /** Our own files kept with flatpak-builder's state (resolutions, bundles). */
  ownDir: string
  target: BuildTarget
  remote: Remote
  pythonManifest: string
  appModule: string
  /** The top level and first module, shared by both manifests. */
  identity: TopLevelSpec
  launcher?: string[]
  appArchive: string
  /** Where the app's source comes from for the manifest to submit, or why there is none. */
  origin: GitOrigin | { missing: string }
  /** The manifest to submit to Flathub, with its requirements module beside it. */
  submissionManifest: string
  /** The screenshot of an app with a window, from its smoke run under the Platform. */
  screenshot: string
  /** The requirements module and lock, next to the manifest that includes the module. */
  requirementsModule: string
  requirementsLock: string
  /** What the action writes that may sit inside app-path, and so never goes into the app archive. */
  ownOutputs: string[]
}

export function planBuild(
  inputs: Inputs,
  app: App,
  tools: Toolchain,
  origin: GitOrigin | { missing: string } = { missing: 'the runner gives no repository' }
): Plan {
  const workDir = workDirOf(inputs.manifestPath)
  const manifestDir = path.dirname(inputs.manifestPath)
  const appModule = appModuleName(app.project, inputs.command)
  const { entrypoint } = app
  return {
    inputs,
    app,
    tools,
    workDir,
    stateDir: stateDir(inputs.manifestPath),
    ownDir: path.join(stateDir(inputs.manifestPath), OWN_DIR),
    target: {
      appId: inputs.appId,
      arch: inputs.arch,
      branch: inputs.branch,
      manifest: inputs.manifestPath,
      buildDir: inputs.buildDir,
      repo: path.join(workDir, 'repo')
    },
    remote: { name: inputs.remoteName, url: inputs.remoteUrl },
    pythonManifest: pythonManifestPath(inputs.manifestPath),
    appModule,
    identity: {
      appId: inputs.appId,
      runtime: inputs.runtime,
      runtimeVersion: inputs.runtimeVersion,
      sdk: inputs.sdk,
      command: inputs.command,
      finishArgs: inputs.finishArgs,
      python: inputs.python,
      debugInfo: inputs.debugInfo
    },
    launcher:
      entrypoint.kind === 'script' && entrypoint.script === inputs.command
        ? undefined
        : launcherLines(entrypoint),
    appArchive: path.join(workDir, `${appModule}-source.tar`),
    origin,
    submissionManifest: path.join(manifestDir, 'flathub', `${inputs.appId}.json`),
    screenshot: path.join(workDir, `${inputs.appId}.png`),
    requirementsModule: path.join(manifestDir, REQUIREMENTS_FILE),
    requirementsLock: path.join(manifestDir, REQUIREMENTS_LOCK),
    ownOutputs: [
      workDir,
      inputs.buildDir,
      inputs.bundlePath,
      inputs.manifestPath,
      path.join(manifestDir, REQUIREMENTS_FILE),
      path.join(manifestDir, REQUIREMENTS_LOCK),
      path.join(manifestDir, 'flathub')
    ]
  }
}

/**
 * What the resolution reads: the requirements, the index, the Python, and the project's
 * metadata (pyproject.toml when its dependencies are static, else the whole source archive).
 */
export function requirementsDigest(plan: Plan, appSha256: string): string {
  const { inputs, app } = plan
  const metadata = app.project.staticDependencies ? (app.files.pyproject ?? '') : appSha256
  return digest(
    JSON.stringify(inputs.python),
    inputs.runtime,
    inputs.sdk,
    inputs.runtimeVersion,
    inputs.index.url,
    inputs.index.extraUrl ?? '',
    JSON.stringify(inputs.pip),
    String(inputs.buildNetwork),
    inputs.extras.join(','),
    inputs.dependencyGroups.join(','),
    inputs.arches.join(','),
    // Each file by its place relative to the top one: the workspace's own path changes nothing.
    JSON.stringify(
      (app.requirements ?? []).map(f => [
        path.relative(path.dirname(app.requirements![0].path), f.path),
        f.text
      ])
    ),
    metadata
  )
}

export function cacheKeyParts(plan: Plan, appSha256: string): CacheKeyParts {
  return {
    prefix: plan.inputs.cache.keyPrefix,
    format: STATE_FORMAT,
    arch: plan.inputs.arch,
    builderVersion: plan.tools.flatpakBuilder,
    // What flatpak-builder's CPython stage checksums: the top level but command and finish-args, and
    // the module itself.
    python: digest(
      JSON.stringify([
        plan.identity.appId,
        plan.identity.runtime,
        plan.identity.runtimeVersion,
        plan.identity.sdk,
        plan.identity.debugInfo,
        pythonModule(plan.identity.python)
      ])
    ),
    requirements: requirementsDigest(plan, appSha256),
    app: appSha256.slice(0, 16)
  }
}

/** The manifest, from the plan, the app archive and what the resolution pinned. */
export function manifestSpec(
  plan: Plan,
  appSha256: string,
  resolved: { installer: Pick<Installer, 'file'>; resolution?: Resolution },
  installs: FileInstall[] = []
): ManifestSpec {
  const { inputs } = plan
  const { resolution } = resolved
  return {
    ...plan.identity,
    installer: resolved.installer.file,
    appModule: plan.appModule,
    app: {
      path: path.relative(path.dirname(plan.target.manifest), plan.appArchive),
      sha256: appSha256,
      buildDeps: resolution?.appBuildDeps ?? []
    },
    launcher: plan.launcher,
    installs,
    requirements: inputs.buildNetwork
      ? {
          kind: 'network',
          file: inputs.requirements
            ? path.relative(path.dirname(plan.target.manifest), inputs.requirements)
            : undefined
        }
      : resolution && resolution.requirements.files.length > 0
        ? { kind: 'pinned', pinned: resolution.requirements }
        : { kind: 'none' },
    index: inputs.index
  }
}
