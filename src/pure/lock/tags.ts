import { valid } from '@renovatebot/pep440'
import { normalizeName } from './names.js'

// Wheel file names and the tags that say which interpreters a wheel fits.
// See https://packaging.python.org/en/latest/specifications/binary-distribution-format/#file-name-convention
// and https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/

/** What a wheel's file name says: `{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl`. */
export interface WheelName {
  filename: string
  /** The name as the file spells it (`typing_extensions`). */
  name: string
  /** The name normalized (`typing-extensions`). */
  normalizedName: string
  version: string
  /** The optional build tag: a number, then any letters (`1`, `2b`). */
  build?: { number: number; suffix: string }
  /** Every tag the file name expands to, `python-abi-platform`, lower case (`py2.py3-none-any` gives two). */
  tags: string[]
}

/** The tags an interpreter accepts, most preferred first, as `packaging.tags.sys_tags()` lists them. */
export interface SupportedTags {
  ordered: readonly string[]
  /** Tag → its position in `ordered`; lower is better. */
  rank: ReadonlyMap<string, number>
}

// PEP 427: the name part escapes `-` as `_`, so it never holds `-` nor `__`.
const NAME_PART = /^[\w.]+$/u

/** Parses a wheel file name. Throws an Error that names the file and what is wrong with it. */
export function parseWheelFilename(filename: string): WheelName {
  const bad = (why: string): never => {
    throw new Error(`'${filename}' is not a wheel file name: ${why}.`)
  }
  if (!filename.endsWith('.whl')) bad('it does not end in .whl')
  const parts = filename.slice(0, -4).split('-')
  if (parts.length !== 5 && parts.length !== 6) {
    bad('a wheel name has 5 or 6 parts separated by "-" (name-version[-build]-python-abi-platform)')
  }
  const [name, version] = parts
  if (!NAME_PART.test(name) || name.includes('__')) bad(`'${name}' is not an escaped project name`)
  if (!valid(version)) bad(`'${version}' is not a PEP 440 version`)
  let build: WheelName['build']
  if (parts.length === 6) {
    const match = /^(\d+)(.*)$/.exec(parts[2])
    if (!match) bad(`the build tag '${parts[2]}' does not start with a digit`)
    build = { number: Number(match![1]), suffix: match![2] }
  }
  const [pythons, abis, platforms] = parts.slice(-3).map(part => part.toLowerCase().split('.'))
  const tags: string[] = []
  for (const python of pythons)
    for (const abi of abis) for (const platform of platforms) tags.push(`${python}-${abi}-${platform}`)
  return { filename, name, normalizedName: normalizeName(name), version, ...(build ? { build } : {}), tags }
}

/** The interpreter's tags, most preferred first, ready for look-ups. */
export function supportedTags(ordered: readonly string[]): SupportedTags {
  const rank = new Map<string, number>()
  ordered.forEach((tag, index) => {
    const key = tag.toLowerCase()
    if (!rank.has(key)) rank.set(key, index)
  })
  return { ordered, rank }
}

/** The rank of the best tag of a wheel (lower is better), or undefined when the wheel does not fit. */
export function wheelRank(wheel: WheelName, supported: SupportedTags): number | undefined {
  let best: number | undefined
  for (const tag of wheel.tags) {
    const rank = supported.rank.get(tag)
    if (rank !== undefined && (best === undefined || rank < best)) best = rank
  }
  return best
}

/** Whether a wheel, by its file name, installs on the interpreter that accepts these tags. */
export function wheelFits(filename: string, supported: SupportedTags): boolean {
  return wheelRank(parseWheelFilename(filename), supported) !== undefined
}

/**
 * The wheel pip would choose among files of one version: the one whose best tag ranks highest
 * for the interpreter; then the higher build number, as pip does; then the file name, so the
 * choice never depends on the order of the lock. Undefined when none fits.
 */
export function bestWheel<T extends { filename: string }>(
  wheels: readonly T[],
  supported: SupportedTags
): T | undefined {
  let best: { wheel: T; rank: number; build: number } | undefined
  for (const wheel of wheels) {
    const parsed = parseWheelFilename(wheel.filename)
    const rank = wheelRank(parsed, supported)
    if (rank === undefined) continue
    const build = parsed.build?.number ?? -1
    if (
      !best ||
      rank < best.rank ||
      (rank === best.rank && build > best.build) ||
      (rank === best.rank && build === best.build && wheel.filename < best.wheel.filename)
    ) {
      best = { wheel, rank, build }
    }
  }
  return best?.wheel
}
