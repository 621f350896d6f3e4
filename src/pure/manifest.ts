import type { PythonChoice } from './inputs.js'
import { isPlainWord } from './launcher.js'
import { minorVersion } from './python-releases.js'
import type { PinnedFile, PinnedRequirements } from './requirements.js'
import { cpythonChecker } from './submission.js'

/** The app's own project, as a reproducible source archive next to the manifest. */
export interface AppArchive {
  /** File name, relative to the manifest's directory. */
  path: string
  sha256: string
  /** Wheels the project's build backend needs, pinned like the requirements. */
  buildDeps: PinnedFile[]
  /**
   * For the manifest to submit: the project from its repository at a commit instead of the archive,
   * `subdir` being app-path within the repository ('' for its root).
   */
  git?: { url: string; commit: string; tag?: string; subdir: string }
}

/** A file the app module installs: from the project (a path in it), or written into the manifest. */
export interface FileInstall {
  from: { project: string } | { inline: string; name: string }
  /** Where it goes, relative to /app: share/metainfo/<app-id>.metainfo.xml. */
  to: string
}

export interface ManifestSpec {
  appId: string
  /** The pip wheel every module installs with, run from the wheel itself. */
  installer: PinnedFile
  runtime: string
  runtimeVersion: string
  sdk: string
  command: string
  finishArgs: string[]
  python: PythonChoice
  /** Split debug symbols off into the app's .Debug extension, as Flathub does. */
  debugInfo: boolean
  /** Name of the app's module, as flatpak-builder logs it. */
  appModule: string
  app: AppArchive
  /** Lines of /app/bin/<command>; undefined when command is the app's own console script. */
  launcher?: string[]
  /** MetaInfo, desktop file, icon, licences. */
  installs: FileInstall[]
  requirements:
    { kind: 'pinned'; pinned: PinnedRequirements } | { kind: 'network'; file?: string } | { kind: 'none' }
  /** Index for build-network mode, handed to pip through its environment. */
  index: { url: string; extraUrl?: string }
}

export const REQUIREMENTS_MODULE = 'python3-requirements'
export const REQUIREMENTS_FILE = `${REQUIREMENTS_MODULE}.json`
export const REQUIREMENTS_LOCK = 'requirements.lock'
const PROJECT_DIR = 'project'
const BUILD_DEPS_DIR = 'build-deps'
const INLINE_DIR = 'desktop'
const LAUNCHER = 'flatpak-python-launcher'

type Json = Record<string, unknown>

// Wheel file names are plain words, but this one goes into a shell command.
function pipCommand(installer: PinnedFile, args: string): string {
  if (!isPlainWord(installer.filename))
    throw new Error(`Refusing to put '${installer.filename}' into a build command.`)
  return `/app/bin/python3 ${installer.filename}/pip install --no-cache-dir --disable-pip-version-check --no-warn-script-location --root-user-action=ignore ${args}`
}

// pip uses PEP 517 for every project, setup.py-only ones too, so their build requirements come
// from the pinned wheels and not from whatever the Python has installed.
const OFFLINE = '--no-index --use-pep517'

/**
 * What an app never uses at run time and no later module needs: removed as soon as CPython is
 * installed, so every later stage checks out and commits a third of the files (the test suite
 * alone is 90 MB with its bytecode).
 */
function cpythonTrimCommands(minor: string): string[] {
  const lib = `/app/lib/python${minor}`
  return [
    `rm -rf ${lib}/test ${lib}/*/test ${lib}/*/tests ${lib}/idlelib ${lib}/tkinter ${lib}/turtledemo /app/lib/libpython${minor}.a`,
    // Compiled for python -O/-OO only, which apps are not run with.
    `find ${lib} -name '*.opt-[12].pyc' -delete`
  ]
}

/** What C extensions of the requirements still build with, and pip bootstraps from: removed at the end. */
function cpythonCleanup(minor: string): string[] {
  return [
    '/include',
    '/lib/pkgconfig',
    '/share/man',
    '/bin/2to3*',
    '/bin/idle3*',
    '/bin/pydoc3*',
    '/bin/python3*-config',
    `/lib/python${minor}/config-*`,
    `/lib/python${minor}/ensurepip`
  ]
}

function atLeastMinor(minor: string, atLeast: number): boolean {
  const [major, number] = minor.split('.').map(Number)
  return major > 3 || number >= atLeast
}

