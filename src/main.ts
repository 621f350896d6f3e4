import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { archiveApp } from './app-source.js'
import {
  buildAppArgs,
  buildPythonArgs,
  bundleArgs,
  installBundleArgs,
  isRepoFile,
  platformSmokeArgs,
  remoteAddArgs,
  sandboxArgs,
  sdkSmokeArgs,
  withTimeout,
  type BuildTarget
} from './commands.js'
import { Input, Output } from './constants.js'
import { runBuilder, runChecked, runSmoke } from './flatpak.js'
import { parseInputs, type InputError, type Inputs } from './inputs.js'
import { launcherLines } from './launcher.js'
import {
  buildManifest,
  pythonOnlyManifest,
  REQUIREMENTS_FILE,
  REQUIREMENTS_LOCK,
  serialize,
  type ManifestSpec,
  type TopLevelSpec
} from './manifest.js'
import { preflight } from './preflight.js'
import {
  chooseEntrypoint,
  describeProject,
  readProjectFiles,
  type Entrypoint,
  type Project
} from './project.js'
import {
  bundledPip,
  PipSandbox,
  resolveInstaller,
  resolveRequirements,
  type Installer,
  type Resolution
} from './resolve.js'
import { vcsRequirements } from './requirements.js'
import { lendPythonStages, pythonManifestPath } from './state.js'
import { writeSummary } from './summary.js'

const FLATPAK_ARCHES: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' }

function reportInputErrors(errors: InputError[]): never {
  for (const e of errors) core.error(e.message, { title: `Input ${e.input}` })
  throw new Error(
    `${errors.length} input${errors.length > 1 ? 's are' : ' is'} not valid; see the errors above.`
  )
}

function readInputs(): Inputs {
  const { inputs, errors } = parseInputs(name => core.getInput(name), {
    workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
    tempDir: process.env.RUNNER_TEMP || os.tmpdir(),
    arch: FLATPAK_ARCHES[os.arch()] ?? os.arch()
  })
  if (!inputs) reportInputErrors(errors)
  return inputs
}

/** Reads the app's project; everything wrong with it is reported like a bad input. */
async function inspectApp(inputs: Inputs): Promise<{ project: Project; entrypoint: Entrypoint }> {
  const errors: InputError[] = []
  const files = await readProjectFiles(inputs.appPath)
  if (!files) {
    reportInputErrors([
      {
        input: Input.AppPath,
        message: `app-path '${inputs.appPath}' holds neither pyproject.toml nor setup.py: point it at your Python project.`
      }
    ])
  }
  let project: Project
  try {
    project = describeProject(files)
  } catch (e) {
    reportInputErrors([
      { input: Input.AppPath, message: `app-path '${inputs.appPath}': ${(e as Error).message}` }
    ])
  }
  const entrypoint = chooseEntrypoint(project, inputs.entrypoint)
  if (typeof entrypoint === 'string') errors.push({ input: Input.Entrypoint, message: entrypoint })
  if (inputs.requirements) {
    const text = await fs.readFile(inputs.requirements, 'utf8').catch(() => undefined)
    if (text === undefined) {
      errors.push({
        input: Input.Requirements,
        message: `requirements '${inputs.requirements}' is not a readable file: give the path of a requirements file, relative to the workspace.`
      })
    }
    for (const line of vcsRequirements(text ?? '')) {
      errors.push({
        input: Input.Requirements,
        message: `requirements line '${line}' is a VCS checkout, which has no file hash to pin: publish it to an index, or require a release archive.`
      })
    }
  }
  if (errors.length > 0) reportInputErrors(errors)
  core.info(`Project ${project.name ?? '(unnamed)'} in ${inputs.appPath}`)
  core.info(
    typeof entrypoint !== 'string' && entrypoint.kind === 'module'
      ? `Entrypoint: python3 -m ${entrypoint.module}`
      : `Entrypoint: console script ${(entrypoint as { script: string }).script}`
  )
  return { project, entrypoint: entrypoint as Entrypoint }
}

/** Module names must not collide with the Python modules before it. */
export function appModuleName(project: Project, command: string): string {
  const name = (project.name ?? command).toLowerCase().replace(/[^a-z0-9]+/g, '-')
  return name.startsWith('python3') ? `app-${name}` : name
}

async function writeJson(file: string, json: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, serialize(json))
}

