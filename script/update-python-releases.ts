/**
 * Adds the CPython releases python.org has published since the table was last updated to
 * src/pure/python-releases.json: each Python-X.Y.Z.tgz's sha256 as python.org's release-file data
 * gives it (`sha256_sum`), kept only when a second, independent table (pyenv's python-build
 * definitions) gives the same. A release the second table does not have yet is left for a later
 * run; one where the two disagree, or where python.org now gives another sha256 for a release the
 * table holds, fails the run, and the table is left as it was.
 *
 * Usage: tsx script/update-python-releases.ts [--table FILE]
 * Environment (for a mirror, or the tests' stand-ins):
 *   PYTHON_ORG_API        default https://www.python.org/api/v2/downloads
 *   PYENV_DEFINITIONS     default https://raw.githubusercontent.com/pyenv/pyenv/master/plugins/python-build/share/python-build
 *   PYTHON_MINIMUM        the oldest minor to track, default 3.9
 * Prints what it added, one line per release; exit 1 when a check fails.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import * as prettier from 'prettier'

const TIMEOUT_MS = 30_000

interface TableEntry {
  file: string
  sha256: string
  verifiedBy: string[]
}

interface Table {
  $comment?: string
  releases: Record<string, TableEntry>
}

/** A python.org release (GET {api}/release/), as far as this script reads it. */
export interface ApiRelease {
  name: string
  is_published: boolean
  pre_release: boolean
  resource_uri: string
}

/** A python.org release file (GET {api}/release_file/?release=ID). */
export interface ApiReleaseFile {
  url: string
  sha256_sum?: string
  is_source?: boolean
}

/** `Python 3.15.0` → `3.15.0`; undefined for a pre-release name or anything else. */
export function releaseVersion(name: string): string | undefined {
  return /^Python (\d+\.\d+\.\d+)$/.exec(name)?.[1]
}

const versionKey = (version: string) => version.split('.').map(Number) as [number, number, number]
const compare = (a: string, b: string) => {
  const [x, y] = [versionKey(a), versionKey(b)]
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2]
}

/** The published final releases at or after `minimum` (X.Y), oldest first. */
export function finalReleases(
  releases: readonly ApiRelease[],
  minimum: string
): { version: string; id: string }[] {
  const [major, minor] = minimum.split('.').map(Number)
  return releases
    .filter(r => r.is_published && !r.pre_release)
    .flatMap(r => {
      const version = releaseVersion(r.name)
      const id = /\/release\/(\d+)\/?$/.exec(r.resource_uri)?.[1]
      if (!version || !id) return []
      const [ma, mi] = versionKey(version)
      return ma > major || (ma === major && mi >= minor) ? [{ version, id }] : []
    })
    .sort((a, b) => compare(a.version, b.version))
}

/** The .tgz of a release among its files, with its sha256 (lower case), or why there is none. */
export function sourceTarball(
  version: string,
  files: readonly ApiReleaseFile[]
): { file: string; sha256: string } | { problem: string } {
  const file = `Python-${version}.tgz`
  const entry = files.find(f => f.url.endsWith(`/${version}/${file}`))
  if (!entry) return { problem: `python.org lists no ${file} for ${version}` }
  const sha256 = entry.sha256_sum?.toLowerCase() ?? ''
  if (!/^[0-9a-f]{64}$/.test(sha256)) return { problem: `python.org gives ${file} no sha256` }
  return { file, sha256 }
}

/** The sha256 a pyenv python-build definition gives a file (`…/<file>#<sha256>`), if it names it. */
export function pyenvSha256(definition: string, file: string): string | undefined {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`/${escaped}#([0-9a-f]{64})"`).exec(definition)?.[1]
}

/** The table with the new entries added, versions in order. */
export function withReleases(table: Table, added: Record<string, TableEntry>): Table {
  const releases = { ...table.releases, ...added }
  const sorted = Object.fromEntries(
    Object.keys(releases)
      .sort(compare)
      .map(v => [v, releases[v]])
  )
  return { ...table, releases: sorted }
}

async function fetchText(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' })
  return { status: response.status, text: await response.text() }
}

/** A JSON list from the API, following DRF's pagination (`{results, next}`) when it pages. */
async function fetchList<T>(url: string): Promise<T[]> {
  const items: T[] = []
  let next: string | null = url
  while (next) {
    const { status, text } = await fetchText(next)
    if (status !== 200) throw new Error(`GET ${next}: HTTP ${status}`)
    const body = JSON.parse(text) as T[] | { results: T[]; next: string | null }
    if (Array.isArray(body)) return [...items, ...body]
    items.push(...body.results)
    next = body.next
  }
  return items
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { table: { type: 'string', default: path.join('src', 'pure', 'python-releases.json') } }
  })
  const api = (process.env.PYTHON_ORG_API || 'https://www.python.org/api/v2/downloads').replace(/\/+$/, '')
  const pyenv = (
    process.env.PYENV_DEFINITIONS ||
    'https://raw.githubusercontent.com/pyenv/pyenv/master/plugins/python-build/share/python-build'
  ).replace(/\/+$/, '')
  const minimum = process.env.PYTHON_MINIMUM || '3.9'
  const tableFile = values.table!
  const table = JSON.parse(await fs.readFile(tableFile, 'utf8')) as Table

  const releases = finalReleases(await fetchList<ApiRelease>(`${api}/release/?version=3`), minimum)
  const failures: string[] = []
  const added: Record<string, TableEntry> = {}
  for (const { version, id } of releases) {
    const known = table.releases[version]
    const tarball = sourceTarball(
      version,
      await fetchList<ApiReleaseFile>(`${api}/release_file/?release=${id}`)
    )
    if ('problem' in tarball) {
      // python.org's sha256_sum is empty for releases older than the field.
      if (!known) console.log(`skip ${version}: ${tarball.problem}`)
      continue
    }
    if (known) {
      if (known.file === tarball.file && known.sha256 !== tarball.sha256)
        failures.push(`${version}: the table has ${known.sha256}, python.org now gives ${tarball.sha256}`)
      continue
    }
    const definition = await fetchText(`${pyenv}/${version}`)
    const second = definition.status === 200 ? pyenvSha256(definition.text, tarball.file) : undefined
    if (!second) {
      console.log(
        `skip ${version}: pyenv has no ${tarball.file} yet (HTTP ${definition.status}); a later run adds it`
      )
    } else if (second !== tarball.sha256) {
      failures.push(`${version}: python.org gives ${tarball.sha256}, pyenv ${second}`)
    } else {
      added[version] = { file: tarball.file, sha256: tarball.sha256, verifiedBy: ['python.org', 'pyenv'] }
      console.log(`add ${version}: ${tarball.file} ${tarball.sha256}`)
    }
  }
  if (failures.length === 0 && Object.keys(added).length > 0) {
    const json = JSON.stringify(withReleases(table, added))
    const options = (await prettier.resolveConfig(tableFile)) ?? {}
    await fs.writeFile(tableFile, await prettier.format(json, { ...options, filepath: tableFile }))
  }
  for (const failure of failures) console.error(`error: ${failure}`)
  return failures.length > 0 ? 1 : 0
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main()
