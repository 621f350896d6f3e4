import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { BuilderLogSummary } from '../pure/builder-log.js'
import { digest } from '../pure/cache-keys.js'
import {
  buildAppArgs,
  buildPythonArgs,
  downloadArgs,
  patchlevelArgs,
  bundleArgs,
  installFromRepoArgs,
  isRepoFile,
  platformSmokeArgs,
  PLATFORM_WINDOW_SMOKE_OPTIONS,
  remoteAddArgs,
  sandboxArgs,
  sdkSmokeArgs,
  updateRepoArgs,
  WINDOW_SMOKE_OPTIONS,
  withTimeout
} from '../pure/commands.js'
import { InputErrors, SUPPORTED_ARCHES } from '../pure/inputs.js'
import { keptBundleName } from '../pure/kept.js'
import {
  buildManifest,
  pythonOnlyManifest,
  REQUIREMENTS_FILE,
  serialize,
  sourceHashes,
  type ManifestSpec
} from '../pure/manifest.js'
import type { Plan } from '../pure/plan.js'
import { pythonVersionErrors } from '../pure/project.js'
import { patchlevelVersion, versionMismatch } from '../pure/python-releases.js'
import { Input } from '../pure/constants.js'
import { submissionSpec } from '../pure/submission.js'
import { flathubJson } from '../pure/arches.js'
import { checksumFile } from '../pure/publish.js'
import type { Bundle, SignedRepository, SmokeResult, WrittenManifests } from '../pure/report.js'
import { cacheBranch, cacheRepo } from '../pure/state.js'
import { lendPythonStages, recordKept, stageCommits, trustedKept, unmountLeftovers } from './cache.js'
import { sha256File } from './app-source.js'
import { startDisplay, windowSmoke, type Display } from './display.js'
import { runBuilder, runChecked, runSmoke } from './exec.js'

/** Writes a file the action makes; whatever stood at its path (a symlink, say) is replaced, not written through. */
async function writeOwnFile(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.rm(file, { force: true })
  await fs.writeFile(file, text)
}

async function writeJson(file: string, json: unknown): Promise<void> {
  await writeOwnFile(file, serialize(json))
}

/** Adds the remote, unless the runtime and SDK are installed already (a container image, say). */
export async function addRemote(plan: Plan): Promise<void> {
  if (!plan.tools.runtimeInstalled) await runChecked('flatpak remote-add', remoteAddArgs(plan.remote))
}

/**
 * Builds (or takes from the cache) the Python module alone, and returns the version it reports,
 * checked against the project's requires-python (the runtime's Python is only known now).
 */
export async function buildPython(plan: Plan): Promise<string> {
  await writeJson(plan.pythonManifest, pythonOnlyManifest(plan.identity))
  const { python } = plan.inputs
  const installFrom = plan.tools.runtimeInstalled ? undefined : plan.remote
  if (python.kind === 'cpython') {
    // A tarball of another release would show only after minutes of compiling: read its version first.
    const scratch = path.join(plan.workDir, 'download-dir')
    await runBuilder(
      downloadArgs({ ...plan.target, manifest: plan.pythonManifest }, installFrom, scratch),
      plan.workDir
    )
    await fs.rm(scratch, { recursive: true, force: true })
    const tarball = path.join(plan.stateDir, 'downloads', python.release.sha256, python.release.file)
    const { lines } = await runChecked('Reading the CPython version', patchlevelArgs(tarball), {
      silent: true
    })
    const mismatch = versionMismatch(
      python.release,
      patchlevelVersion(lines.map(l => l.text).join('\n')),
      `${python.release.file} (sha256 ${python.release.sha256})`
    )
    if (mismatch) throw new InputErrors([{ input: Input.PythonVersion, message: mismatch }])
  }
  await runBuilder(
    buildPythonArgs({ ...plan.target, manifest: plan.pythonManifest }, installFrom, plan.tools.rofilesFuse),
    plan.workDir
  )
  await lendPythonStages(plan.target.arch, plan.target.manifest)
  const { lines } = await runChecked(
    'Running the built Python',
    sandboxArgs(plan.target.buildDir, { dirs: [], env: {}, network: false }, [
      '/app/bin/python3',
      '-c',
      'import platform; print(platform.python_version())'
    ])
  )
  const version = lines.at(-1)!.text.trim()
  const mismatch =
    python.kind === 'cpython' && versionMismatch(python.release, version, 'the Python built from it')
  if (mismatch) throw new InputErrors([{ input: Input.PythonVersion, message: mismatch }])
  const errors = pythonVersionErrors(plan.app.project, version)
  if (errors.length > 0) throw new InputErrors(errors)
  return version
}

