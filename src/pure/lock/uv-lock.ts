import { satisfies } from '@renovatebot/pep440'
import {
  filenameOfUrl,
  isTable,
  pinForPackage,
  readToml,
  type LockedDependency,
  type LockedFile,
  type LockedPackage,
  type LockedPin,
  type LockedSource,
  type LockRead,
  type LockSelection,
  type LockTarget,
  type TomlTable
} from './locked.js'
import { evaluateMarker, MarkerError, parseMarker } from './markers.js'
import { normalizeName } from './names.js'

// uv's universal lock file. uv writes `version = 1` (and a `revision` that only adds fields), a
// `[[package]]` per name and version, each with a `source`, its files (`sdist`, `wheels`, with
// `hash = "sha256:…"`) and its edges (`dependencies`, `[package.optional-dependencies]`,
// `[package.dev-dependencies]` for dependency groups), each edge with its marker.
// See https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile and
// https://docs.astral.sh/uv/concepts/resolution/#lockfile-versioning

/** The schema version this reader knows; uv refuses lock files of other versions too. */
export const UV_LOCK_VERSION = 1

/** A uv.lock package and the raw `source` key its edges may name. */
interface UvPackage extends LockedPackage {
  sourceKey: string
}

export interface UvLockFile {
  format: 'uv.lock'
  path: string
  requiresPython?: string
  /** `supported-markers`: the environments the lock was restricted to (`tool.uv.environments`). */
  environments: string[]
  extras: string[]
  dependencyGroups: string[]
  defaultGroups: string[]
  packages: UvPackage[]
}

export interface UvLockRead extends LockRead {
  lock?: UvLockFile
}

function sourceKey(source: TomlTable): string {
  return Object.entries(source)
    .map(([key, value]) => `${key}=${String(value)}`)
    .sort()
    .join(',')
}

function readSource(source: TomlTable): LockedSource | undefined {
  const text = (key: string) => (typeof source[key] === 'string' ? (source[key] as string) : undefined)
  const registry = text('registry')
  if (registry !== undefined) {
    // A registry can be a local directory of files (a flat index); its files then have paths.
    return { kind: 'registry', index: registry }
  }
  const git = text('git')
  if (git !== undefined) {
    const [url, commit] = git.split('#', 2)
    return { kind: 'git', url, ...(commit ? { commit } : {}) }
  }
  const url = text('url')
  if (url !== undefined) return { kind: 'url', url }
  const path = text('path')
  if (path !== undefined) return { kind: 'path', path }
  const directory = text('directory')
  if (directory !== undefined) return { kind: 'directory', path: directory, editable: false }
  const editable = text('editable')
  if (editable !== undefined) return { kind: 'directory', path: editable, editable: true }
  const virtual = text('virtual')
  if (virtual !== undefined) return { kind: 'virtual', path: virtual }
  return undefined
}

function readHash(value: unknown): Record<string, string> {
  if (typeof value !== 'string' || !value.includes(':')) return {}
  const [algorithm, digest] = value.split(':', 2)
  return { [algorithm.toLowerCase()]: digest.toLowerCase() }
}

function readFile(value: unknown, sourceUrl?: string): LockedFile | undefined {
  if (!isTable(value)) return undefined
  // A `url` source puts the URL on the source and only the hash on the file.
  const url = typeof value.url === 'string' ? value.url : sourceUrl
  const path = typeof value.path === 'string' ? value.path : undefined
  const filename =
    typeof value.filename === 'string'
      ? value.filename
      : url
        ? filenameOfUrl(url)
        : path
          ? (path.split(/[/\\]/).at(-1) ?? path)
          : ''
  return {
    ...(url ? { url } : {}),
    ...(path ? { path } : {}),
    filename,
    hashes: readHash(value.hash),
    ...(typeof value.size === 'number' ? { size: value.size } : {})
  }
}

function readEdges(value: unknown): LockedDependency[] {
  if (!Array.isArray(value)) return []
  return value.filter(isTable).map(dep => ({
    name: normalizeName(String(dep.name ?? '')),
    ...(typeof dep.version === 'string' ? { version: dep.version } : {}),
    ...(isTable(dep.source) ? { source: sourceKey(dep.source) } : {}),
    ...(typeof dep.marker === 'string' ? { marker: dep.marker } : {}),
    extras: Array.isArray(dep.extra) ? dep.extra.filter(e => typeof e === 'string').map(normalizeName) : []
  }))
}

function readEdgeTable(value: unknown): Record<string, LockedDependency[]> {
  if (!isTable(value)) return {}
  return Object.fromEntries(
    Object.entries(value).map(([key, edges]) => [normalizeName(key), readEdges(edges)])
  )
}

/**
 * Reads a uv.lock: checks its schema version, that every package has a name and a source and
 * that every edge's marker parses, and returns the lock in the shape shared with pylock.toml.
 */
