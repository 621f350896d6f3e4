import { satisfies, validRange } from '@renovatebot/pep440'
import {
  filenameOfUrl,
  isTable,
  pinForPackage,
  readToml,
  type LockedDependency,
  type LockedFile,
  type LockedPackage,
  type LockedSource,
  type LockFile,
  type LockRead,
  type LockSelection,
  type LockTarget,
  type TomlTable
} from './locked.js'
import { evaluateMarker, MarkerError, parseMarker } from './markers.js'
import { normalizeName } from './names.js'

// PEP 751 lock files, as https://packaging.python.org/en/latest/specifications/pylock-toml/ defines
// them: `lock-version` 1.x, `created-by`, and `[[packages]]` whose files carry `hashes`.

// A file named pylock.toml or pylock.<name>.toml (the spec's r"^pylock\.([^.]+\.)?toml$").
export const PYLOCK_NAME = /^pylock\.([^.]+\.)?toml$/

const strings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(v => typeof v === 'string')

interface Reader {
  path: string
  problems: string[]
}

function readHashes(reader: Reader, where: string, value: unknown): Record<string, string> {
  if (!isTable(value) || Object.keys(value).length === 0) {
    reader.problems.push(
      `${reader.path}: ${where} has no hashes; the spec requires at least one (sha256 for the action). Re-lock it.`
    )
    return {}
  }
  const hashes: Record<string, string> = {}
  for (const [algorithm, digest] of Object.entries(value)) {
    if (typeof digest === 'string') hashes[algorithm.toLowerCase()] = digest.toLowerCase()
  }
  return hashes
}

function readFile(
  reader: Reader,
  where: string,
  value: unknown,
  fallbackName?: string
): LockedFile | undefined {
  if (!isTable(value)) {
    reader.problems.push(`${reader.path}: ${where} is not a table.`)
    return undefined
  }
  const url = typeof value.url === 'string' ? value.url : undefined
  const path = typeof value.path === 'string' ? value.path : undefined
  if (!url && !path) {
    reader.problems.push(`${reader.path}: ${where} has neither url nor path; the spec requires one.`)
    return undefined
  }
  const name = typeof value.name === 'string' ? value.name : undefined
  const filename = name ?? (url ? filenameOfUrl(url) : (path!.split(/[/\\]/).at(-1) ?? fallbackName ?? ''))
  return {
    ...(url ? { url } : {}),
    ...(path ? { path } : {}),
    filename,
    hashes: readHashes(reader, where, value.hashes),
    ...(typeof value.size === 'number' ? { size: value.size } : {})
  }
}

function readSource(
  reader: Reader,
  name: string,
  pkg: TomlTable
): { source: LockedSource; archive?: LockedFile } {
  const present = ['vcs', 'directory', 'archive', 'sdist', 'wheels'].filter(key => pkg[key] !== undefined)
  const exclusive = present.filter(key => key === 'vcs' || key === 'directory' || key === 'archive')
  if (exclusive.length > 1 || (exclusive.length === 1 && present.length > 1)) {
    reader.problems.push(
      `${reader.path}: package ${name} has ${present.join(' and ')}; the spec allows vcs, directory or archive alone, or sdist and wheels.`
    )
  }
  if (isTable(pkg.vcs)) {
    const url =
      typeof pkg.vcs.url === 'string' ? pkg.vcs.url : typeof pkg.vcs.path === 'string' ? pkg.vcs.path : '?'
    const commit = typeof pkg.vcs['commit-id'] === 'string' ? pkg.vcs['commit-id'] : undefined
    return {
      source: {
        kind: 'git',
        url: `${typeof pkg.vcs.type === 'string' ? pkg.vcs.type + '+' : ''}${url}`,
        ...(commit ? { commit } : {})
      }
    }
  }
  if (isTable(pkg.directory)) {
    const path = typeof pkg.directory.path === 'string' ? pkg.directory.path : '?'
    return { source: { kind: 'directory', path, editable: pkg.directory.editable === true } }
  }
  if (pkg.archive !== undefined) {
    const archive = readFile(reader, `package ${name}'s archive`, pkg.archive)
    if (archive?.url) return { source: { kind: 'url', url: archive.url }, archive }
    return { source: { kind: 'path', path: archive?.path ?? '?' }, ...(archive ? { archive } : {}) }
  }
  return { source: { kind: 'registry', ...(typeof pkg.index === 'string' ? { index: pkg.index } : {}) } }
}

