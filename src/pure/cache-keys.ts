import { createHash } from 'node:crypto'

/** What the flatpak-builder state depends on, from the most to the least stable. */
export interface CacheKeyParts {
  prefix: string
  /** What the state's own files mean (STATE_FORMAT): a new one starts from an empty cache. */
  format: number
  arch: string
  /** flatpak-builder's version: its cache format and checksums can change with it. */
  builderVersion: string
  /** Hash of the Python-only manifest: runtime, SDK and branch, app ID, CPython's URL and sha256. */
  python: string
  /** Hash of what the resolution reads: requirements, the project's metadata, index, extras. */
  requirements: string
  /** sha256 of the app's source archive. */
  app: string
}

export interface CacheKeys {
  /** Looked up first, as a prefix: the newest state of exactly these inputs. */
  primary: string
  /** Then, in order: same requirements (the app changed), then same Python (requirements changed). */
  restore: string[]
}

/** A short, stable hash of some strings. */
export function digest(...parts: string[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(`${part.length}:${part}`)
  return hash.digest('hex').slice(0, 16)
}

function stem(parts: CacheKeyParts): string {
  return `${parts.prefix}-v${parts.format}-${parts.arch}-fb${parts.builderVersion}-${parts.python}`
}

/**
 * The restore ladder. flatpak-builder reuses every unchanged leading module of any older state,
 * so a state of the same Python still holds the compiled CPython when everything after it changed.
 */
export function cacheKeys(parts: CacheKeyParts): CacheKeys {
  const python = `${stem(parts)}-`
  const requirements = `${python}${parts.requirements}-`
  return { primary: `${requirements}${parts.app}`, restore: [requirements, python] }
}

/** The key of a complete state: its inputs and the whole generated manifest (`manifest` is its hash). */
export function completeKey(parts: CacheKeyParts, manifest: string): string {
  return `${cacheKeys(parts).primary}-${manifest}`
}

/**
 * The key of the state a failed build left. Only the restore ladder finds it (the restore prefixes
 * and the primary key are prefixes of it), never as the complete state of a manifest.
 */
export function partialKey(parts: CacheKeyParts, run: string): string {
  return `${cacheKeys(parts).primary}-partial-${run}`
}
