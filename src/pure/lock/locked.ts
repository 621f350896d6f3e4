import { parse as parseToml, TomlError } from 'smol-toml'
import type { MarkerEnvironment } from './markers.js'
import { bestWheel, parseWheelFilename, type SupportedTags } from './tags.js'

// The shape pylock.toml and uv.lock are both read into, and the choice of one file per package.

/** A distribution file a lock names. */
export interface LockedFile {
  url?: string
  /** A local path instead of a URL (relative to the lock). */
  path?: string
  filename: string
  /** Algorithm (lower case) → hex digest (lower case). */
  hashes: Record<string, string>
  size?: number
}

/** Where a locked package comes from. Only `registry` packages have index files to pin. */
export type LockedSource =
  | { kind: 'registry'; index?: string }
  | { kind: 'url'; url: string }
  | { kind: 'git'; url: string; commit?: string }
  | { kind: 'path'; path: string }
  | { kind: 'directory'; path: string; editable: boolean }
  | { kind: 'virtual'; path: string }

/** An edge of the lock graph (uv.lock; informational in pylock.toml). */
export interface LockedDependency {
  /** Normalized. */
  name: string
  /** Set when the lock holds several versions of the name and the edge picks one. */
  version?: string
  /** The source of the picked version, as the lock writes it (uv.lock `source = {…}` key=value). */
  source?: string
  marker?: string
  /** Extras of the dependency that the edge asks for. */
  extras: string[]
}

export interface LockedPackage {
  /** Normalized. */
  name: string
  version?: string
  /** pylock.toml: when the package is installed. */
  marker?: string
  requiresPython?: string
  source: LockedSource
  wheels: LockedFile[]
  sdist?: LockedFile
  /** pylock.toml `archive`, uv.lock `url`/`path` sources: one file that is not from an index. */
  archive?: LockedFile
  dependencies: LockedDependency[]
  /** uv.lock: extra → the edges it adds. */
  optionalDependencies: Record<string, LockedDependency[]>
  /** uv.lock `dev-dependencies`: dependency group → the edges it adds. */
  dependencyGroups: Record<string, LockedDependency[]>
}

export interface LockFile {
  format: 'pylock' | 'uv.lock'
  /** The file, as the caller named it. */
  path: string
  requiresPython?: string
  /** pylock.toml `environments`, uv.lock `supported-markers`: markers of which one must hold. */
  environments: string[]
  /** pylock.toml: the extras and groups the lock supports, and the groups installed by default. */
  extras: string[]
  dependencyGroups: string[]
  defaultGroups: string[]
  createdBy?: string
  packages: LockedPackage[]
}

/** The interpreter a lock is installed for, and what to install. */
export interface LockTarget {
  /** Without `extra`, `extras` and `dependency_groups`: the selection fills them in. */
  environment: MarkerEnvironment
  tags: SupportedTags
  extras?: readonly string[]
  /** Dependency groups; for pylock.toml, undefined means its `default-groups`. */
  groups?: readonly string[]
}

/** One file to pin: the same shape as the pins of a pip report (`PinnedDistribution`). */
export interface LockedPin {
  name: string
  version: string
  url: string
  sha256: string
  filename: string
  kind: 'wheel' | 'sdist'
  onlyArches?: string[]
}

export interface LockSelection {
  /** The packages the target installs (without the project itself), in lock order. */
  packages: LockedPackage[]
  pins: LockedPin[]
  /** One message per package that cannot be pinned, or per way the lock does not fit the target. */
  problems: string[]
}

/** The result of reading a lock's text: the lock, or what stops it being read. */
export interface LockRead {
  lock?: LockFile
  problems: string[]
}

export type TomlTable = Record<string, unknown>

/** TOML text → a table, or the parser's message with line and column. */
export function readToml(text: string, path: string): { table?: TomlTable; problem?: string } {
  try {
    return { table: parseToml(text) as TomlTable }
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    return {
      problem: `${path} is not valid TOML (line ${error.line}, column ${error.column}): ${error.message.split('\n')[0]}`
    }
  }
}

export const isTable = (value: unknown): value is TomlTable =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)

/** The last part of a URL's path, decoded: the file name the index serves. */
export function filenameOfUrl(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').at(-1) ?? '')
  } catch {
    return url.split(/[/\\]/).at(-1) ?? url
  }
}

const label = (pkg: LockedPackage) => (pkg.version ? `${pkg.name} ${pkg.version}` : pkg.name)

// An example of the target's platform for messages: the most preferred tag, e.g. cp313-cp313-manylinux_2_39_x86_64.
const targetDescription = (tags: SupportedTags) => (tags.ordered[0] ? `(best tag ${tags.ordered[0]})` : '')

