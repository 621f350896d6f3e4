/**
 * The requirements module for every arch Flathub builds: the build's interpreter is resolved for,
 * and each compiled wheel it chose gets the same version's wheel for the other arches, with
 * `only-arches` on both. The versions are the same on every arch; only the files differ.
 */
import type { LockTarget } from './lock/locked.js'
import { supportedTags } from './lock/tags.js'
import type { PinnedDistribution } from './requirements.js'

/**
 * The interpreter of the same Python on another arch: the same runtime, so the same glibc and
 * the same tags with the arch's own platform, and `platform_machine` that arch. pip evaluates
 * markers only for the interpreter that runs it (pypa/pip#6117), so this is worked out here.
 */
export function foreignTarget(target: LockTarget, arch: string): LockTarget {
  const native = target.environment.platform_machine
  const ordered = target.tags.ordered.flatMap(tag => {
    const [python, abi, platform] = tag.split('-')
    if (platform === 'any') return [tag]
    return platform.endsWith(`_${native}`)
      ? [`${python}-${abi}-${platform.slice(0, -native.length)}${arch}`]
      : []
  })
  return {
    ...target,
    environment: { ...target.environment, platform_machine: arch },
    tags: supportedTags(ordered)
  }
}

/** The platform tags of a target, for pip's --platform, most preferred first. */
export function platformTags(target: LockTarget): string[] {
  const platforms = target.tags.ordered.map(tag => tag.split('-')[2]).filter(p => p !== 'any')
  return [...new Set(platforms)]
}

/** pip's arguments that find the wheels of exactly these versions for a target's platforms. */
export function foreignWheelArgs(pins: readonly PinnedDistribution[], target: LockTarget): string[] {
  return [
    '--no-deps',
    '--only-binary=:all:',
    ...platformTags(target).flatMap(platform => ['--platform', platform]),
    ...pins.map(pin => `${pin.name}==${pin.version}`)
  ]
}

/** pip's arguments that find the sdist of exactly this version. */
export function sdistArgs(pin: PinnedDistribution): string[] {
  return ['--no-deps', '--no-binary=:all:', `${pin.name}==${pin.version}`]
}

/** The pins the build's arch installs that only fit it: those another arch needs a file of its own for. */
export function archSpecific(pinned: readonly PinnedDistribution[]): PinnedDistribution[] {
  return pinned.filter(pin => pin.onlyArches !== undefined)
}

/** A file another arch installs instead: marked for that arch, also a (portable) sdist. */
export function forArch(pin: PinnedDistribution, arch: string): PinnedDistribution {
  return { ...pin, onlyArches: [arch] }
}

/**
 * What a pin that has no file for an arch means for the user: Flathub's build of that arch fails
 * at this package, so it is an error naming both, with the two ways out.
 */
export function noFileForArch(pin: PinnedDistribution, arch: string): string {
  return (
    `${pin.name} ${pin.version} has no wheel for ${arch} and no sdist on the index, so Flathub's ${arch} build ` +
    `would fail at it. Require a version that publishes one, or leave ${arch} out of the input arches ` +
    `(the submission then says the app is built only for the others).`
  )
}

/** The pins a lock gives another arch that the build's arch does not install already. */
export function foreignOnly(
  nativePins: readonly PinnedDistribution[],
  foreignPins: readonly PinnedDistribution[],
  arch: string
): PinnedDistribution[] {
  const native = new Set(nativePins.map(pin => pin.sha256))
  return foreignPins.filter(pin => !native.has(pin.sha256)).map(pin => forArch(pin, arch))
}

/** The arches Flathub builds for, as the submission's flathub.json says them: undefined for all. */
export function flathubJson(arches: readonly string[], flathubArches: readonly string[]): string | undefined {
  if (flathubArches.every(arch => arches.includes(arch))) return undefined
  return `${JSON.stringify({ 'only-arches': [...arches] }, null, 2)}\n`
}
