import data from './python-releases.json' with { type: 'json' }

/** A CPython source release: the tarball under <base>/<version>/<file>, pinned by sha256. */
export interface CPythonRelease {
  version: string
  file: string
  sha256: string
}

type Version = [number, number, number]

function parseVersion(version: string): Version {
  const [major, minor, patch] = version.split('.').map(Number)
  return [major, minor, patch ?? 0]
}

function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}

/** Every release in python-releases.json, oldest first. */
export const RELEASES: CPythonRelease[] = Object.entries(data.releases)
  .map(([version, { file, sha256 }]) => ({ version, file, sha256 }))
  .sort((a, b) => compareVersions(parseVersion(a.version), parseVersion(b.version)))

/** `3.12` → the newest known 3.12.x; `3.12.7` → exactly that release; otherwise undefined. */
export function findRelease(spec: string, releases: CPythonRelease[] = RELEASES): CPythonRelease | undefined {
  if (/^\d+\.\d+$/.test(spec)) {
    return releases.filter(r => r.version.startsWith(`${spec}.`)).at(-1)
  }
  return releases.find(r => r.version === spec)
}

/**
 * The known releases closest to a version we do not know: the patches of the same minor nearest to
 * it, or else the newest patch of the nearest minors.
 */
export function nearestReleases(spec: string, releases: CPythonRelease[] = RELEASES, count = 3): string[] {
  const [major, minor, patch] = parseVersion(spec)
  const sameMinor = releases.filter(r => r.version.startsWith(`${major}.${minor}.`))
  if (sameMinor.length > 0) {
    return sameMinor
      .map(r => ({ version: r.version, distance: Math.abs(parseVersion(r.version)[2] - patch) }))
      .sort((a, b) => a.distance - b.distance || b.version.localeCompare(a.version))
      .slice(0, count)
      .map(r => r.version)
  }
  const newestPerMinor = new Map<string, string>()
  for (const r of releases) newestPerMinor.set(r.version.split('.').slice(0, 2).join('.'), r.version)
  const target = major * 100 + minor
  return [...newestPerMinor.entries()]
    .map(([minorVersion, version]) => {
      const [ma, mi] = parseVersion(minorVersion)
      return { version, distance: Math.abs(ma * 100 + mi - target) }
    })
    .sort((a, b) => a.distance - b.distance)
    .slice(0, count)
    .map(r => r.version)
}

/** Where the tarball of a release lives under a python.org-style mirror. */
export function tarballUrl(base: string, release: CPythonRelease): string {
  return `${base.replace(/\/+$/, '')}/${release.version}/${release.file}`
}

/** `3.12.7` → `3.12`: the X.Y that names lib/pythonX.Y and decides environment markers. */
export function minorVersion(version: string): string {
  return version.split('.').slice(0, 2).join('.')
}

/** `#define PY_VERSION "3.11.2"` in Include/patchlevel.h: the release a source tree is. */
export function patchlevelVersion(patchlevel: string): string | undefined {
  return /^#define\s+PY_VERSION\s+"([^"]+)"/m.exec(patchlevel)?.[1]
}

/** Why a CPython tarball (or the Python built from it) is not the release python-version asks for. */
export function versionMismatch(
  asked: CPythonRelease,
  found: string | undefined,
  what: string
): string | undefined {
  if (found === asked.version) return undefined
  return `python-version asks for CPython ${asked.version}, but ${what} is ${found ? `CPython ${found}` : 'no CPython release'}: give python-version ${found ?? 'X.Y.Z'} with its sha256, or the tarball of ${asked.version}.`
}
