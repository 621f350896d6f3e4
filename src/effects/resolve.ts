import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { sandboxArgs } from '../pure/commands.js'
import {
  keptResolutionName,
  parseKeptResolution,
  type Installer,
  type KeptResolution,
  type Resolution
} from '../pure/kept.js'
import {
  archSpecific,
  foreignOnly,
  foreignTarget,
  foreignWheelArgs,
  forArch,
  noFileForArch,
  sdistArgs
} from '../pure/arches.js'
import { uniqueFiles } from '../pure/manifest.js'
import { pipEnvironment, pipPinLine, reportArgs, type PackageIndex, type PipPin } from '../pure/pip.js'
import { commonDirectory } from '../pure/paths.js'
import type { Plan } from '../pure/plan.js'
import type { LockTarget } from '../pure/lock/locked.js'
import { unmetDependencies } from '../pure/lock/declared.js'
import type { MarkerEnvironment } from '../pure/lock/markers.js'
import { selectPylock } from '../pure/lock/pylock.js'
import { supportedTags } from '../pure/lock/tags.js'
import { selectUvLock } from '../pure/lock/uv-lock.js'
import type { Project, RequirementsText } from '../pure/project.js'
import { hashedPinProblems, LOCK_NAMES, type RequirementsLock } from '../pure/requirements-lock.js'
import { selectPins } from '../pure/lock/requirements-file.js'
import { withoutCredentials } from '../pure/secrets.js'
import type { Resolved } from '../pure/report.js'
import {
  lockText,
  pinReport,
  type PinnedDistribution,
  type PinnedFile,
  type PinnedRequirements,
  type PipReport,
  wheelArches
} from '../pure/requirements.js'
import { sha256File } from './app-source.js'
import { recordKept, trustedKept } from './cache.js'
import { runChecked } from './exec.js'

export interface SandboxSpec {
  /** Build dir holding the built Python as /app. */
  buildDir: string
  /** Scratch directory shared with the sandbox (same path inside): the only host files it sees. */
  workDir: string
  index: PackageIndex
}

export interface ResolveSpec {
  workDir: string
  /** The requirements file, as copied into workDir with the files it includes. */
  requirements?: string
  /** What the requirements are; undefined, like `unpinned`, is a resolution by pip. */
  lock?: RequirementsLock
  /** The app's project as the build will see it, inside workDir. */
  appTree: string
  project: Project
  extras: string[]
  groups: string[]
  /** The arch the build runs for, and every arch the requirements module is for. */
  arch: string
  arches: string[]
}

const PYTHON = '/app/bin/python3'
const HELPER = new URL('./build_requires.py', import.meta.url)
const INTERPRETER = new URL('./interpreter.py', import.meta.url)

/** Runs the pip wheel CPython's ensurepip carries, or else the runtime's own pip (a venv over it sees it). */
export async function bundledPip(buildDir: string): Promise<string[]> {
  const lib = path.join(buildDir, 'files', 'lib')
  for (const dir of (await fs.readdir(lib).catch(() => [])).filter(d => d.startsWith('python3'))) {
    const bundled = path.join(lib, dir, 'ensurepip', '_bundled')
    const wheel = (await fs.readdir(bundled).catch(() => [])).find(
      f => f.startsWith('pip-') && f.endsWith('.whl')
    )
    // A pip wheel runs straight from the archive: python pip-X.whl/pip.
    if (wheel) return [PYTHON, `/app/lib/${dir}/ensurepip/_bundled/${wheel}/pip`]
  }
  return [PYTHON, '-m', 'pip']
}

/**
 * Runs pip in the build sandbox: the built Python as /app, the network (for the index), and no
 * host file but the scratch directory. What runs here is the pull request's code: setup.py and
 * the build backends of the project and of every sdist.
 */
export class PipSandbox {
  constructor(
    private readonly spec: SandboxSpec,
    private readonly env = pipEnvironment(spec.index, process.env)
  ) {}

  get workDir(): string {
    return this.spec.workDir
  }

