import * as path from 'node:path'
import { Input } from './constants.js'
import { workDirOf } from './state.js'
import { atLeast, MIN_PIP, PIP_RELEASES, type PipPin } from './pip.js'
import { type CPythonRelease, findRelease, nearestReleases, RELEASES, tarballUrl } from './python-releases.js'
import { indexSecrets, redactedUrl } from './secrets.js'
import { isTagName, pagesUrl, type ReleaseChoice, type RepositoryOutput, type SigningKey } from './publish.js'

/** The Python that runs the app: CPython built from its tarball, or the runtime's own python3. */
export type PythonChoice = { kind: 'cpython'; release: CPythonRelease; url: string } | { kind: 'runtime' }

export interface Inputs {
  /** Flatpak application ID, e.g. org.example.Hello. */
  appId: string
  python: PythonChoice
  /** Absolute path of the app's project (the directory with pyproject.toml or setup.py). */
  appPath: string
  /** `python3 -m` module or console-script name; undefined: found from the project. */
  entrypoint?: string
  /** Name of the launcher in /app/bin, the manifest's `command`. */
  command: string
  /** Absolute path of a requirements file, if any. */
  requirements?: string
  /** Extras of the app's project to install with it. */
  extras: string[]
  /** Dependency groups (PEP 735) to install from a pylock.toml or uv.lock. */
  dependencyGroups: string[]
  /** Let the build reach the network (Flathub rejects this). */
  buildNetwork: boolean
  /** Where pip finds distributions: a PEP 503 simple index, and an optional second one. */
  index: { url: string; extraUrl?: string }
  /** The pip wheel that resolves and installs, pinned by sha256. */
  pip: PipPin
  runtime: string
  runtimeVersion: string
  sdk: string
  remoteName: string
  remoteUrl: string
  /** false: a plain repository URL is added without GPG verification. */
  remoteGpgVerify: boolean
  finishArgs: string[]
  /** The app's desktop integration: its files in the project (absolute paths), and whether it has a window. */
  desktop: {
    gui: boolean
    metainfo?: string
    desktopFile?: string
    icon?: string
  }
  /** What Flathub's linter's errors do: fail the step, warn, or the linter does not run. */
  flathubLint: 'error' | 'warning' | 'off'
  arch: string
  /** The arches the requirements module and the manifest to submit are for: Flathub builds each. */
  arches: string[]
  branch: string
  /** Keep debug symbols in the app's .Debug extension (flatpak-builder's default), or strip them. */
  debugInfo: boolean
  /** Absolute path of the generated manifest; its directory also holds flatpak-builder's state. */
  manifestPath: string
  buildDir: string
  bundlePath: string
  smokeArgs: string[]
  smokeExpect?: RegExp
  /** Seconds a smoke run may take before it counts as hung. */
  smokeTimeout: number
  cache: {
    enabled: boolean
    keyPrefix: string
    /** When the state is saved: after every run, only after a successful one, or never. */
    save: 'always' | 'on-success' | 'never'
    /** Seconds a restore or a save may take before the run goes on without it. */
    timeout: number
  }
  artifact: {
    /** What is uploaded: the bundle, the bundle with the manifest files, or nothing. */
    upload: 'bundle' | 'with-manifest' | 'none'
    name: string
    retentionDays?: number
  }
  publish: {
    release: ReleaseChoice
    /** The token the release is published with (the job's, by default). */
    token: string
    repository?: RepositoryOutput
    /** Signs the repository's commits and summary, and so the bundle. */
    signingKey?: SigningKey
  }
}

/** Facts about the runner that defaults depend on. */
export interface RunnerContext {
  workspace: string
  tempDir: string
  /** Flatpak's name for the runner's architecture (x86_64, aarch64). */
  arch: string
  /** owner/repo of the workflow's repository (GITHUB_REPOSITORY), when the runner gives it. */
  repository?: string
}

export interface InputError {
  input: string
  message: string
}

/** Bad inputs, found before any work or (the runtime's Python) once they can be checked. */
export class InputErrors extends Error {
  constructor(readonly errors: InputError[]) {
    super(`${errors.length} input${errors.length > 1 ? 's are' : ' is'} not valid; see the errors above.`)
  }
}