/** Writes the manifest, and the requirements module and lock when requirements are pinned. */
export async function writeManifests(plan: Plan, spec: ManifestSpec): Promise<WrittenManifests> {
  const { manifest, requirementsModule } = buildManifest(spec)
  await writeJson(plan.target.manifest, manifest)
  core.info(serialize(manifest))
  const written: WrittenManifests = {
    digest: digest(serialize(manifest), serialize(requirementsModule ?? null)),
    sources: sourceHashes(pythonOnlyManifest(plan.identity), manifest, requirementsModule)
  }
  if (requirementsModule && spec.requirements.kind === 'pinned') {
    written.requirementsModule = plan.requirementsModule
    written.lock = plan.requirementsLock
    await writeJson(written.requirementsModule, requirementsModule)
    await writeOwnFile(written.lock, spec.requirements.pinned.lock)
    core.info(`${written.requirementsModule}:\n${serialize(requirementsModule)}`)
  }
  if ('missing' in plan.origin) {
    core.info(`No manifest to submit to Flathub: ${plan.origin.missing}.`)
  } else {
    // The same modules, the app from its repository: the requirements module goes beside it.
    const submission = buildManifest(submissionSpec(spec, plan.origin))
    written.submission = plan.submissionManifest
    await writeJson(plan.submissionManifest, submission.manifest)
    if (submission.requirementsModule) {
      await writeJson(
        path.join(path.dirname(plan.submissionManifest), REQUIREMENTS_FILE),
        submission.requirementsModule
      )
    }
    core.info(`The manifest to submit to Flathub: ${plan.submissionManifest}`)
    // Flathub builds every arch unless flathub.json, beside the manifest, lists fewer.
    const onlyArches = flathubJson(plan.inputs.arches, SUPPORTED_ARCHES)
    const flathubJsonPath = path.join(path.dirname(plan.submissionManifest), 'flathub.json')
    await fs.rm(flathubJsonPath, { force: true })
    if (onlyArches) {
      await writeOwnFile(flathubJsonPath, onlyArches)
      written.flathubJson = flathubJsonPath
      core.info(`Flathub builds it only for ${plan.inputs.arches.join(', ')}: ${flathubJsonPath} says so.`)
    }
  }
  return written
}

export async function buildApp(plan: Plan): Promise<BuilderLogSummary> {
  const summary = await runBuilder(buildAppArgs(plan.target, plan.tools.rofilesFuse), plan.workDir)
  await runChecked('Writing the AppStream branches', updateRepoArgs(plan.target.repo))
  return summary
}

function smokeLabel(plan: Plan, where: string): string {
  return `Smoke run of '${[plan.inputs.command, ...plan.inputs.smokeArgs].join(' ')}' ${where}`
}

/** The runner's own Flatpak user installation, which holds the SDK and runtime unless a system one does. */
export function userInstallation(): string {
  return process.env.FLATPAK_USER_DIR || path.join(os.homedir(), '.local/share/flatpak')
}

/** Smoke runs on the command line: always for an app without a window, with smoke-args or smoke-expect else. */
function commandLineSmoke(plan: Plan): boolean {
  const { inputs } = plan
  return !inputs.desktop.gui || inputs.smokeArgs.length > 0 || inputs.smokeExpect !== undefined
}

/** A window smoke run on a display of its own: the SDK's and the Platform's run side by side. */
async function onDisplay(work: (display: Display) => Promise<void>): Promise<void> {
  const display = await startDisplay()
  try {
    await work(display)
  } finally {
    display.stop()
  }
}

export async function smokeInSdk(plan: Plan): Promise<void> {
  const { inputs } = plan
  // A home of its own: the app's data directory (~/.var/app/<id>) is not left on the runner.
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'flatpak-smoke-home-'))
  const env = { HOME: home, FLATPAK_USER_DIR: userInstallation() }
  const label = smokeLabel(plan, 'in the SDK')
  try {
    if (inputs.desktop.gui) {
      await onDisplay(display =>
        windowSmoke({
          label: `${plan.inputs.command} in the SDK`,
          argv: sdkSmokeArgs(
            plan.target,
            [...inputs.finishArgs, ...WINDOW_SMOKE_OPTIONS],
            inputs.command,
            []
          ),
          env,
          display,
          timeout: inputs.smokeTimeout
        })
      )
    }
    if (commandLineSmoke(plan)) {
      await runSmoke({
        env,
        label,
        argv: withTimeout(
          inputs.smokeTimeout,
          sdkSmokeArgs(plan.target, inputs.finishArgs, inputs.command, inputs.smokeArgs)
        ),
        cwd: plan.workDir,
        timeout: inputs.smokeTimeout,
        expect: inputs.smokeExpect
      })
    }
  } finally {
    await fs.rm(home, { recursive: true, force: true })
    await unmountLeftovers(plan.stateDir)
  }
}

/**
 * Installs the exported app into a throwaway installation and runs it under the Platform, as
 * users will: the SDK run cannot notice a library that only the SDK has. It installs from the
 * repository rather than the bundle, so it runs while the bundle is being compressed. An app with
 * a window leaves a screenshot of it.
 */