function readDependencies(value: unknown): LockedDependency[] {
  if (!Array.isArray(value)) return []
  return value.filter(isTable).map(dep => ({
    name: normalizeName(String(dep.name ?? '')),
    ...(typeof dep.version === 'string' ? { version: dep.version } : {}),
    extras: []
  }))
}

function checkMarker(reader: Reader, where: string, marker: string) {
  try {
    parseMarker(marker)
  } catch (error) {
    if (!(error instanceof MarkerError)) throw error
    reader.problems.push(`${reader.path}: ${where}: ${error.message}`)
  }
}

/**
 * Reads a pylock.toml: checks what the spec requires (lock-version 1.x, created-by, packages with
 * names, hashes on every file, exclusive sources, markers that parse) and returns the lock in the
 * shape shared with uv.lock. Problems name the file and the package.
 */
export function parsePylock(text: string, path = 'pylock.toml'): LockRead {
  const { table, problem } = readToml(text, path)
  if (!table) return { problems: [problem!] }
  const reader: Reader = { path, problems: [] }

  const version = table['lock-version']
  if (typeof version !== 'string') {
    return {
      problems: [
        `${path} has no lock-version: it is not a PEP 751 lock file. Write it with a tool that exports pylock.toml (pip lock, uv export -o pylock.toml, pdm export -f pylock).`
      ]
    }
  }
  if (!/^1(\.\d+)?$/.test(version)) {
    return {
      problems: [
        `${path} has lock-version '${version}'; the action reads version 1 (PEP 751). Update the action, or lock with a tool that writes version 1.0.`
      ]
    }
  }
  if (typeof table['created-by'] !== 'string')
    reader.problems.push(`${path} has no created-by; the spec requires the name of the tool that wrote it.`)
  const requiresPython = table['requires-python']
  if (requiresPython !== undefined && (typeof requiresPython !== 'string' || !validRange(requiresPython))) {
    reader.problems.push(
      `${path}: requires-python '${String(requiresPython)}' is not a version specifier like >=3.11.`
    )
  }
  const environments = strings(table.environments) ? table.environments : []
  environments.forEach(marker => checkMarker(reader, 'environments', marker))
  const list = (key: string) => (strings(table[key]) ? (table[key] as string[]).map(normalizeName) : [])

  if (!Array.isArray(table.packages)) {
    reader.problems.push(`${path} has no [[packages]]; the spec requires the array, even if empty.`)
  }
  const packages: LockedPackage[] = []
  for (const [index, pkg] of (Array.isArray(table.packages) ? table.packages : []).entries()) {
    if (!isTable(pkg) || typeof pkg.name !== 'string') {
      reader.problems.push(`${path}: package number ${index + 1} has no name.`)
      continue
    }
    const name = normalizeName(pkg.name)
    const { source, archive } = readSource(reader, name, pkg)
    const wheels: LockedFile[] = []
    if (pkg.wheels !== undefined && !Array.isArray(pkg.wheels))
      reader.problems.push(`${path}: package ${name}'s wheels is not an array.`)
    for (const [n, wheel] of (Array.isArray(pkg.wheels) ? pkg.wheels : []).entries()) {
      const file = readFile(reader, `package ${name}'s wheel number ${n + 1}`, wheel)
      if (file) wheels.push(file)
    }
    const sdist = pkg.sdist !== undefined ? readFile(reader, `package ${name}'s sdist`, pkg.sdist) : undefined
    if (typeof pkg.marker === 'string') checkMarker(reader, `package ${name}'s marker`, pkg.marker)
    const packageRequiresPython =
      typeof pkg['requires-python'] === 'string' ? pkg['requires-python'] : undefined
    if (packageRequiresPython !== undefined && !validRange(packageRequiresPython)) {
      reader.problems.push(
        `${path}: package ${name}'s requires-python '${packageRequiresPython}' is not a version specifier.`
      )
    }
    packages.push({
      name,
      ...(typeof pkg.version === 'string' ? { version: pkg.version } : {}),
      ...(typeof pkg.marker === 'string' ? { marker: pkg.marker } : {}),
      ...(packageRequiresPython ? { requiresPython: packageRequiresPython } : {}),
      source,
      wheels,
      ...(sdist ? { sdist } : {}),
      ...(archive ? { archive } : {}),
      dependencies: readDependencies(pkg.dependencies),
      optionalDependencies: {},
      dependencyGroups: {}
    })
  }
  if (reader.problems.length > 0) return { problems: reader.problems }
  return {
    lock: {
      format: 'pylock',
      path,
      ...(typeof requiresPython === 'string' ? { requiresPython } : {}),
      environments,
      extras: list('extras'),
      dependencyGroups: list('dependency-groups'),
      defaultGroups: list('default-groups'),
      ...(typeof table['created-by'] === 'string' ? { createdBy: table['created-by'] } : {}),
      packages
    },
    problems: []
  }
}