export const FLATHUB_REPO = 'https://dl.flathub.org/repo/flathub.flatpakrepo'
/** The arches Flathub builds every app for, unless its flathub.json says otherwise. */
export const SUPPORTED_ARCHES = ['x86_64', 'aarch64']

// Flatpak's rules for application IDs (flatpak_is_valid_name): D-Bus well-known bus names.
const NAME_ELEMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/
const BRANCH = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/
const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/
const SCRIPT_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/
// What CPython's `make install` (or a venv) puts in /app/bin, which a launcher must not replace.
const PYTHON_FILES =
  /^(python[0-9.]*(-config)?|pydoc[0-9.]*|2to3(-[0-9.]+)?|idle[0-9.]*|pip[0-9.]*|activate.*)$/

// What `flatpak build-finish` takes (flatpak 1.14 and 1.16), but what the manifest sets itself.
const FINISH_OPTIONS = [
  '--share',
  '--unshare',
  '--socket',
  '--nosocket',
  '--device',
  '--nodevice',
  '--allow',
  '--disallow',
  '--filesystem',
  '--nofilesystem',
  '--env',
  '--unset-env',
  '--own-name',
  '--talk-name',
  '--no-talk-name',
  '--system-own-name',
  '--system-talk-name',
  '--system-no-talk-name',
  '--add-policy',
  '--remove-policy',
  '--persist',
  '--require-version',
  '--no-exports',
  '--extra-data',
  '--extension',
  '--remove-extension',
  '--extension-priority',
  '--metadata',
  '--no-inherit-permissions',
  '--usb',
  '--nousb',
  '--usb-list',
  '--usb-list-file'
]

/** 127.0.0.0/8, ::1 and localhost: where plain http reaches nothing but the runner itself. */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)
}

function isRepoUrl(url: string): boolean {
  try {
    return new URL(url).pathname.endsWith('.flatpakrepo')
  } catch {
    return false
  }
}

function isLocal(url: string): boolean {
  return new URL(url).protocol === 'file:' || isLoopback(url)
}

/** Why `name` is not a valid Flatpak ID, or undefined when it is one. */
export function flatpakIdProblem(name: string): string | undefined {
  if (name.length > 255) return `is ${name.length} characters long; the limit is 255`
  const elements = name.split('.')
  if (elements.length < 3) return 'needs at least three dot-separated parts'
  const bad = elements.find(e => !NAME_ELEMENT.test(e))
  if (bad !== undefined) {
    return bad === ''
      ? 'has an empty part between dots'
      : `has the part '${bad}': each part must start with a letter or _ and hold only letters, digits, _ and -`
  }
  if (elements.at(-1)!.includes('-')) return 'has a - in its last part, which Flatpak does not allow'
  return undefined
}

function lines(value: string): string[] {
  return value
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
}

function isUrl(value: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol)
  } catch {
    return false
  }
}

const BOOLEAN_TRUE = ['true', 'True', 'TRUE']
const BOOLEAN_FALSE = ['false', 'False', 'FALSE']

/**
 * Reads and checks every input. All problems are collected, so one run reports all of them.
 * `get` returns the raw value of an input ('' when unset), as core.getInput does.
 */
