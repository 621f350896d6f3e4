import type { ProjectMetadata } from './project-metadata.js'

/**
 * The project's licence files, which Flathub asks every module to install under
 * share/licenses/$FLATPAK_ID (https://docs.flathub.org/docs/for-app-authors/requirements#installing-license-files).
 */

// setuptools' license_files when a project names none (and hatchling's): files at the root.
// https://github.com/pypa/setuptools/pull/2620 (docs/references/keywords.rst)
export const DEFAULT_LICENSE_PATTERNS = ['LICEN[CS]E*', 'COPYING*', 'NOTICE*', 'AUTHORS*']

/**
 * Why a pattern is not a glob of the PyPA spec (https://packaging.python.org/en/latest/specifications/glob-patterns/),
 * or undefined when it is one: letters, digits, space, `_ - .`, `/` between parts, `* ? **` and
 * `[...]` of such characters; relative, with no `..`.
 */
export function globProblem(pattern: string): string | undefined {
  if (pattern === '') return 'it is empty'
  if (pattern.includes('\\')) return 'it has a backslash: paths are separated by /'
  if (pattern.startsWith('/')) return 'it starts with /: patterns are relative to the project'
  if (pattern.split('/').includes('..')) return 'it has a .. part: patterns stay inside the project'
  if (/\*\*\*/.test(pattern)) return 'it has more than two * in a row'
  const outsideRanges = pattern.replace(/\[[^\]]*\]/g, range =>
    /^\[[\p{L}\p{N} _.-]+\]$/u.test(range) ? '' : '\u0000'
  )
  const bad = /[^\p{L}\p{N} _.\-/*?]/u.exec(outsideRanges)
  if (bad)
    return bad[0] === '\u0000'
      ? 'a [...] range holds more than letters, digits, space and _ - .'
      : `it has '${bad[0]}'`
  return undefined
}

/** A [...] range as a regular expression class; a hyphen at either end is itself. */
function rangeClass(body: string): string {
  const escaped = body.replace(/[\\\]^]/g, '\\$&')
  return `[${escaped.replace(/^-/, '\\-').replace(/-$/, '\\-')}]`
}

/** One path part of a pattern as a regular expression: `*` and `?` stay within the part. */
function partRegExp(part: string): RegExp {
  let source = ''
  for (let i = 0; i < part.length; i++) {
    const c = part[i]
    if (c === '*') {
      while (part[i + 1] === '*') i++
      source += '[^/]*'
    } else if (c === '?') source += '[^/]'
    else if (c === '[' && part.indexOf(']', i + 2) !== -1) {
      const end = part.indexOf(']', i + 2)
      source += rangeClass(part.slice(i + 1, end))
      i = end
    } else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'u')
}

const hasMagic = (part: string) => /[*?[]/.test(part)

/**
 * Whether a relative path matches a glob as Python's glob.glob(pattern, recursive=True) finds it,
 * which is what PEP 639's reference and setuptools use: `*` and `?` match within one part, `**` as
 * a whole part matches any number of directories, and a wildcard does not match a name that
 * starts with a dot (Python's glob leaves hidden files out unless the pattern's part starts with one).
 */
export function globMatches(pattern: string, path: string): boolean {
  const parts = pattern.split('/').filter(p => p !== '')
  const names = path.split('/').filter(p => p !== '')
  const matchFrom = (p: number, n: number): boolean => {
    if (p === parts.length) return n === names.length
    const part = parts[p]
    if (part === '**') {
      // Zero or more directories (or, last, files), none of them hidden.
      for (let skip = n; skip <= names.length; skip++) {
        if (skip > n && names[skip - 1].startsWith('.')) return false
        if (matchFrom(p + 1, skip)) return true
      }
      return false
    }
    if (n === names.length) return false
    const name = names[n]
    if (hasMagic(part) && name.startsWith('.') && !part.startsWith('.')) return false
    return partRegExp(part).test(name) && matchFrom(p + 1, n + 1)
  }
  return matchFrom(0, 0)
}

/** The project's files among the archive's members: relative paths, without directories. */
function projectFiles(members: string[]): string[] {
  const paths = members.map(m => m.replace(/^(\.\/)+/, '')).filter(m => m !== '' && !m.endsWith('/'))
  const directories = new Set(
    paths.flatMap(p =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, a) => a.slice(0, i + 1).join('/'))
    )
  )
  return paths.filter(p => !directories.has(p))
}

/** The patterns that say which files are licence files, and where they come from. */
function licensePatterns(metadata: ProjectMetadata): { patterns: string[]; declaredIn?: string } {
  if (metadata.licenseFiles === undefined) return { patterns: DEFAULT_LICENSE_PATTERNS }
  const { patterns, declaredIn } = metadata.licenseFiles
  return {
    // PEP 639 asks tools to refuse what is not a valid glob; licenseFileProblems says which.
    patterns: declaredIn === 'pyproject.toml' ? patterns.filter(p => globProblem(p) === undefined) : patterns,
    declaredIn
  }
}

/**
 * Which of the project's files (archive member paths, relative to the project) are its licence
 * files: those the PEP 639 `license-files` globs match, else those of setup.cfg's `license_files`,
 * else setuptools' defaults at the root; and the file of `license = {file = ...}`. Sorted, once each.
 */
export function licenseFiles(metadata: ProjectMetadata, members: string[]): string[] {
  const files = projectFiles(members)
  const { patterns } = licensePatterns(metadata)
  const found = new Set(files.filter(file => patterns.some(pattern => globMatches(pattern, file))))
  const declared =
    metadata.license?.kind === 'file' ? metadata.license.path.replace(/^(\.\/)+/, '') : undefined
  if (declared !== undefined && files.includes(declared)) found.add(declared)
  return [...found].sort()
}

/**
 * What is wrong with the licence files the project declares: patterns that are not valid PEP 639
 * globs, patterns that match no file (an error in PEP 639, a warning in setuptools), a licence
 * file that is not there. The defaults matching nothing is no problem here: the project then has
 * no licence file to install, which the caller reports.
 */
export function licenseFileProblems(metadata: ProjectMetadata, members: string[]): string[] {
  const files = projectFiles(members)
  const problems: string[] = []
  if (metadata.licenseFiles !== undefined) {
    const { patterns, declaredIn } = metadata.licenseFiles
    const key = declaredIn === 'pyproject.toml' ? 'license-files' : 'license_files'
    for (const pattern of patterns) {
      const invalid = declaredIn === 'pyproject.toml' ? globProblem(pattern) : undefined
      if (invalid) {
        problems.push(
          `${declaredIn}: the ${key} pattern '${pattern}' is not a valid glob (${invalid}); see https://packaging.python.org/en/latest/specifications/glob-patterns/.`
        )
      } else if (!files.some(file => globMatches(pattern, file))) {
        problems.push(
          `${declaredIn}: the ${key} pattern '${pattern}' matches no file of the project: correct it, or add the file.`
        )
      }
    }
  }
  const license = metadata.license
  if (license?.kind === 'file' && !files.includes(license.path.replace(/^(\.\/)+/, ''))) {
    problems.push(
      `${license.declaredIn}: the licence file ${license.path} is not in the project: correct license = {file = ...}, or add the file.`
    )
  }
  return problems
}