/** The first module: CPython from its release tarball, or a venv over the runtime's python3. */
export function pythonModule(python: PythonChoice): Json {
  if (python.kind === 'runtime') {
    // A venv gives /app/bin/python3 and its own site-packages in both modes, so the launcher is the same;
    // system site-packages keep the runtime's own modules (PyGObject in the GNOME runtime) importable.
    return {
      name: 'python3-venv',
      buildsystem: 'simple',
      'build-commands': ['/usr/bin/python3 -m venv --without-pip --system-site-packages /app']
    }
  }
  const minor = minorVersion(python.release.version)
  return {
    name: 'python3',
    sources: [{ type: 'archive', url: python.url, sha256: python.release.sha256 }],
    // No pip or setuptools in the app: the build installs with a pinned pip run from its wheel.
    // No test suite either (3.10 and later can skip building it).
    'config-opts': ['--without-ensurepip', ...(atLeastMinor(minor, 10) ? ['--disable-test-modules'] : [])],
    'post-install': cpythonTrimCommands(minor),
    cleanup: cpythonCleanup(minor)
  }
}

function fileSource(file: PinnedFile, dest?: string): Json {
  return {
    type: 'file',
    url: file.url,
    sha256: file.sha256,
    'dest-filename': file.filename,
    ...(dest ? { dest } : {}),
    ...(file.onlyArches ? { 'only-arches': file.onlyArches } : {})
  }
}

/** The requirements module: every file pinned, installed with one hash-checked, offline pip call. */
export function requirementsModule(pinned: PinnedRequirements, installer: PinnedFile): Json {
  return {
    name: REQUIREMENTS_MODULE,
    buildsystem: 'simple',
    'build-commands': [
      pipCommand(
        installer,
        `${OFFLINE} --find-links="file://\${PWD}" --require-hashes --no-deps -r ${REQUIREMENTS_LOCK}`
      )
    ],
    sources: [
      ...uniqueFiles([installer, ...pinned.files]).map(f => fileSource(f)),
      { type: 'inline', contents: pinned.lock, 'dest-filename': REQUIREMENTS_LOCK }
    ]
  }
}

/** build-network mode: pip reaches the index while building; the index reaches pip through its environment. */
function networkBuildOptions(index: ManifestSpec['index']): Json {
  const env: Record<string, string> = { PIP_INDEX_URL: index.url }
  if (index.extraUrl) env.PIP_EXTRA_INDEX_URL = index.extraUrl
  return { 'build-args': ['--share=network'], env }
}

function networkRequirementsModule(file: string, spec: ManifestSpec): Json {
  return {
    name: REQUIREMENTS_MODULE,
    buildsystem: 'simple',
    'build-options': networkBuildOptions(spec.index),
    'build-commands': [pipCommand(spec.installer, '-r requirements.txt')],
    sources: [fileSource(spec.installer), { type: 'file', path: file, 'dest-filename': 'requirements.txt' }]
  }
}

// Paths that go into build commands: relative, no `..`, nothing a shell reads specially.
const PLAIN_PATH = /^(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_][A-Za-z0-9_.+/-]*$/

export function isPlainPath(p: string): boolean {
  return PLAIN_PATH.test(p)
}

function plainPath(p: string): string {
  if (!isPlainPath(p)) throw new Error(`Refusing to put '${p}' into a build command.`)
  return p
}

function appSource(app: AppArchive): Json {
  return app.git
    ? {
        type: 'git',
        url: app.git.url,
        commit: app.git.commit,
        ...(app.git.tag ? { tag: app.git.tag } : {}),
        dest: PROJECT_DIR
      }
    : // The archive holds the project's files at its top level (archiveApp): nothing to strip.
      { type: 'archive', path: app.path, sha256: app.sha256, 'strip-components': 0, dest: PROJECT_DIR }
}