export function parseInputs(
  get: (name: string) => string,
  runner: RunnerContext
): { inputs?: Inputs; errors: InputError[]; warnings: InputError[] } {
  const errors: InputError[] = []
  const fail = (input: string, message: string): void => {
    errors.push({ input, message })
  }
  const value = (name: string, fallback = ''): string => get(name).trim() || fallback
  const resolvePath = (p: string): string => path.resolve(runner.workspace, p)

  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = value(name)
    if (raw === '') return fallback
    if (BOOLEAN_TRUE.includes(raw)) return true
    if (BOOLEAN_FALSE.includes(raw)) return false
    fail(name, `${name} '${raw}' is not a boolean: use true or false.`)
    return fallback
  }

  const flatpakName = (name: string, fallback: string, example: string): string => {
    const id = value(name, fallback)
    const problem = flatpakIdProblem(id)
    if (problem) fail(name, `${name} '${id}' is not a valid Flatpak ID: it ${problem} (e.g. ${example}).`)
    return id
  }

  const branch = (name: string, fallback: string): string => {
    const b = value(name, fallback)
    if (!BRANCH.test(b)) {
      fail(name, `${name} '${b}' is not a valid Flatpak branch: use letters, digits, '.', '_' and '-'.`)
    }
    return b
  }

  const appId = flatpakName(Input.AppId, '', 'org.example.Hello')
  if (value(Input.AppId) === '') {
    errors.pop()
    fail(Input.AppId, 'app-id is required: set it to your Flatpak application ID, like org.example.Hello.')
  }

  const pythonSourceUrl = value(Input.PythonSourceUrl, 'https://www.python.org/ftp/python')
  if (!isUrl(pythonSourceUrl, ['https:', 'http:', 'file:'])) {
    fail(
      Input.PythonSourceUrl,
      `python-source-url '${pythonSourceUrl}' is not an http(s) or file URL: use a python.org-style mirror, like https://www.python.org/ftp/python.`
    )
  }
  const pythonVersion = value(Input.PythonVersion, '3.14')
  const pythonSha256 = value(Input.PythonSha256)
  let python: PythonChoice = { kind: 'runtime' }
  if (pythonSha256 !== '' && !/^[0-9a-f]{64}$/.test(pythonSha256)) {
    fail(
      Input.PythonSha256,
      `python-sha256 '${pythonSha256}' is not a sha256: give the 64 hex digits of Python-X.Y.Z.tgz, as python.org lists them.`
    )
  } else if (pythonSha256 !== '' && !/^\d+\.\d+\.\d+$/.test(pythonVersion)) {
    fail(
      Input.PythonSha256,
      `python-sha256 pins one tarball, but python-version '${pythonVersion}' is not one release: give python-version as X.Y.Z.`
    )
  } else if (pythonVersion !== 'runtime') {
    const known = /^\d+\.\d+(\.\d+)?$/.test(pythonVersion) ? findRelease(pythonVersion) : undefined
    // A release the table does not know yet (or a mirror's own tarball), pinned by the user.
    const release =
      pythonSha256 !== ''
        ? { version: pythonVersion, file: known?.file ?? `Python-${pythonVersion}.tgz`, sha256: pythonSha256 }
        : known
    if (release) {
      python = { kind: 'cpython', release, url: tarballUrl(pythonSourceUrl, release) }
    } else {
      const nearest = /^\d+\.\d+(\.\d+)?$/.test(pythonVersion)
        ? nearestReleases(pythonVersion)
        : [RELEASES.at(-1)!.version]
      fail(
        Input.PythonVersion,
        `python-version '${pythonVersion}' is not a CPython release this action knows. ` +
          `Nearest known: ${nearest.join(', ')}. Use X.Y for its newest patch, X.Y.Z, or 'runtime' for the runtime's own python3; ` +
          'for a release newer than this action, give X.Y.Z with python-sha256.'
      )
    }
  }

  const entrypoint = value(Input.Entrypoint) || undefined
  if (entrypoint !== undefined && !MODULE.test(entrypoint) && !SCRIPT_NAME.test(entrypoint)) {
    fail(
      Input.Entrypoint,
      `entrypoint '${entrypoint}' is neither a Python module (like hello or hello.cli) nor a console-script name.`
    )
  }

  const command = value(Input.Command, appId.split('.').at(-1)!.toLowerCase())
  // An empty default only follows from a missing app-id, which is reported already.
  if (command !== '' && !SCRIPT_NAME.test(command)) {
    fail(
      Input.Command,
      `command '${command}' is not a plain file name for /app/bin: use letters, digits, '.', '_', '+' and '-'.`
    )
  } else if (PYTHON_FILES.test(command)) {
    fail(
      Input.Command,
      `command '${command}' is the name of a file the Python module installs in /app/bin: the launcher would replace it. Name the launcher after the app, like the last part of app-id.`
    )
  }

  const requirementsInput = value(Input.Requirements)
  const extras = lines(get(Input.Extras).replace(/,/g, '\n'))
  const dependencyGroups = lines(get(Input.DependencyGroups).replace(/,/g, '\n'))
  for (const group of dependencyGroups.filter(g => !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(g))) {
    fail(
      Input.DependencyGroups,
      `dependency-groups '${group}' is not a group's name: use letters, digits, '.', '_' and '-', one per line or comma-separated.`
    )
  }
  for (const extra of extras.filter(e => !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(e))) {
    fail(
      Input.Extras,
      `extras '${extra}' is not an extra's name: use letters, digits, '.', '_' and '-', one per line or comma-separated.`
    )
  }
  const indexUrl = value(Input.PipIndexUrl, 'https://pypi.org/simple')
  const extraIndexUrl = value(Input.PipExtraIndexUrl) || undefined
  for (const [name, url] of [
    [Input.PipIndexUrl, indexUrl],
    [Input.PipExtraIndexUrl, extraIndexUrl]
  ] as const) {
    if (url !== undefined && !isUrl(url, ['https:', 'http:', 'file:'])) {
      fail(
        name,
        `${name} '${url}' is not an http(s) or file URL: use a PEP 503 simple index, like https://pypi.org/simple.`
      )
    } else if (url !== undefined && new URL(url).protocol === 'http:' && !isLoopback(url)) {
      // pip ignores a plain-http index that is not --trusted-host, after CPython is built.
      fail(
        name,
        `${name} '${redactedUrl(url)}' is plain http on another host: pip would refuse it. Use https, or an index on 127.0.0.1.`
      )
    }
  }
  const pipVersion = value(Input.PipVersion, PIP_RELEASES.at(-1)!.version)
  const pipSha256 = value(Input.PipSha256)
  const knownPip = PIP_RELEASES.find(p => p.version === pipVersion)
  let pip: PipPin = knownPip ?? {
    version: pipVersion,
    file: `pip-${pipVersion}-py3-none-any.whl`,
    sha256: pipSha256
  }
  if (!/^\d+(\.\d+){1,2}$/.test(pipVersion) || !atLeast(pipVersion.split('.').map(Number), MIN_PIP)) {
    fail(
      Input.PipVersion,
      `pip-version '${pipVersion}' is not a pip release of ${MIN_PIP.join('.')} or later (the first that writes installation reports): use X.Y or X.Y.Z, like ${PIP_RELEASES.at(-1)!.version}.`
    )
  } else if (pipSha256 !== '') {
    if (!/^[0-9a-f]{64}$/.test(pipSha256)) {
      fail(
        Input.PipSha256,
        `pip-sha256 '${pipSha256}' is not a sha256: give the 64 hex digits of the pip wheel.`
      )
    }
    pip = { ...pip, sha256: pipSha256 }
  } else if (!knownPip) {
    fail(
      Input.PipSha256,
      `pip-version '${pipVersion}' is not one this action knows (${PIP_RELEASES.map(p => p.version).join(', ')}): give pip-sha256, the sha256 of ${pip.file} on your index.`
    )
  }
  const buildNetwork = boolean(Input.BuildNetwork, false)
  if (buildNetwork) {
    for (const [name, url] of [
      [Input.PipIndexUrl, indexUrl],
      [Input.PipExtraIndexUrl, extraIndexUrl]
    ] as const) {
      if (url !== undefined && indexSecrets(url).length > 0) {
        fail(
          name,
          `${name} carries credentials, and build-network: true would write them into the manifest, which ships in the bundle: leave build-network off with a private index.`
        )
      }
    }
  }

  const remoteName = value(Input.RemoteName, 'flathub')
  if (!BRANCH.test(remoteName)) {
    fail(
      Input.RemoteName,
      `remote-name '${remoteName}' is not a valid remote name: use letters, digits, '.', '_' and '-'.`
    )
  }
  const remoteUrl = value(Input.RemoteUrl, FLATHUB_REPO)
  const remoteGpgVerify = boolean(Input.RemoteGpgVerify, true)
  if (!isUrl(remoteUrl, ['https:', 'http:', 'file:'])) {
    fail(
      Input.RemoteUrl,
      `remote-url '${remoteUrl}' is not an http(s) or file URL: use a .flatpakrepo file (${FLATHUB_REPO}) or a repository URL.`
    )
  } else if (!isRepoUrl(remoteUrl) && remoteGpgVerify && !isLocal(remoteUrl)) {
    fail(
      Input.RemoteUrl,
      `remote-url '${remoteUrl}' is a repository without its GPG key, which flatpak would add without verifying what it installs: use the repository's .flatpakrepo file (${FLATHUB_REPO}), or set remote-gpg-verify: false to accept that.`
    )
  }

  const finishArgs = lines(get(Input.FinishArgs))
  for (const arg of finishArgs) {
    const option = /^--[a-z-]+/.exec(arg)?.[0]
    if (option === undefined || !FINISH_OPTIONS.includes(option)) {
      fail(
        Input.FinishArgs,
        `finish-args line '${arg}' is not a flatpak finish option: write one option per line, like --socket=wayland.`
      )
    } else if (/\s--[a-z]/.test(arg)) {
      fail(
        Input.FinishArgs,
        `finish-args line '${arg}' holds more than one option: write one option per line.`
      )
    }
  }

  const projectFile = (name: string): string | undefined =>
    value(name) ? resolvePath(value(name)) : undefined
  const metainfo = projectFile(Input.Metainfo)
  const desktopFile = projectFile(Input.DesktopFile)
  const icon = projectFile(Input.Icon)
  for (const [name, file, endings, example] of [
    [Input.Metainfo, metainfo, ['.metainfo.xml', '.appdata.xml'], 'data/org.example.App.metainfo.xml'],
    [Input.DesktopFile, desktopFile, ['.desktop'], 'data/org.example.App.desktop'],
    [Input.Icon, icon, ['.svg', '.png'], 'data/org.example.App.svg']
  ] as const) {
    if (file !== undefined && !endings.some(ending => file.endsWith(ending))) {
      fail(name, `${name} '${value(name)}' must end in ${endings.join(' or ')}, like ${example}.`)
    }
  }
  const gui = boolean(Input.Gui, desktopFile !== undefined || icon !== undefined)
  const flathubLint = value(Input.FlathubLint, 'error')
  if (!['error', 'warning', 'off'].includes(flathubLint)) {
    fail(Input.FlathubLint, `flathub-lint '${flathubLint}' is not one of error, warning, off.`)
  }

  const arch = value(Input.Arch, runner.arch)
  if (!SUPPORTED_ARCHES.includes(arch)) {
    fail(Input.Arch, `arch '${arch}' is not supported: use one of ${SUPPORTED_ARCHES.join(', ')}.`)
  }
  const arches = [...new Set(lines((get(Input.Arches) || SUPPORTED_ARCHES.join(',')).replace(/,/g, '\n')))]
  for (const bad of arches.filter(a => !SUPPORTED_ARCHES.includes(a))) {
    fail(
      Input.Arches,
      `arches '${bad}' is not an arch Flathub builds: list some of ${SUPPORTED_ARCHES.join(', ')}, comma-separated or one per line.`
    )
  }
  if (
    SUPPORTED_ARCHES.includes(arch) &&
    arches.every(a => SUPPORTED_ARCHES.includes(a)) &&
    !arches.includes(arch)
  ) {
    fail(
      Input.Arches,
      `arches '${arches.join(', ')}' leaves out ${arch}, the arch this run builds for: add it, or build for one of the arches listed.`
    )
  }

  const manifestPath = resolvePath(
    value(Input.ManifestPath, path.join(runner.tempDir, 'flatpak-python', `${appId}.json`))
  )
  if (!manifestPath.endsWith('.json')) {
    fail(
      Input.ManifestPath,
      `manifest-path '${manifestPath}' must end in .json: the action writes a JSON manifest.`
    )
  }

  const bundlePath = resolvePath(value(Input.Bundle, `${appId}.flatpak`))
  if (!bundlePath.endsWith('.flatpak')) {
    fail(Input.Bundle, `bundle '${value(Input.Bundle)}' must end in .flatpak, like ${appId}.flatpak.`)
  }

  const smokeExpectRaw = get(Input.SmokeExpect)
  let smokeExpect: RegExp | undefined
  if (smokeExpectRaw !== '') {
    try {
      smokeExpect = new RegExp(smokeExpectRaw, 'm')
    } catch (e) {
      fail(Input.SmokeExpect, `smoke-expect is not a valid regular expression: ${(e as Error).message}.`)
    }
  }
  const smokeTimeoutRaw = value(Input.SmokeTimeout, '120')
  const smokeTimeout = Number(smokeTimeoutRaw)
  if (!/^\d+$/.test(smokeTimeoutRaw) || smokeTimeout < 1) {
    fail(
      Input.SmokeTimeout,
      `smoke-timeout '${smokeTimeoutRaw}' is not a whole number of seconds (1 or more).`
    )
  }

  const saveCache = value(Input.SaveCache, 'always')
  if (!['always', 'on-success', 'never'].includes(saveCache)) {
    fail(Input.SaveCache, `save-cache '${saveCache}' is not one of always, on-success, never.`)
  }
  const keyPrefix = value(Input.CacheKeyPrefix, 'flatpak-python')
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(keyPrefix)) {
    fail(
      Input.CacheKeyPrefix,
      `cache-key-prefix '${keyPrefix}' must be 1 to 100 letters, digits, '.', '_' or '-'.`
    )
  }
  const uploadRaw = value(Input.UploadArtifact, 'true')
  const upload = ({ true: 'bundle', false: 'none', 'with-manifest': 'with-manifest' } as const)[
    uploadRaw as 'true' | 'false' | 'with-manifest'
  ]
  if (!upload) {
    fail(Input.UploadArtifact, `upload-artifact '${uploadRaw}' is not one of true, false, with-manifest.`)
  }
  const artifactName = value(Input.ArtifactName, `${appId}-${arch}`)
  // What the artifact service refuses in names.
  if (/[":<>|*?\\/\r\n]/.test(artifactName)) {
    fail(
      Input.ArtifactName,
      `artifact-name '${artifactName}' has a character artifacts cannot have (" : < > | * ? \\ / or a line break).`
    )
  }
  const retentionRaw = value(Input.RetentionDays)
  if (
    retentionRaw !== '' &&
    !(/^\d+$/.test(retentionRaw) && Number(retentionRaw) >= 1 && Number(retentionRaw) <= 90)
  ) {
    fail(Input.RetentionDays, `retention-days '${retentionRaw}' is not a whole number of days from 1 to 90.`)
  }

  const cacheTimeoutRaw = value(Input.CacheTimeout, '300')
  if (!/^\d+$/.test(cacheTimeoutRaw) || Number(cacheTimeoutRaw) < 1) {
    fail(
      Input.CacheTimeout,
      `cache-timeout '${cacheTimeoutRaw}' is not a whole number of seconds (1 or more).`
    )
  }

  const releaseRaw = value(Input.Release, 'false')
  const release: ReleaseChoice = BOOLEAN_FALSE.includes(releaseRaw)
    ? { kind: 'off' }
    : BOOLEAN_TRUE.includes(releaseRaw)
      ? { kind: 'ref' }
      : { kind: 'tag', tag: releaseRaw }
  if (release.kind === 'tag' && !isTagName(release.tag)) {
    fail(
      Input.Release,
      `release '${releaseRaw}' is neither true, false nor a tag name: use true for the tag the workflow runs for, or a tag like v1.2.0.`
    )
  }
  const privateKey = get(Input.GpgPrivateKey).trim()
  const signingKey = privateKey ? { privateKey, passphrase: get(Input.GpgPassphrase) } : undefined
  if (signingKey && !privateKey.startsWith('-----BEGIN PGP PRIVATE KEY BLOCK-----')) {
    fail(
      Input.GpgPrivateKey,
      'gpg-private-key is not an armored private key: give the output of gpg --export-secret-keys --armor <key>, from a secret.'
    )
  }
  if (!signingKey && get(Input.GpgPassphrase) !== '') {
    fail(Input.GpgPassphrase, 'gpg-passphrase is set but gpg-private-key is not: give the key it unlocks.')
  }
  const repositoryDirRaw = value(Input.RepositoryDir)
  let repository: RepositoryOutput | undefined
  if (repositoryDirRaw !== '') {
    const defaultUrl = runner.repository ? pagesUrl(runner.repository) : ''
    const url = value(Input.RepositoryUrl, defaultUrl)
    const from = value(Input.RepositoryFrom) || undefined
    if (!signingKey) {
      fail(
        Input.RepositoryDir,
        'repository-dir makes a repository users add, which flatpak only trusts signed: give gpg-private-key (and gpg-passphrase) from secrets.'
      )
    }
    if (signingKey && url === '') {
      fail(
        Input.RepositoryUrl,
        'repository-url is needed with repository-dir: give the address repository-dir is served at.'
      )
    } else if (signingKey && !isUrl(url, ['https:', 'http:'])) {
      fail(
        Input.RepositoryUrl,
        `repository-url '${url}' is not an http(s) URL: give the address repository-dir is served at, like https://owner.github.io/repo/.`
      )
    }
    if (from !== undefined && !isUrl(from, ['https:', 'http:', 'file:'])) {
      fail(
        Input.RepositoryFrom,
        `repository-from '${from}' is not an http(s) or file URL: give the served repository of the previous deployment, like https://owner.github.io/repo/repo/.`
      )
    }
    repository = { dir: resolvePath(repositoryDirRaw), url: url.endsWith('/') ? url : `${url}/`, from }
  } else {
    for (const name of [Input.RepositoryUrl, Input.RepositoryFrom]) {
      if (value(name) !== '')
        fail(name, `${name} is set but repository-dir is not: give the directory to write the repository to.`)
    }
  }

  const inputs: Inputs = {
    appId,
    python,
    appPath: resolvePath(value(Input.AppPath, '.')),
    entrypoint,
    command,
    requirements: requirementsInput ? resolvePath(requirementsInput) : undefined,
    extras,
    dependencyGroups,
    buildNetwork,
    index: { url: indexUrl, extraUrl: extraIndexUrl },
    pip,
    runtime: flatpakName(Input.Runtime, 'org.freedesktop.Platform', 'org.freedesktop.Platform'),
    runtimeVersion: branch(Input.RuntimeVersion, '26.08'),
    sdk: flatpakName(Input.Sdk, 'org.freedesktop.Sdk', 'org.freedesktop.Sdk'),
    remoteName,
    remoteUrl,
    remoteGpgVerify,
    finishArgs,
    desktop: { gui, metainfo, desktopFile, icon },
    flathubLint: flathubLint as Inputs['flathubLint'],
    arch,
    arches: SUPPORTED_ARCHES.filter(a => arches.includes(a)),
    branch: branch(Input.Branch, 'stable'),
    debugInfo: boolean(Input.DebugInfo, false),
    manifestPath,
    buildDir: resolvePath(value(Input.BuildDir, path.join(workDirOf(manifestPath), 'build-dir'))),
    bundlePath,
    smokeArgs: lines(get(Input.SmokeArgs)),
    smokeExpect,
    smokeTimeout,
    cache: {
      enabled: boolean(Input.Cache, true),
      keyPrefix,
      save: saveCache as Inputs['cache']['save'],
      timeout: Number(cacheTimeoutRaw)
    },
    artifact: {
      upload: upload ?? 'none',
      name: artifactName,
      retentionDays: retentionRaw ? Number(retentionRaw) : undefined
    },
    publish: { release, token: value(Input.GithubToken), repository, signingKey }
  }
  const warnings: InputError[] = []
  if (!remoteGpgVerify && !isRepoUrl(remoteUrl)) {
    warnings.push({
      input: Input.RemoteGpgVerify,
      message: `remote-gpg-verify is false: ${remoteUrl} is added without GPG verification, so flatpak installs whatever it serves as the runtime and SDK.`
    })
  }
  if (inputs.buildNetwork) {
    warnings.push({
      input: Input.BuildNetwork,
      message:
        'build-network is true: pip downloads from the index while flatpak-builder builds. Flathub rejects manifests that do this; leave build-network off to get pinned, offline sources.'
    })
  }
  return errors.length > 0 ? { errors, warnings } : { inputs, errors, warnings }
}
