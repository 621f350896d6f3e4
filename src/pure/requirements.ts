import { withoutCredentials } from './secrets.js'

/** A file that pip installs or builds with, pinned for flatpak-builder. */
export interface PinnedFile {
  url: string
  sha256: string
  filename: string
  /** Set for files that only fit some architectures (compiled wheels). */
  onlyArches?: string[]
}

/** The requirements, pinned: the lock pip installs with --require-hashes, and every file it needs. */
export interface PinnedRequirements {
  lock: string
  files: PinnedFile[]
}

/** The parts of pip's installation report (`pip install --dry-run --report`, format 1) we read. */
export interface PipReport {
  version: string
  pip_version?: string
  install: PipReportItem[]
}

export interface PipReportItem {
  download_info: {
    url: string
    archive_info?: { hash?: string; hashes?: Record<string, string> }
    dir_info?: Record<string, unknown>
    vcs_info?: { vcs: string; commit_id?: string }
  }
  is_direct: boolean
  is_yanked?: boolean
  requested: boolean
  metadata: { name: string; version: string }
}

/** One distribution file pip chose, pinned. */
export interface PinnedDistribution extends PinnedFile {
  name: string
  version: string
  kind: 'wheel' | 'sdist'
}

export interface PinResult {
  pinned: PinnedDistribution[]
  /** One message per requirement that cannot be pinned, naming it and saying why. */
  problems: string[]
}

// Wheel platform tags (PEP 425 / PEP 600) → Flatpak architectures.
const WHEEL_ARCHES: [RegExp, string][] = [
  [/_x86_64$/, 'x86_64'],
  [/_aarch64$/, 'aarch64'],
  [/_i686$/, 'i386'],
  [/_armv7l$/, 'arm']
]

/** The Flatpak arches a wheel fits, from its platform tags; undefined when it fits any. */
export function wheelArches(filename: string): string[] | undefined {
  if (!filename.endsWith('.whl')) return undefined
  const platforms = filename.slice(0, -4).split('-').at(-1)!.split('.')
  if (platforms.includes('any')) return undefined
  const arches = new Set<string>()
  for (const tag of platforms) {
    const arch = WHEEL_ARCHES.find(([pattern]) => pattern.test(tag))?.[1]
    if (arch) arches.add(arch)
  }
  return arches.size > 0 ? [...arches].sort() : undefined
}

function sha256Of(item: PipReportItem): string | undefined {
  const info = item.download_info.archive_info
  const hash = info?.hashes?.sha256 ?? (info?.hash?.startsWith('sha256=') ? info.hash.slice(7) : undefined)
  return hash && /^[0-9a-f]{64}$/.test(hash) ? hash : undefined
}

function filenameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').at(-1)!)
}

/**
 * Pins every distribution of a pip report: URL, sha256 and file name. Entries that cannot be pinned
 * (VCS, local paths, direct URLs, missing hashes, yanked files) become problems. The entry for
 * `appUrl` (the app's own project, resolved with its requirements) is left out.
 */
export function pinReport(report: PipReport, appUrl?: string): PinResult {
  if (report.version !== '1') {
    return {
      pinned: [],
      problems: [
        `pip wrote an installation report of format ${report.version}; format 1 is needed (pip >= 23.0).`
      ]
    }
  }
  const pinned: PinnedDistribution[] = []
  const problems: string[] = []
  for (const item of report.install) {
    const { name, version } = item.metadata
    // flatpak-builder downloads without credentials; none go into a manifest that ships.
    const url = withoutCredentials(item.download_info.url)
    const what = `${name} ${version}`
    if (appUrl !== undefined && url.replace(/\/$/, '') === appUrl.replace(/\/$/, '')) continue
    if (item.download_info.vcs_info) {
      problems.push(
        `${what} comes from ${item.download_info.vcs_info.vcs} (${url}): a VCS checkout has no file hash to pin. Publish it to an index, or require a release archive.`
      )
      continue
    }
    if (item.download_info.dir_info) {
      problems.push(
        `${what} is a local directory (${url}): only files from an index can be pinned. Build and publish it, or make it part of the app.`
      )
      continue
    }
    if (item.is_direct) {
      problems.push(
        `${what} is a direct URL requirement (${url}): require it by name from an index so that pip's report and the lock agree.`
      )
      continue
    }
    if (item.is_yanked) {
      problems.push(`${what} is yanked on the index (${url}): require another version.`)
      continue
    }
    const sha256 = sha256Of(item)
    if (!sha256) {
      problems.push(
        `${what} has no sha256 in pip's report: the index lists ${filenameOf(url)} without a #sha256= hash, so it cannot be pinned. Use an index that publishes hashes (PyPI does).`
      )
      continue
    }
    const filename = filenameOf(url)
    const onlyArches = wheelArches(filename)
    pinned.push({
      name,
      version,
      url,
      sha256,
      filename,
      kind: filename.endsWith('.whl') ? 'wheel' : 'sdist',
      ...(onlyArches ? { onlyArches } : {})
    })
  }
  return { pinned, problems }
}

/**
 * requirements.lock: what pip installs with --require-hashes --no-deps, one line per distribution
 * with the hash of each of its files (one per arch for a compiled one); pip takes the one it finds.
 * The same on every arch: the legs of a matrix write the same module.
 */
export function lockText(pinned: PinnedDistribution[]): string {
  const hashes = new Map<string, Set<string>>()
  for (const p of [...pinned].sort((a, b) => a.name.localeCompare(b.name))) {
    const line = `${p.name}==${p.version}`
    hashes.set(line, (hashes.get(line) ?? new Set()).add(p.sha256))
  }
  return [...hashes]
    .map(
      ([line, sums]) =>
        `${line}${[...sums]
          .sort()
          .map(sum => ` --hash=sha256:${sum}`)
          .join('')}\n`
    )
    .join('')
}