function appModule(spec: ManifestSpec): Json {
  const network = spec.requirements.kind === 'network'
  const project = spec.app.git?.subdir ? `${PROJECT_DIR}/${plainPath(spec.app.git.subdir)}` : PROJECT_DIR
  const install = network
    ? pipCommand(spec.installer, `./${project}`)
    : pipCommand(
        spec.installer,
        `${OFFLINE} --find-links="file://\${PWD}/${BUILD_DEPS_DIR}" --no-deps ./${project}`
      )
  const commands = [install]
  const sources: Json[] = [
    appSource(spec.app),
    fileSource(spec.installer),
    ...spec.app.buildDeps.map(f => fileSource(f, BUILD_DEPS_DIR))
  ]
  if (spec.launcher) {
    sources.push({ type: 'script', 'dest-filename': LAUNCHER, commands: spec.launcher })
    commands.push(`install -Dm755 ${LAUNCHER} /app/bin/${spec.command}`)
  }
  for (const file of spec.installs) {
    const from =
      'project' in file.from
        ? `${project}/${plainPath(file.from.project)}`
        : `${INLINE_DIR}/${plainPath(file.from.name)}`
    if ('inline' in file.from) {
      sources.push({
        type: 'inline',
        contents: file.from.inline,
        'dest-filename': file.from.name,
        dest: INLINE_DIR
      })
    }
    commands.push(`install -Dm644 ${from} /app/${plainPath(file.to)}`)
  }
  return {
    name: spec.appModule,
    buildsystem: 'simple',
    ...(network ? { 'build-options': networkBuildOptions(spec.index) } : {}),
    'build-commands': commands,
    sources
  }
}

/** What the top level and the first module are made of. */
export type TopLevelSpec = Pick<
  ManifestSpec,
  'appId' | 'runtime' | 'runtimeVersion' | 'sdk' | 'command' | 'finishArgs' | 'python' | 'debugInfo'
>

// flatpak-builder's first stage checksums the top level (not the modules): keep it free of anything
// but the app's identity, so the CPython stage survives every other change.
function topLevel(spec: TopLevelSpec, modules: unknown[]): Json {
  return {
    id: spec.appId,
    runtime: spec.runtime,
    'runtime-version': spec.runtimeVersion,
    sdk: spec.sdk,
    command: spec.command,
    'finish-args': spec.finishArgs,
    'build-options': {
      // Without a .Debug extension, binaries are stripped and no debug files are split off: 40 MB
      // less for CPython that every later stage would check out, commit and export.
      ...(spec.debugInfo ? {} : { 'no-debuginfo': true, strip: true }),
      // A pip configuration of the build machine must not reach the build.
      env: { PIP_CONFIG_FILE: '/dev/null' }
    },
    modules
  }
}

/**
 * The manifest and, when requirements are pinned, the module file it includes. Modules go from least
 * to most often changed (CPython, requirements, the app): flatpak-builder reuses every unchanged
 * leading module from its cache.
 */
export function buildManifest(spec: ManifestSpec): { manifest: Json; requirementsModule?: Json } {
  const modules: unknown[] = [
    spec.app.git ? withUpdateChecker(pythonModule(spec.python)) : pythonModule(spec.python)
  ]
  let included: Json | undefined
  if (spec.requirements.kind === 'pinned') {
    included = requirementsModule(spec.requirements.pinned, spec.installer)
    modules.push(REQUIREMENTS_FILE)
  } else if (spec.requirements.kind === 'network' && spec.requirements.file) {
    modules.push(networkRequirementsModule(spec.requirements.file, spec))
  }
  modules.push(appModule(spec))
  return { manifest: topLevel(spec, modules), requirementsModule: included }
}

/**
 * The manifest that builds only the first module, with the same top level: its stages are the
 * leading stages of the full manifest, so they come from the cache when the full manifest builds.
 */
export function pythonOnlyManifest(spec: TopLevelSpec): Json {
  return topLevel(spec, [pythonModule(spec.python)])
}

/** The CPython module with what Flathub's update bot reads to propose new releases. */
function withUpdateChecker(module: Json): Json {
  const [source, ...rest] = (module.sources as Json[] | undefined) ?? []
  const checker = source && cpythonChecker(String(source.url))
  return checker ? { ...module, sources: [{ ...source, 'x-checker-data': checker }, ...rest] } : module
}

/** Every file once, in a stable order: the same resolution gives the same manifest. */
export function uniqueFiles(files: PinnedFile[]): PinnedFile[] {
  const byHash = new Map<string, PinnedFile>()
  for (const f of files) byHash.set(f.sha256, f)
  return [...byHash.values()].sort((a, b) => a.filename.localeCompare(b.filename))
}

/** Every sha256 in some manifests: flatpak-builder keeps each download in downloads/<sha256>/. */
export function sourceHashes(...manifests: unknown[]): string[] {
  const found = new Set<string>()
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk)
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'sha256' && typeof inner === 'string') found.add(inner)
        else walk(inner)
      }
    }
  }
  manifests.forEach(walk)
  return [...found].sort()
}

export function serialize(json: unknown): string {
  return `${JSON.stringify(json, null, 2)}\n`
}
