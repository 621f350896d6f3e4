/**
 * Our own files, kept with flatpak-builder's state in <state>/flatpak-python-action/ so that a
 * later run can reuse them: the resolution (an app-only change resolves nothing) and the bundle
 * (an unchanged app is not compressed again). Their names are made here and nowhere else.
 */
import { digest } from './cache-keys.js'
import type { PinnedFile, PinnedRequirements } from './requirements.js'
import { LOCK_NAMES, type RequirementsLock } from './requirements-lock.js'

export const OWN_DIR = 'flatpak-python-action'

/**
 * The meaning of what the state holds. Bump it when a kept file's content, or how the action pins
 * requirements, changes: the cache keys and kept names then change too, so no run reads a file
 * an older version of the action wrote.
 */
export const STATE_FORMAT = 3

export function keptResolutionName(resolutionDigest: string, pythonVersion: string): string {
  return `resolution-v${STATE_FORMAT}-${digest(resolutionDigest, pythonVersion)}.json`
}

/** `finish` is the commit of the finished app's stage: the same commit means the same files. */
export function keptBundleName(finish: string, bundleArgv: string[]): string {
  return `bundle-v${STATE_FORMAT}-${digest(finish, ...bundleArgv)}.flatpak`
}

/** The pip that resolves, and that the build installs with: a wheel from the index, pinned. */
export interface Installer {
  file: PinnedFile
  version: string
  /** argv that runs it in the sandbox. */
  argv: string[]
}

export interface Resolution {
  requirements: PinnedRequirements
  appBuildDeps: PinnedFile[]
  /** Where the versions came from: pip's resolution, or the user's lock. */
  from: RequirementsLock['kind']
}

/** What a resolution step leaves, as kept between runs. */
export interface KeptResolution {
  installer: Installer
  /** Undefined in build-network mode, where pip resolves during the build. */
  resolution?: Resolution
}

const SHA256 = /^[0-9a-f]{64}$/

function isPinnedFile(value: unknown): value is PinnedFile {
  const f = value as PinnedFile
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.url === 'string' &&
    typeof f.filename === 'string' &&
    typeof f.sha256 === 'string' &&
    SHA256.test(f.sha256) &&
    (f.onlyArches === undefined ||
      (Array.isArray(f.onlyArches) && f.onlyArches.every(a => typeof a === 'string')))
  )
}

const isFileList = (value: unknown): value is PinnedFile[] =>
  Array.isArray(value) && value.every(isPinnedFile)

/**
 * A kept resolution read back from a restored state, or undefined when it is not one (a state
 * from elsewhere, a truncated file): the run then resolves again.
 */
export function parseKeptResolution(text: string): KeptResolution | undefined {
  let kept: KeptResolution
  try {
    kept = JSON.parse(text) as KeptResolution
  } catch {
    return undefined
  }
  const { installer, resolution } = kept ?? {}
  const installerOk =
    typeof installer === 'object' &&
    installer !== null &&
    isPinnedFile(installer.file) &&
    typeof installer.version === 'string' &&
    Array.isArray(installer.argv) &&
    installer.argv.every(a => typeof a === 'string')
  const resolutionOk =
    resolution === undefined ||
    (typeof resolution === 'object' &&
      resolution !== null &&
      typeof resolution.requirements?.lock === 'string' &&
      isFileList(resolution.requirements.files) &&
      isFileList(resolution.appBuildDeps) &&
      Object.hasOwn(LOCK_NAMES, resolution.from))
  return installerOk && resolutionOk ? { installer, resolution } : undefined
}