  async run(what: string, command: string[]): Promise<string> {
    const access = { dirs: [this.spec.workDir], env: this.env, network: true }
    const { lines } = await runChecked(what, sandboxArgs(this.spec.buildDir, access, command))
    return lines.map(l => l.text).join('\n')
  }

  async report(what: string, pip: string[], name: string, args: string[]): Promise<PipReport> {
    const file = path.join(this.spec.workDir, `${name}.json`)
    await this.run(what, reportArgs(pip, file, args))
    return JSON.parse(await fs.readFile(file, 'utf8')) as PipReport
  }
}

/**
 * The pip of pip-version, fetched by the pip the Python came with (CPython 3.11.2 brings 22.3.1,
 * which writes no report format 1) and checked against its sha256: it resolves, and the build
 * installs with it, so no pip needs to be part of the app.
 */
export async function resolveInstaller(
  sandbox: PipSandbox,
  bootstrap: string[],
  pin: PipPin
): Promise<Installer> {
  const dest = path.join(sandbox.workDir, 'installer')
  await fs.mkdir(dest, { recursive: true })
  const pinFile = path.join(dest, 'pip.txt')
  await fs.writeFile(pinFile, pipPinLine(pin))
  await sandbox.run(`Fetching pip ${pin.version}`, [
    ...bootstrap,
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--require-hashes',
    '--dest',
    dest,
    '-r',
    pinFile
  ])
  const wheel = (await fs.readdir(dest)).find(f => f.endsWith('.whl'))
  const sha256 = wheel && (await sha256File(path.join(dest, wheel)))
  if (!wheel || sha256 !== pin.sha256) {
    throw new Error(
      `pip download gave ${wheel ?? 'no wheel'}${sha256 ? ` with sha256 ${sha256}` : ''}, not ${pin.file} with sha256 ${pin.sha256}.`
    )
  }
  const argv = [PYTHON, path.join(dest, wheel, 'pip')]
  const report = await sandbox.report('Pinning pip', argv, 'installer', [
    '--no-deps',
    '--only-binary=:all:',
    `pip==${pin.version}`
  ])
  const { pinned, problems } = pinReport(report)
  failOnProblems('pip itself cannot be pinned', problems)
  const file = pinned[0]
  if (file.filename !== wheel || file.sha256 !== sha256) {
    throw new Error(
      `pip's report names ${file.filename} (sha256 ${file.sha256}), but the download was ${wheel} (sha256 ${sha256}).`
    )
  }
  return { file: { url: file.url, sha256, filename: wheel }, version: pin.version, argv }
}