export function parseUvLock(text: string, path = 'uv.lock'): UvLockRead {
  const { table, problem } = readToml(text, path)
  if (!table) return { problems: [problem!] }
  if (table.version !== UV_LOCK_VERSION) {
    const found = table.version === undefined ? 'no version' : `version ${String(table.version)}`
    return {
      problems: [
        `${path} has ${found}; the action reads uv.lock version ${UV_LOCK_VERSION}. Re-lock with a uv release that writes version ${UV_LOCK_VERSION}, or update the action.`
      ]
    }
  }
  const problems: string[] = []
  const checkMarker = (where: string, marker: string) => {
    try {
      parseMarker(marker)
    } catch (error) {
      if (!(error instanceof MarkerError)) throw error
      problems.push(`${path}: ${where}: ${error.message}`)
    }
  }
  const environments = Array.isArray(table['supported-markers'])
    ? table['supported-markers'].filter((m): m is string => typeof m === 'string')
    : []
  environments.forEach(marker => checkMarker('supported-markers', marker))

  const packages: UvPackage[] = []
  for (const [index, pkg] of (Array.isArray(table.package) ? table.package : []).entries()) {
    if (!isTable(pkg) || typeof pkg.name !== 'string') {
      problems.push(`${path}: package number ${index + 1} has no name.`)
      continue
    }
    const name = normalizeName(pkg.name)
    const source = isTable(pkg.source) ? readSource(pkg.source) : undefined
    if (!source) {
      problems.push(
        `${path}: package ${name} has no source uv knows (registry, git, url, path, directory, editable or virtual).`
      )
      continue
    }
    const sourceUrl = source.kind === 'url' ? source.url : undefined
    const wheels = (Array.isArray(pkg.wheels) ? pkg.wheels : [])
      .map(wheel => readFile(wheel, sourceUrl))
      .filter((wheel): wheel is LockedFile => wheel !== undefined)
    const sdist = readFile(pkg.sdist, sourceUrl)
    const locked: UvPackage = {
      name,
      ...(typeof pkg.version === 'string' ? { version: pkg.version } : {}),
      source,
      sourceKey: isTable(pkg.source) ? sourceKey(pkg.source) : '',
      wheels,
      ...(sdist ? { sdist } : {}),
      dependencies: readEdges(pkg.dependencies),
      optionalDependencies: readEdgeTable(pkg['optional-dependencies']),
      dependencyGroups: readEdgeTable(pkg['dev-dependencies'])
    }
    const edges = [
      ...locked.dependencies.map(edge => ({ edge, where: 'dependencies' })),
      ...Object.entries(locked.optionalDependencies).flatMap(([extra, list]) =>
        list.map(edge => ({ edge, where: `optional-dependencies.${extra}` }))
      ),
      ...Object.entries(locked.dependencyGroups).flatMap(([group, list]) =>
        list.map(edge => ({ edge, where: `dev-dependencies.${group}` }))
      )
    ]
    for (const { edge, where } of edges) {
      if (edge.marker) checkMarker(`${name}'s ${where} edge to ${edge.name}`, edge.marker)
    }
    packages.push(locked)
  }
  if (problems.length > 0) return { problems }
  return {
    lock: {
      format: 'uv.lock',
      path,
      ...(typeof table['requires-python'] === 'string' ? { requiresPython: table['requires-python'] } : {}),
      environments,
      extras: [],
      dependencyGroups: [],
      defaultGroups: [],
      packages
    },
    problems: []
  }
}

/** The project's own packages: the lock's editable or virtual packages at `.`. */
function isProjectRoot(pkg: LockedPackage): boolean {
  const source = pkg.source
  return (
    ((source.kind === 'directory' && source.editable) || source.kind === 'virtual') && source.path === '.'
  )
}

// uv writes conflicting extras and groups into markers as `extra == 'extra-{len}-{package}-{extra}'`
// and `extra == 'group-{len}-{package}-{group}'` (encode_package_extra and encode_package_group in
// crates/uv-resolver/src/universal_marker.rs); `len` keeps the encoding unambiguous.
export function conflictExtra(kind: 'extra' | 'group', pkg: string, name: string): string {
  return `${kind}-${pkg.length}-${pkg}-${name}`
}

export interface UvSelectOptions {
  /** The project's name (`[project].name`); needed when the lock has more than one root at `.`. */
  project?: string
}

/**
 * The files uv would install for a target from a uv.lock: the project's dependencies, with its
 * selected extras and dependency groups, followed through the lock's edges whose markers hold.
 * Packages that only other platforms or Pythons reach are left out. The project itself is not
 * pinned (the action builds it from its source); any other local or git package it reaches is a
 * problem. Groups are only those asked for: uv's own default (`dev`) is for development.
 */