function setOutput(name: string, value: string): void {
  core.setOutput(name, value)
}

export async function run(): Promise<void> {
  const started = Date.now()
  try {
    const inputs = readInputs()
    const { project, entrypoint } = await core.group('Inspect the app', () => inspectApp(inputs))
    const tools = await core.group('Preflight', () => preflight())

    const workDir = path.dirname(inputs.manifestPath)
    const target: BuildTarget = {
      appId: inputs.appId,
      arch: inputs.arch,
      branch: inputs.branch,
      manifest: inputs.manifestPath,
      buildDir: inputs.buildDir,
      repo: path.join(workDir, 'repo')
    }
    const remote = { name: inputs.remoteName, url: inputs.remoteUrl }
    const appModule = appModuleName(project, inputs.command)

    const archive = await core.group('Archive the app', async () => {
      const file = path.join(workDir, `${appModule}-source.tar`)
      const { sha256, files } = await archiveApp(inputs.appPath, file, [
        workDir,
        inputs.buildDir,
        inputs.bundlePath
      ])
      core.info(`${files} files → ${file} (sha256 ${sha256})`)
      return { path: path.basename(file), sha256 }
    })

    const identity: TopLevelSpec = {
      appId: inputs.appId,
      runtime: inputs.runtime,
      runtimeVersion: inputs.runtimeVersion,
      sdk: inputs.sdk,
      command: inputs.command,
      finishArgs: inputs.finishArgs,
      python: inputs.python
    }

    await core.group('Add the remote', () => runChecked('flatpak remote-add', remoteAddArgs(remote)))

    const pythonVersion = await core.group('Build Python', async () => {
      const pythonManifest = pythonManifestPath(inputs.manifestPath)
      await writeJson(pythonManifest, pythonOnlyManifest(identity))
      await runBuilder(
        buildPythonArgs({ ...target, manifest: pythonManifest }, remote, tools.rofilesFuse),
        workDir
      )
      await lendPythonStages(target.arch, inputs.manifestPath)
      const { lines } = await runChecked(
        'Running the built Python',
        sandboxArgs(target.buildDir, [], {}, [
          '/app/bin/python3',
          '-c',
          'import platform; print(platform.python_version())'
        ])
      )
      return lines.at(-1)!.text.trim()
    })
    setOutput(Output.PythonVersion, pythonVersion)

    if (inputs.buildNetwork) {
      core.warning(
        'build-network is true: pip downloads from the index while flatpak-builder builds. Flathub rejects manifests that do this; leave build-network off to get pinned, offline sources.',
        { title: `Input ${Input.BuildNetwork}` }
      )
    }
    const { installer, resolution } = await core.group('Resolve requirements', () =>
      resolve(inputs, target, workDir, archive.path)
    )

    const spec: ManifestSpec = {
      ...identity,
      installer: installer.file,
      appModule,
      app: { ...archive, buildDeps: resolution?.appBuildDeps ?? [] },
      launcher:
        entrypoint.kind === 'script' && entrypoint.script === inputs.command
          ? undefined
          : launcherLines(entrypoint),
      requirements: inputs.buildNetwork
        ? {
            kind: 'network',
            file: inputs.requirements ? path.relative(workDir, inputs.requirements) : undefined
          }
        : resolution && resolution.requirements.files.length > 0
          ? { kind: 'pinned', pinned: resolution.requirements }
          : { kind: 'none' },
      index: inputs.index
    }

    await core.group('Write manifest', async () => {
      const { manifest, requirementsModule } = buildManifest(spec)
      await writeJson(inputs.manifestPath, manifest)
      core.info(serialize(manifest))
      if (requirementsModule && spec.requirements.kind === 'pinned') {
        const file = path.join(workDir, REQUIREMENTS_FILE)
        const lock = path.join(workDir, REQUIREMENTS_LOCK)
        await writeJson(file, requirementsModule)
        await fs.writeFile(lock, spec.requirements.pinned.lock)
        core.info(`${file}:\n${serialize(requirementsModule)}`)
        setOutput(Output.RequirementsManifestPath, file)
        setOutput(Output.RequirementsLockPath, lock)
      }
    })
    setOutput(Output.ManifestPath, inputs.manifestPath)

    const build = await core.group('Build', () =>
      runBuilder(buildAppArgs(target, tools.rofilesFuse), workDir)
    )
    setOutput(Output.RepoPath, target.repo)

    await core.group('Smoke run in the SDK', () =>
      runSmoke({
        label: `Smoke run of '${[inputs.command, ...inputs.smokeArgs].join(' ')}' in the SDK`,
        argv: withTimeout(inputs.smokeTimeout, sdkSmokeArgs(target, inputs.command, inputs.smokeArgs)),
        cwd: workDir,
        timeout: inputs.smokeTimeout,
        expect: inputs.smokeExpect
      })
    )

    await core.group('Bundle', async () => {
      await fs.mkdir(path.dirname(inputs.bundlePath), { recursive: true })
      const runtimeRepo = isRepoFile(remote.url) ? remote.url : undefined
      await runChecked('flatpak build-bundle', bundleArgs(target, inputs.bundlePath, runtimeRepo))
      const { size } = await fs.stat(inputs.bundlePath)
      core.info(`${inputs.bundlePath}: ${(size / 1e6).toFixed(1)} MB`)
    })
    setOutput(Output.BundlePath, inputs.bundlePath)

    await core.group('Smoke run under the Platform', () => platformSmoke(inputs, target))

    await writeSummary({
      appId: inputs.appId,
      python: inputs.python.kind === 'runtime' ? `${pythonVersion} (runtime)` : pythonVersion,
      modules: build.modules,
      bundlePath: inputs.bundlePath,
      bundleSize: (await fs.stat(inputs.bundlePath)).size,
      seconds: (Date.now() - started) / 1000
    })
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** Pins pip, then (unless build-network) the requirements and build requirements, in the sandbox. */
async function resolve(
  inputs: Inputs,
  target: BuildTarget,
  workDir: string,
  archive: string
): Promise<{ installer: Installer; resolution?: Resolution }> {
  const started = Date.now()
  const resolveDir = path.join(workDir, 'resolve')
  await fs.rm(resolveDir, { recursive: true, force: true })
  await fs.mkdir(resolveDir, { recursive: true })
  const sandbox = new PipSandbox({
    buildDir: target.buildDir,
    workDir: resolveDir,
    readOnlyDirs: inputs.requirements ? [path.dirname(inputs.requirements)] : [],
    index: inputs.index
  })
  const installer = await resolveInstaller(sandbox, await bundledPip(target.buildDir))
  core.info(`pip ${installer.version} resolves and installs: ${installer.file.url}`)
  if (inputs.buildNetwork) return { installer }

  const appTree = path.join(resolveDir, 'project')
  await fs.mkdir(appTree)
  // pip sees exactly the files the build will get.
  await runChecked('Unpacking the app archive', [
    'tar',
    '--extract',
    `--file=${path.join(workDir, archive)}`,
    `--directory=${appTree}`
  ])
  const resolution = await resolveRequirements(sandbox, installer.argv, {
    workDir: resolveDir,
    requirements: inputs.requirements,
    appTree,
    extras: []
  })
  core.info(
    `Resolved in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${resolution.requirements.files.length} files for the requirements, ${resolution.appBuildDeps.length} to build the app.`
  )
  return { installer, resolution }
}

/**
 * Installs the bundle into a throwaway installation and runs it under the Platform: the SDK run
 * cannot notice a library that only the SDK has.
 */
async function platformSmoke(inputs: Inputs, target: BuildTarget): Promise<void> {
  const installation = await fs.mkdtemp(path.join(os.tmpdir(), 'flatpak-smoke-'))
  // The runtime is already in the user installation: let the throwaway one find it there as its
  // "system" installation instead of downloading it again.
  const userDir = process.env.FLATPAK_USER_DIR || path.join(os.homedir(), '.local/share/flatpak')
  const env = { FLATPAK_USER_DIR: installation, FLATPAK_SYSTEM_DIR: userDir }
  try {
    await runChecked('Installing the bundle', installBundleArgs(inputs.bundlePath), { env })
    await runSmoke({
      label: `Smoke run of '${[inputs.command, ...inputs.smokeArgs].join(' ')}' under ${inputs.runtime}`,
      argv: withTimeout(inputs.smokeTimeout, platformSmokeArgs(target, inputs.smokeArgs)),
      timeout: inputs.smokeTimeout,
      expect: inputs.smokeExpect,
      env
    })
  } finally {
    await fs.rm(installation, { recursive: true, force: true })
  }
}