function failOnProblems(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what}:\n${problems.map(p => `  - ${p}`).join('\n')}`)
}

/**
 * Resolves the requirements and the app's own dependencies with pip, in the build sandbox, with the
 * Python the Flatpak will contain: markers and Requires-Python are evaluated for exactly that
 * interpreter. Then the same for what each sdist (and the app) needs to build, as wheels.
 */
export async function resolveRequirements(
  sandbox: PipSandbox,
  pip: string[],
  spec: ResolveSpec
): Promise<Resolution> {
  const helper = path.join(spec.workDir, 'build_requires.py')
  await fs.copyFile(HELPER, helper)

  /** What a source tree (an sdist's URL#sha256=, or a directory) needs to build, pinned as wheels. */
  const buildDeps = async (source: string, label: string, report: string): Promise<PinnedDistribution[]> => {
    const output = await sandbox.run(`Finding the build requirements of ${label}`, [
      PYTHON,
      helper,
      spec.workDir,
      JSON.stringify(pip),
      source
    ])
    const found = JSON.parse(output.trim().split('\n').at(-1)!) as Record<
      string,
      { requires: string[]; dynamic: string[] }
    >
    const { requires, dynamic } = found[source]
    const resolved = await sandbox.report(`Resolving the build requirements of ${label}`, pip, report, [
      '--only-binary=:all:',
      ...requires,
      ...dynamic
    ])
    const result = pinReport(resolved)
    failOnProblems(`The build requirements of ${label} cannot be pinned`, result.problems)
    return result.pinned
  }

  const requirements = async (): Promise<PinnedRequirements> => {
    const locked = spec.lock && spec.lock.kind !== 'unpinned' ? spec.lock : undefined
    let target = locked ? await lockTarget(sandbox, pip, spec) : undefined
    const native = locked
      ? await lockedPins(sandbox, pip, spec, locked, target!)
      : await resolvedPins(sandbox, pip, spec)
    // Only a lock or a compiled wheel can differ between arches.
    const others = locked || archSpecific(native).length > 0 ? spec.arches.filter(a => a !== spec.arch) : []
    const pinned = [...native]
    for (const arch of others) {
      if (!target) target = await lockTarget(sandbox, pip, spec)
      pinned.push(...(await pinsForArch(sandbox, pip, spec, native, target, arch)))
    }
    const sdistDeps = await Promise.all(
      pinned
        .filter(p => p.kind === 'sdist')
        .map((sdist, i) =>
          buildDeps(
            `${sdist.url}#sha256=${sdist.sha256}`,
            `${sdist.name} ${sdist.version}`,
            `build-report-${i}`
          )
        )
    )
    return { lock: lockText(pinned), files: uniqueFiles([...pinned, ...sdistDeps.flat()].map(pinnedFile)) }
  }

  // The app's build requirements do not depend on the resolution: they are found meanwhile. Both
  // finish before the first failure is reported, so no pip keeps running behind the action's back.
  const [pinned, app] = await Promise.allSettled([
    requirements(),
    buildDeps(spec.appTree, 'the app', 'build-report-app')
  ])
  if (pinned.status === 'rejected') throw pinned.reason
  if (app.status === 'rejected') throw app.reason
  return {
    requirements: pinned.value,
    appBuildDeps: uniqueFiles(app.value.map(pinnedFile)),
    from: spec.lock?.kind ?? 'unpinned'
  }
}

/** The requirements and the app's own dependencies, as pip's resolver chooses them. */
async function resolvedPins(
  sandbox: PipSandbox,
  pip: string[],
  spec: ResolveSpec
): Promise<PinnedDistribution[]> {
  const appTarget = spec.extras.length > 0 ? `${spec.appTree}[${spec.extras.join(',')}]` : spec.appTree
  const main = await sandbox.report('Resolving the requirements with pip', pip, 'report', [
    ...(spec.requirements ? ['-r', spec.requirements] : []),
    ...spec.groups.flatMap(group => ['--group', `${spec.appTree}/pyproject.toml:${group}`]),
    appTarget
  ])
  const { pinned, problems } = pinReport(main, `file://${spec.appTree}`)
  failOnProblems('These requirements cannot be pinned', problems)
  return pinned
}

/**
 * The files a lock installs for the app's own Python, as locked: no resolver chooses a version.
 * A hashed requirements file goes through pip with --require-hashes, which finds each pinned
 * file on the index by its hash and refuses a pin that is missing or matches no file; a
 * pylock.toml or uv.lock names its files itself. Then the project's own dependencies must all be
 * among them.
 */
async function lockedPins(
  sandbox: PipSandbox,
  pip: string[],
  spec: ResolveSpec,
  lock: Exclude<RequirementsLock, { kind: 'unpinned' }>,
  target: LockTarget
): Promise<PinnedDistribution[]> {
  const name = LOCK_NAMES[lock.kind]
  let pinned: PinnedDistribution[]
  if (lock.kind === 'hashed') {
    const report = await sandbox.report(`Finding the files of ${name} on the index`, pip, 'report', [
      '--require-hashes',
      '-r',
      spec.requirements!
    ])
    const result = pinReport(report)
    const { pins, problems } = selectPins(lock.pins, target.environment)
    failOnProblems(`${name} cannot be pinned`, [
      ...problems,
      ...result.problems,
      ...hashedPinProblems(pins, result.pinned)
    ])
    pinned = result.pinned
  } else {
    pinned = selectLockFile(spec, lock, target, 'this Python')
  }
  const unmet = unmetDependencies(spec.project.declared, spec.extras, pinned, target.environment, name)
  failOnProblems(
    `${name} does not install what the project requires`,
    unmet.map(u => u.message)
  )
  return pinned
}