export async function smokeUnderPlatform(plan: Plan): Promise<SmokeResult> {
  const { inputs } = plan
  const installation = await fs.mkdtemp(path.join(os.tmpdir(), 'flatpak-smoke-'))
  const env: Record<string, string> = { FLATPAK_USER_DIR: installation, HOME: installation }
  if (plan.tools.runtimeInUserInstallation) {
    // The throwaway installation finds the runtime in the user installation, posing as its
    // "system" one, instead of downloading it again.
    env.FLATPAK_SYSTEM_DIR = userInstallation()
  }
  const result: SmokeResult = {}
  try {
    for (const [what, argv] of installFromRepoArgs(plan.target)) {
      await runChecked(what, argv, { env }).catch((error: Error) => {
        // flatpak asks the system bus about parental controls before a non-root user installs an app.
        if (!/Could not connect/.test(error.message) || process.getuid?.() === 0) throw error
        throw new Error(
          `${error.message}\nflatpak checks parental controls over the system D-Bus before a non-root user installs an app, and this runner has no system bus (a container?). Run the job as root, or start a system bus.`,
          { cause: error }
        )
      })
    }
    if (inputs.desktop.gui) {
      await fs.rm(plan.screenshot, { force: true })
      await onDisplay(display =>
        windowSmoke({
          label: `${inputs.command} under ${inputs.runtime}`,
          argv: platformSmokeArgs(plan.target, [], PLATFORM_WINDOW_SMOKE_OPTIONS),
          env,
          display,
          timeout: inputs.smokeTimeout,
          screenshot: plan.screenshot
        })
      )
      if (await fs.stat(plan.screenshot).catch(() => undefined)) result.screenshot = plan.screenshot
    }
    if (commandLineSmoke(plan)) {
      await runSmoke({
        label: smokeLabel(plan, `under ${inputs.runtime}`),
        argv: withTimeout(inputs.smokeTimeout, platformSmokeArgs(plan.target, inputs.smokeArgs)),
        timeout: inputs.smokeTimeout,
        expect: inputs.smokeExpect,
        env
      })
    }
  } finally {
    await fs.rm(installation, { recursive: true, force: true })
  }
  return result
}

/**
 * Makes the bundle, or reuses the one made from the same finished app: build-bundle compresses
 * every file again (about 20 s for CPython alone), while an unchanged finish stage means the
 * same files.
 */
export async function makeBundle(plan: Plan, signed?: SignedRepository): Promise<Bundle> {
  const { inputs, target } = plan
  const runtimeRepo = isRepoFile(plan.remote.url) ? plan.remote.url : undefined
  await fs.mkdir(path.dirname(inputs.bundlePath), { recursive: true })
  // Whatever stands at the bundle's path (a symlink, say) is replaced, never written through.
  await fs.rm(inputs.bundlePath, { force: true })
  let made: { kept?: string; reused: boolean }
  if (signed) {
    // Each run signs a new commit, so a signed bundle is never one kept from an earlier run.
    const args = bundleArgs(target, inputs.bundlePath, runtimeRepo, signed)
    await runChecked('flatpak build-bundle', args)
    made = { reused: false }
  } else {
    made = await unsignedBundle(plan, runtimeRepo)
  }
  const { size } = await fs.stat(inputs.bundlePath)
  const sha256 = await sha256File(inputs.bundlePath)
  const checksum = `${inputs.bundlePath}.sha256`
  await fs.rm(checksum, { force: true })
  await fs.writeFile(checksum, checksumFile(sha256, inputs.bundlePath))
  core.info(`${inputs.bundlePath}: ${(size / 1e6).toFixed(1)} MB, sha256 ${sha256}`)
  return { path: inputs.bundlePath, sha256, checksum, size, ...made }
}

/** The bundle of flatpak-builder's export; kept with the state, and reused while the app is unchanged. */
async function unsignedBundle(plan: Plan, runtimeRepo?: string): Promise<{ kept: string; reused: boolean }> {
  const { inputs, target } = plan
  const finish = (await stageCommits(cacheRepo(target.manifest)))[
    `${cacheBranch(target.arch, target.manifest)}/finish`
  ]
  if (!finish) throw new Error('flatpak-builder left no finish stage in its cache: nothing to bundle.')
  const kept = keptBundleName(finish, bundleArgs(target, '', runtimeRepo))
  const keptPath = path.join(plan.ownDir, kept)
  const reused = (await trustedKept(plan.ownDir, kept)) !== undefined
  if (reused) {
    await fs.copyFile(keptPath, inputs.bundlePath)
    core.info(`The app is unchanged since ${kept} was made (finish stage ${finish}): reusing that bundle.`)
  } else {
    await runChecked('flatpak build-bundle', bundleArgs(target, inputs.bundlePath, runtimeRepo))
    await fs.mkdir(plan.ownDir, { recursive: true })
    await fs.copyFile(inputs.bundlePath, keptPath)
    await recordKept(plan.ownDir, kept)
  }
  return { kept, reused }
}