export interface PylockSelectOptions {
  /** The project's name (`[project].name`): its own entry, a local directory, is not pinned. */
  project?: string
}

/**
 * The files a pylock.toml installs for a target, following the spec's installation steps: the
 * lock's requires-python and environments must fit; each package whose marker holds (with the
 * selected `extras` and `dependency_groups`) is installed, and must narrow to one entry per name.
 * `dependencies` are not followed: the spec says they are for auditing only. The project's own
 * entry (a directory at `.`, or named `options.project`) is left to the action, which builds it.
 */
export function selectPylock(
  lock: LockFile,
  target: LockTarget,
  options: PylockSelectOptions = {}
): LockSelection {
  const problems: string[] = []
  const python = target.environment.python_full_version
  const extras = new Set((target.extras ?? []).map(normalizeName))
  const groups = new Set((target.groups ?? lock.defaultGroups).map(normalizeName))
  for (const extra of extras) {
    if (!lock.extras.includes(extra)) {
      problems.push(
        `${lock.path} has no extra '${extra}' (it has ${lock.extras.length ? lock.extras.join(', ') : 'none'}). Re-lock with the extra, or leave it out.`
      )
    }
  }
  for (const group of groups) {
    if (!lock.dependencyGroups.includes(group) && !lock.defaultGroups.includes(group)) {
      problems.push(
        `${lock.path} has no dependency group '${group}' (it has ${[...lock.dependencyGroups, ...lock.defaultGroups].join(', ') || 'none'}). Re-lock with the group, or leave it out.`
      )
    }
  }
  if (lock.requiresPython && !satisfies(python, lock.requiresPython, { prereleases: true })) {
    problems.push(
      `${lock.path} requires Python ${lock.requiresPython}, but the app's Python is ${python}. Choose a python-version the lock supports, or re-lock.`
    )
  }
  const env = { ...target.environment, extras, dependency_groups: groups }
  const evaluate = (marker: string, where: string): boolean => {
    try {
      return evaluateMarker(marker, env)
    } catch (error) {
      if (!(error instanceof MarkerError)) throw error
      problems.push(`${lock.path}: ${where}: ${error.message}`)
      return false
    }
  }
  if (lock.environments.length > 0 && !lock.environments.some(marker => evaluate(marker, 'environments'))) {
    problems.push(
      `${lock.path} is locked for ${lock.environments.map(m => `\`${m}\``).join(' or ')}, and the app's Python (${python} on ${target.environment.platform_machine} ${target.environment.sys_platform}) is none of them. Re-lock for it.`
    )
  }
  if (problems.length > 0) return { packages: [], pins: [], problems }

  const project = options.project ? normalizeName(options.project) : undefined
  const isProject = (pkg: LockedPackage) =>
    pkg.source.kind === 'directory' && (pkg.source.path === '.' || pkg.name === project)
  const chosen = new Map<string, LockedPackage>()
  for (const pkg of lock.packages) {
    if (isProject(pkg)) continue
    if (pkg.marker && !evaluate(pkg.marker, `package ${pkg.name}'s marker`)) continue
    if (pkg.requiresPython && !satisfies(python, pkg.requiresPython, { prereleases: true })) {
      const what = pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name
      problems.push(
        `${what} in ${lock.path} requires Python ${pkg.requiresPython}, but the app's Python is ${python}. Re-lock for this Python.`
      )
      continue
    }
    const earlier = chosen.get(pkg.name)
    if (earlier) {
      problems.push(
        `${lock.path} installs ${pkg.name} twice for this target (${earlier.version ?? 'no version'} and ${pkg.version ?? 'no version'}): the spec requires their markers to leave one. Re-lock.`
      )
      continue
    }
    chosen.set(pkg.name, pkg)
  }
  const pins = []
  for (const pkg of chosen.values()) {
    if (pkg.source.kind === 'registry' && pkg.wheels.length === 0 && !pkg.sdist) {
      problems.push(
        `${pkg.name} in ${lock.path} has no source: no wheels, sdist, archive, directory or vcs. Re-lock it.`
      )
      continue
    }
    const { pin, problem } = pinForPackage(pkg, target.tags, lock.path)
    if (pin) pins.push(pin)
    if (problem) problems.push(problem)
  }
  return { packages: [...chosen.values()], pins, problems }
}