export function selectUvLock(
  lock: UvLockFile,
  target: LockTarget,
  options: UvSelectOptions = {}
): LockSelection {
  const problems: string[] = []
  const python = target.environment.python_full_version
  if (lock.requiresPython && !satisfies(python, lock.requiresPython, { prereleases: true })) {
    problems.push(
      `${lock.path} requires Python ${lock.requiresPython}, but the app's Python is ${python}. Choose a python-version the lock supports, or re-lock.`
    )
  }

  const roots = options.project
    ? lock.packages.filter(pkg => pkg.name === normalizeName(options.project!))
    : lock.packages.filter(isProjectRoot)
  if (roots.length !== 1) {
    const why = options.project
      ? `${lock.path} has no package ${normalizeName(options.project)}`
      : roots.length === 0
        ? `${lock.path} has no project at '.' (a package with source editable or virtual '.')`
        : `${lock.path} has ${roots.length} projects at '.' (${roots.map(r => r.name).join(', ')})`
    problems.push(
      `${why}: lock the app's own project with \`uv lock\` in the directory of its pyproject.toml.`
    )
    return { packages: [], pins: [], problems }
  }
  const root = roots[0]

  const extras = [...new Set((target.extras ?? []).map(normalizeName))]
  const groups = [...new Set((target.groups ?? []).map(normalizeName))]
  for (const extra of extras) {
    if (!root.optionalDependencies[extra]) {
      const known = Object.keys(root.optionalDependencies)
      problems.push(
        `${root.name} has no extra '${extra}' in ${lock.path} (it has ${known.length ? known.join(', ') : 'none'}). Add it to [project.optional-dependencies] and re-lock, or leave it out.`
      )
    }
  }
  for (const group of groups) {
    if (!root.dependencyGroups[group]) {
      const known = Object.keys(root.dependencyGroups)
      problems.push(
        `${root.name} has no dependency group '${group}' in ${lock.path} (it has ${known.length ? known.join(', ') : 'none'}). Add it to [dependency-groups] and re-lock, or leave it out.`
      )
    }
  }
  const env = {
    ...target.environment,
    extra: new Set([
      ...extras.map(extra => conflictExtra('extra', root.name, extra)),
      ...groups.map(group => conflictExtra('group', root.name, group))
    ])
  }
  const holds = (marker: string, where: string): boolean => {
    try {
      return evaluateMarker(marker, env)
    } catch (error) {
      if (!(error instanceof MarkerError)) throw error
      problems.push(`${lock.path}: ${where}: ${error.message}`)
      return false
    }
  }
  if (lock.environments.length > 0 && !lock.environments.some(marker => holds(marker, 'supported-markers'))) {
    problems.push(
      `${lock.path} is locked only for ${lock.environments.map(m => `\`${m}\``).join(' or ')} (tool.uv.environments), and the app's Python (${python} on ${target.environment.platform_machine} ${target.environment.sys_platform}) is none of them. Add it and re-lock.`
    )
  }
  if (problems.length > 0) return { packages: [], pins: [], problems }

  const byName = new Map<string, UvPackage[]>()
  for (const pkg of lock.packages) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg])
  const resolve = (edge: LockedDependency, from: UvPackage): UvPackage | undefined => {
    const candidates = (byName.get(edge.name) ?? []).filter(
      pkg =>
        (edge.version === undefined || pkg.version === edge.version) &&
        (edge.source === undefined || pkg.sourceKey === edge.source)
    )
    if (candidates.length === 1) return candidates[0]
    problems.push(
      candidates.length === 0
        ? `${lock.path}: ${from.name} depends on ${edge.name}${edge.version ? ` ${edge.version}` : ''}, which the lock does not list. Re-lock with \`uv lock\`.`
        : `${lock.path}: ${from.name} depends on ${edge.name}, and the lock lists ${candidates.length} of them without saying which. Re-lock with \`uv lock\`.`
    )
    return undefined
  }

  // Walk the graph: a package is entered once, and each of its extras once.
  const reached = new Set<UvPackage>()
  const reachedExtras = new Set<string>()
  const queue: { edge: LockedDependency; from: UvPackage }[] = []
  const follow = (from: UvPackage, edges: readonly LockedDependency[]) => {
    for (const edge of edges) queue.push({ edge, from })
  }
  follow(root, root.dependencies)
  for (const extra of extras) follow(root, root.optionalDependencies[extra])
  for (const group of groups) follow(root, root.dependencyGroups[group])
  while (queue.length > 0) {
    const { edge, from } = queue.shift()!
    if (edge.marker && !holds(edge.marker, `${from.name}'s edge to ${edge.name}`)) continue
    const pkg = resolve(edge, from)
    if (!pkg) continue
    if (!reached.has(pkg)) {
      reached.add(pkg)
      follow(pkg, pkg.dependencies)
    }
    for (const extra of edge.extras) {
      const key = `${pkg.name}@${pkg.version ?? ''}[${extra}]`
      if (reachedExtras.has(key)) continue
      reachedExtras.add(key)
      follow(pkg, pkg.optionalDependencies[extra] ?? [])
    }
  }
  reached.delete(root)

  const packages = lock.packages.filter(pkg => reached.has(pkg))
  const pins: LockedPin[] = []
  for (const pkg of packages) {
    const { pin, problem } = pinForPackage(pkg, target.tags, lock.path)
    if (pin) pins.push(pin)
    if (problem) problems.push(problem)
  }
  return { packages, pins, problems }
}