/** The files a pylock.toml or uv.lock installs for a target. */
function selectLockFile(
  spec: ResolveSpec,
  lock: Extract<RequirementsLock, { kind: 'pylock' | 'uv.lock' }>,
  target: LockTarget,
  what: string
): PinnedDistribution[] {
  const options = { project: spec.project.name }
  const selection =
    lock.kind === 'pylock'
      ? selectPylock(lock.lock, target, options)
      : selectUvLock(lock.lock, target, options)
  failOnProblems(`${lock.lock.path} cannot be installed for ${what}`, selection.problems)
  return selection.pins.map(pin => {
    const onlyArches = wheelArches(pin.filename)
    return { ...pin, url: withoutCredentials(pin.url), ...(onlyArches ? { onlyArches } : {}) }
  })
}

/**
 * What another arch installs instead of the build arch's compiled wheels: the same versions, as
 * that arch's wheels, or else their sdists. A pylock.toml or uv.lock says it itself, for that
 * arch's markers and tags; otherwise pip finds them on the index for that arch's platforms.
 */
async function pinsForArch(
  sandbox: PipSandbox,
  pip: string[],
  spec: ResolveSpec,
  native: PinnedDistribution[],
  target: LockTarget,
  arch: string
): Promise<PinnedDistribution[]> {
  const archTarget = foreignTarget(target, arch)
  const { lock } = spec
  if (lock?.kind === 'pylock' || lock?.kind === 'uv.lock')
    return foreignOnly(native, selectLockFile(spec, lock, archTarget, arch), arch)
  const specific = archSpecific(native)
  if (specific.length === 0) return []
  const wheels = async (pins: PinnedDistribution[], name: string): Promise<PinnedDistribution[]> => {
    const report = await sandbox.report(
      `Finding the ${arch} wheels of ${pins.map(p => `${p.name} ${p.version}`).join(', ')}`,
      pip,
      name,
      foreignWheelArgs(pins, archTarget)
    )
    const result = pinReport(report)
    failOnProblems(`The ${arch} wheels cannot be pinned`, result.problems)
    return result.pinned
  }
  const found: PinnedDistribution[] = []
  const problems: string[] = []
  try {
    found.push(...(await wheels(specific, `${arch}-wheels`)))
  } catch {
    // One of them has no wheel for the arch: find which, and its sdist instead.
    for (const [i, pin] of specific.entries()) {
      try {
        found.push(...(await wheels([pin], `${arch}-wheel-${i}`)))
        continue
      } catch {
        core.info(`${pin.name} ${pin.version} has no ${arch} wheel: looking for its sdist.`)
      }
      try {
        const report = await sandbox.report(
          `Finding the sdist of ${pin.name} ${pin.version}`,
          pip,
          `${arch}-sdist-${i}`,
          sdistArgs(pin)
        )
        const sdist = pinReport(report)
        problems.push(...sdist.problems)
        found.push(...sdist.pinned.map(file => forArch(file, arch)))
      } catch {
        problems.push(noFileForArch(pin, arch))
      }
    }
  }
  if (lock?.kind === 'hashed') problems.push(...hashedPinProblems(lock.pins, found))
  failOnProblems(`The requirements cannot be pinned for ${arch}`, problems)
  return found
}

/** The marker environment and wheel tags of the app's Python, as the pip that installs sees them. */
async function lockTarget(sandbox: PipSandbox, pip: string[], spec: ResolveSpec): Promise<LockTarget> {
  const script = path.join(spec.workDir, 'interpreter.py')
  await fs.copyFile(INTERPRETER, script)
  const output = await sandbox.run('Reading the markers and wheel tags of the Python', [
    PYTHON,
    script,
    path.dirname(pip[1])
  ])
  const found = JSON.parse(output.trim().split('\n').at(-1)!) as {
    environment: MarkerEnvironment
    tags: string[]
  }
  return {
    environment: found.environment,
    tags: supportedTags(found.tags),
    extras: spec.extras,
    groups: spec.groups.length > 0 ? spec.groups : undefined
  }
}

