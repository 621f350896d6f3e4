/**
 * What the `requirements` input names: a requirements file pip resolves, or a lock the build
 * uses exactly (a requirements file pinned with hashes, a pylock.toml, a uv.lock).
 */
import * as path from 'node:path'
import { Input } from './constants.js'
import type { InputError, Inputs } from './inputs.js'
import { detectLockFormat } from './lock/detect.js'
import type { LockFile } from './lock/locked.js'
import { normalizeName } from './lock/names.js'
import { parsePylock } from './lock/pylock.js'
import { combineRequirementsFiles, parseRequirementsFile, type HashedPin } from './lock/requirements-file.js'
import { parseUvLock, type UvLockFile } from './lock/uv-lock.js'
import { atLeast, wheelVersion } from './pip.js'
import type { RequirementsText } from './project.js'

export type RequirementsLock =
  | { kind: 'unpinned' }
  | { kind: 'hashed'; pins: HashedPin[] }
  | { kind: 'pylock'; lock: LockFile }
  | { kind: 'uv.lock'; lock: UvLockFile }

/** How the summary says where the versions came from. */
export const LOCK_NAMES: Record<RequirementsLock['kind'], string> = {
  unpinned: "pip's resolution",
  hashed: 'the hashed requirements file',
  pylock: 'pylock.toml',
  'uv.lock': 'uv.lock'
}

/** Whether a file is a lock read as one file (pylock.toml, uv.lock), which includes nothing. */
export function isLockFile(file: string, text: string): boolean {
  const format = detectLockFormat(path.basename(file), text)
  return format === 'pylock' || format === 'uv.lock'
}

/**
 * Reads the requirements input (the file, then what it includes) into what the resolution does
 * with it. `relative` names the files in messages. Problems name the file and say how to fix it.
 */
export function readRequirementsLock(
  files: RequirementsText[],
  relative: (file: string) => string
): { lock?: RequirementsLock; problems: string[] } {
  const [top] = files
  const name = relative(top.path)
  const format = detectLockFormat(path.basename(top.path), top.text)
  if (format === 'pylock') {
    const { lock, problems } = parsePylock(top.text, name)
    return lock && problems.length === 0 ? { lock: { kind: 'pylock', lock }, problems } : { problems }
  }
  if (format === 'uv.lock') {
    const { lock, problems } = parseUvLock(top.text, name)
    return lock && problems.length === 0
      ? { lock: { kind: 'uv.lock', lock: lock as UvLockFile }, problems }
      : { problems }
  }
  if (format === undefined) {
    return {
      problems: [
        `requirements '${name}' is TOML, but neither a pylock.toml nor a uv.lock: give a requirements file, a pylock.toml (pylock.<name>.toml) or a uv.lock.`
      ]
    }
  }
  const parsed = files.map(f => ({ file: parseRequirementsFile(f.text, relative(f.path)), role: f.role }))
  const set = combineRequirementsFiles(parsed)
  // A constraints file's own problems count too: pip reads it, and it cannot hold what never pins.
  const problems = [
    ...new Set([...parsed.flatMap(p => p.file.problems), ...set.problems].map(p => p.message))
  ]
  if (problems.length > 0) return { problems }
  return { lock: set.kind === 'hashed' ? { kind: 'hashed', pins: set.pins } : { kind: 'unpinned' }, problems }
}

/** pip learnt --group (dependency groups from pyproject.toml) in 25.1. */
const PIP_WITH_GROUPS = [25, 1]

/** What the other inputs ask that this kind of requirements cannot give. */
export function lockInputErrors(inputs: Inputs, lock: RequirementsLock | undefined): InputError[] {
  const errors: InputError[] = []
  const kind = lock?.kind ?? 'unpinned'
  if (inputs.buildNetwork && (kind === 'pylock' || kind === 'uv.lock')) {
    errors.push({
      input: Input.Requirements,
      message: `requirements is a ${kind === 'pylock' ? 'pylock.toml' : 'uv.lock'}, which pip cannot install from during the build: leave build-network off to build from the lock's pinned files.`
    })
  }
  if (inputs.dependencyGroups.length === 0) return errors
  if (kind === 'hashed') {
    errors.push({
      input: Input.DependencyGroups,
      message:
        'dependency-groups selects from a pylock.toml, a uv.lock or pyproject.toml, but requirements is a hashed requirements file, which installs what it lists: export the groups into it (uv export --group NAME), and leave dependency-groups empty.'
    })
  } else if (kind === 'unpinned' && inputs.buildNetwork) {
    errors.push({
      input: Input.DependencyGroups,
      message:
        "dependency-groups is resolved before the build, but build-network leaves the resolution to the build's pip: leave build-network off, or list the groups' requirements in a requirements file."
    })
  } else if (kind === 'unpinned' && !atLeast(wheelVersion(inputs.pip.file), PIP_WITH_GROUPS)) {
    errors.push({
      input: Input.DependencyGroups,
      message: `dependency-groups needs pip ${PIP_WITH_GROUPS.join('.')} or later (pip install --group), and pip-version is ${inputs.pip.version}: choose a newer pip-version, or leave it empty for the default.`
    })
  }
  return errors
}

/**
 * What pip chose for a hashed requirements file, against the file itself: every file pinned must
 * be of a version the file pins, with a sha256 the file lists for it. pip checks hashes when it
 * downloads, but resolving from an index's metadata (PEP 658) it downloads nothing; this check
 * keeps the user's hashes the only ones that reach the manifest.
 */
export function hashedPinProblems(
  allowed: readonly HashedPin[],
  pinned: readonly { name: string; version: string; sha256: string; filename: string }[]
): string[] {
  const byName = new Map(allowed.map(pin => [pin.normalizedName, pin]))
  const problems: string[] = []
  for (const pin of pinned) {
    const own = byName.get(normalizeName(pin.name))
    if (!own) {
      problems.push(
        `pip installs ${pin.name} ${pin.version}, which the hashed requirements file does not pin: add it with its hashes (pip-compile --generate-hashes or uv export list every dependency).`
      )
    } else if (own.version !== pin.version) {
      problems.push(
        `${own.path}:${own.line}: pins ${own.name}==${own.version}, but pip chose ${pin.version}.`
      )
    } else if (!own.sha256.includes(pin.sha256)) {
      problems.push(
        `${own.path}:${own.line}: ${own.name}==${own.version} lists no file the index has: its hashes (${own.sha256.map(h => h.slice(0, 12) + '…').join(', ')}) are not that of ${pin.filename} (sha256 ${pin.sha256}). Re-generate the hashes from the index the build uses.`
      )
    }
  }
  return problems
}