function pinOfFile(
  pkg: LockedPackage,
  file: LockedFile,
  kind: LockedPin['kind'],
  lockPath: string
): { pin?: LockedPin; problem?: string } {
  const what = `${label(pkg)} in ${lockPath}`
  if (!file.url) {
    return {
      problem: `${what}: ${file.filename} is a local file (${file.path ?? 'no URL'}), and flatpak-builder fetches files by URL. Lock against an index (like PyPI) instead of a local directory of files.`
    }
  }
  const sha256 = file.hashes.sha256
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) {
    const known = Object.keys(file.hashes)
    return {
      problem: `${what}: ${file.filename} has ${known.length ? `only ${known.join(', ')} hashes` : 'no hash'}, and flatpak-builder pins files by sha256. Re-lock with a tool that records sha256 (pip lock and uv do).`
    }
  }
  if (!pkg.version) {
    return {
      problem: `${what}: the lock gives ${file.filename} but no version for ${pkg.name}. Re-lock it so that the version is recorded.`
    }
  }
  return {
    pin: { name: pkg.name, version: pkg.version, url: file.url, sha256, filename: file.filename, kind }
  }
}

/**
 * The file to pin for one package: its best wheel for the target's tags, else its sdist (which
 * is built in the sandbox). A package from git, a directory, a local path or a direct URL has no
 * index file, and is a problem that says why; a virtual package has no file and needs none.
 */
export function pinForPackage(
  pkg: LockedPackage,
  tags: SupportedTags,
  lockPath: string
): { pin?: LockedPin; problem?: string } {
  const what = `${label(pkg)} in ${lockPath}`
  switch (pkg.source.kind) {
    case 'virtual':
      return {}
    case 'git':
      return {
        problem: `${what} comes from git (${pkg.source.url}): a VCS checkout has no file hash to pin. Publish it to an index, or require a release from one.`
      }
    case 'directory':
      return {
        problem: `${what} is a local ${pkg.source.editable ? 'editable ' : ''}directory (${pkg.source.path}): only files from an index can be pinned. Publish it to an index, or make it part of the app.`
      }
    case 'path':
      return {
        problem: `${what} is a local file (${pkg.source.path}): only files from an index can be pinned. Publish it to an index, or make it part of the app.`
      }
    case 'url':
      return {
        problem: `${what} is a direct URL (${pkg.source.url}): require it by name from an index, so that its file comes from the index.`
      }
  }
  const wheels: LockedFile[] = []
  const unreadable: string[] = []
  for (const wheel of pkg.wheels) {
    try {
      parseWheelFilename(wheel.filename)
      wheels.push(wheel)
    } catch (error) {
      unreadable.push((error as Error).message)
    }
  }
  if (unreadable.length > 0) return { problem: `${what}: ${unreadable.join(' ')}` }
  const wheel = bestWheel(wheels, tags)
  if (wheel) return pinOfFile(pkg, wheel, 'wheel', lockPath)
  if (pkg.sdist) return pinOfFile(pkg, pkg.sdist, 'sdist', lockPath)
  const listed =
    wheels.length === 0
      ? 'no wheels'
      : `${wheels.length} wheel${wheels.length === 1 ? '' : 's'} (${wheels
          .slice(0, 3)
          .map(w => w.filename)
          .join(', ')}${wheels.length > 3 ? ', …' : ''})`
  return {
    problem: `${what} has no file for this Python ${targetDescription(tags)}: the lock lists ${listed} and no sdist. Re-lock for this Python version and architecture, or choose a python-version the lock covers.`
  }
}

/**
 * Pins chosen separately for several architectures, as one list: a file chosen for every arch is
 * pinned once for all, and a file chosen for only some is marked with them (`onlyArches`).
 */
export function pinsForArches(perArch: readonly { arch: string; pins: readonly LockedPin[] }[]): LockedPin[] {
  const byFile = new Map<string, { pin: LockedPin; arches: Set<string> }>()
  for (const { arch, pins } of perArch) {
    for (const pin of pins) {
      const key = `${pin.url}\n${pin.sha256}`
      const entry = byFile.get(key) ?? { pin: { ...pin }, arches: new Set<string>() }
      entry.arches.add(arch)
      byFile.set(key, entry)
    }
  }
  const all = new Set(perArch.map(p => p.arch))
  return [...byFile.values()].map(({ pin, arches }) => {
    const { onlyArches: _, ...rest } = pin
    return arches.size === all.size ? rest : { ...rest, onlyArches: [...arches].sort() }
  })
}