function pinnedFile({ url, sha256, filename, onlyArches }: PinnedDistribution): PinnedFile {
  return { url, sha256, filename, ...(onlyArches ? { onlyArches } : {}) }
}

/**
 * Copies the requirements file and the files it includes into dir, in the same places relative to
 * each other, so that the sandbox sees them and nothing else of the host. Returns the top file's copy.
 */
async function copyRequirements(
  files: RequirementsText[] | undefined,
  dir: string
): Promise<string | undefined> {
  if (!files) return undefined
  const base = commonDirectory(files.map(f => f.path))
  for (const file of files) {
    const copy = path.join(dir, path.relative(base, file.path))
    await fs.mkdir(path.dirname(copy), { recursive: true })
    await fs.writeFile(copy, file.text)
  }
  return path.join(dir, path.relative(base, files[0].path))
}

/**
 * Pins pip, then (unless build-network) the requirements and what they need to build. A resolution
 * is kept with flatpak-builder's state and reused while everything it read is unchanged (see
 * requirementsDigest), so an app-only change resolves nothing.
 */
export async function resolveForBuild(
  plan: Plan,
  pythonVersion: string,
  resolutionDigest: string
): Promise<Resolved> {
  const { inputs, target } = plan
  const kept = keptResolutionName(resolutionDigest, pythonVersion)
  const keptPath = path.join(plan.ownDir, kept)
  const trusted = await trustedKept(plan.ownDir, kept)
  const text = trusted && (await fs.readFile(trusted, 'utf8'))
  const previous = text ? parseKeptResolution(text) : undefined
  if (previous) {
    core.info(
      `Reusing ${kept}: the requirements, the project's metadata, the index and Python ${pythonVersion} are unchanged.`
    )
    return { ...previous, kept, reused: true }
  }
  if (text) core.warning(`${kept} in the restored state is not a resolution: resolving again.`)

  const started = Date.now()
  const resolveDir = path.join(plan.workDir, 'resolve')
  await fs.rm(resolveDir, { recursive: true, force: true })
  await fs.mkdir(resolveDir, { recursive: true })
  const sandbox = new PipSandbox({ buildDir: target.buildDir, workDir: resolveDir, index: inputs.index })
  const installer = await resolveInstaller(sandbox, await bundledPip(target.buildDir), inputs.pip)
  core.info(`pip ${installer.version} resolves and installs: ${installer.file.url}`)
  let resolution: Resolution | undefined
  if (!inputs.buildNetwork) {
    const appTree = path.join(resolveDir, 'project')
    await fs.mkdir(appTree)
    // pip sees exactly the files the build will get.
    await runChecked('Unpacking the app archive', [
      'tar',
      '--extract',
      `--file=${plan.appArchive}`,
      `--directory=${appTree}`
    ])
    resolution = await resolveRequirements(sandbox, installer.argv, {
      workDir: resolveDir,
      requirements: await copyRequirements(plan.app.requirements, path.join(resolveDir, 'requirements')),
      lock: plan.app.lock,
      appTree,
      project: plan.app.project,
      extras: inputs.extras,
      groups: inputs.dependencyGroups,
      arch: target.arch,
      arches: inputs.arches
    })
    core.info(
      `Resolved in ${((Date.now() - started) / 1000).toFixed(1)} s: ${resolution.requirements.files.length} files ` +
        `for the requirements (from ${LOCK_NAMES[resolution.from]}), ${resolution.appBuildDeps.length} to build the app.`
    )
  }
  await fs.mkdir(plan.ownDir, { recursive: true })
  const written: KeptResolution = { installer, resolution }
  await fs.writeFile(keptPath, JSON.stringify(written))
  await recordKept(plan.ownDir, kept)
  return { installer, resolution, kept, reused: false }
}
