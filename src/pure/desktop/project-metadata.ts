import { parse as parseToml } from 'smol-toml'

/**
 * What a Python project says about itself that a MetaInfo file, a desktop file and the licence
 * files of a Flatpak need: read from pyproject.toml ([project], PEP 621 and PEP 639), setup.cfg
 * ([metadata]) and the literal keywords of setup.py, in that order of precedence.
 */

/** The file a value was read from, for messages that tell the user where to change it. */
export type MetadataFile = 'pyproject.toml' | 'setup.cfg' | 'setup.py'

/**
 * The project's licence as declared: a PEP 639 SPDX expression (`license = "MIT"`), or one of the
 * older forms, free text (`license = {text = "..."}`, setup.cfg `license = ...`) or a file
 * (`license = {file = "LICENSE"}`), which say what the licence is but not as SPDX.
 */
export type ProjectLicense =
  | { kind: 'spdx'; expression: string; declaredIn: MetadataFile }
  | { kind: 'text'; text: string; declaredIn: MetadataFile }
  | { kind: 'file'; path: string; declaredIn: MetadataFile }

export interface ProjectAuthor {
  name?: string
  email?: string
}

/**
 * The project's links, by the well-known labels of the PyPA spec (label normalised: punctuation
 * and whitespace removed, lower-cased), so `Bug Tracker`, `bug-tracker` and `Issues` are one key.
 * See https://packaging.python.org/en/latest/specifications/well-known-project-urls/
 */
export interface ProjectUrls {
  homepage?: string
  source?: string
  issues?: string
  documentation?: string
  changelog?: string
  donate?: string
}

export interface ProjectMetadata {
  name?: string
  /** One line: `[project].description`, setup.cfg/setup.py `description`. */
  summary?: string
  /** The readme's file name, relative to the project (not its text: a readme is not MetaInfo). */
  readme?: string
  license?: ProjectLicense
  /**
   * The glob patterns the project names for its licence files (PEP 639 `license-files`, setup.cfg
   * `license_files`/`license_file`), or undefined when it names none and the backend's defaults
   * apply. An empty list is a project that says it has none.
   */
  licenseFiles?: { patterns: string[]; declaredIn: MetadataFile }
  urls: ProjectUrls
  authors: ProjectAuthor[]
  /** The version, when it is written in the file (not `dynamic`, not `attr:`/`file:`). */
  version?: string
}

export interface MetadataFiles {
  pyproject?: string
  setupCfg?: string
  setupPy?: string
}

type Table = Record<string, unknown>

const table = (value: unknown): Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Table) : {}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/** The PyPA normalisation of a Project-URL label: no ASCII punctuation or whitespace, lower case. */
export function normalizedUrlLabel(label: string): string {
  return label.replace(/[!-/:-@[-`{-~\s]/g, '').toLowerCase()
}

// Well-known labels and their aliases, after normalisation; `bugtracker` and `donate` are not in
// the PyPA list but are what projects write most often besides it.
const URL_LABELS: Record<string, keyof ProjectUrls> = {
  homepage: 'homepage',
  home: 'homepage',
  website: 'homepage',
  source: 'source',
  repository: 'source',
  sourcecode: 'source',
  github: 'source',
  code: 'source',
  issues: 'issues',
  issue: 'issues',
  bugs: 'issues',
  tracker: 'issues',
  issuetracker: 'issues',
  bugtracker: 'issues',
  bugreports: 'issues',
  documentation: 'documentation',
  docs: 'documentation',
  changelog: 'changelog',
  changes: 'changelog',
  whatsnew: 'changelog',
  history: 'changelog',
  releasenotes: 'changelog',
  funding: 'donate',
  sponsor: 'donate',
  donate: 'donate',
  donation: 'donate',
  donations: 'donate'
}

function addUrls(urls: ProjectUrls, labelled: Iterable<[string, string]>): void {
  for (const [label, url] of labelled) {
    const key = URL_LABELS[normalizedUrlLabel(label)]
    if (key && urls[key] === undefined && /^https?:\/\//i.test(url.trim())) urls[key] = url.trim()
  }
}

/** setup.cfg as configparser reads it: sections, `key = value` or `key: value`, indented continuations. */
function iniSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>()
  let section: Map<string, string> | undefined
  let key: string | undefined
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;]|$)/.test(raw)) continue
    const header = /^\[([^\]]+)\]\s*$/.exec(raw)
    if (header) {
      section = new Map()
      sections.set(header[1].trim().toLowerCase(), section)
      key = undefined
    } else if (/^\s/.test(raw) && section && key !== undefined) {
      section.set(key, `${section.get(key)}\n${raw.trim()}`)
    } else if (section) {
      const entry = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw)
      if (!entry) continue
      // configparser lower-cases keys; setuptools also takes `license-file` for `license_file`.
      key = entry[1].trim().toLowerCase().replace(/-/g, '_')
      section.set(key, entry[2].trim())
    }
  }
  return sections
}

/** setuptools' `list-comma` values: one per line, or separated by commas. */
const commaList = (value: string): string[] =>
  value
    .split(/[,\n]/)
    .map(v => v.trim())
    .filter(Boolean)

/** `key = value` lines, as setup.cfg writes a dict (`project_urls`). */
const dictLines = (value: string): [string, string][] =>
  value
    .split('\n')
    .map(line => /^([^=]+?)\s*=\s*(.+)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(m => [m[1], m[2]])

/** setup.py is code; this reads the literal `key='value'` keywords nearly every project writes. */
function setupPyString(setupPy: string, key: string): string | undefined {
  return str(new RegExp(`\\b${key}\\s*=\\s*(['"])(.*?)\\1`).exec(setupPy)?.[2])
}

function fromPyproject(text: string): { project: Table } {
  try {
    return { project: table(parseToml(text).project) }
  } catch (e) {
    throw new Error(`pyproject.toml is not valid TOML: ${(e as Error).message.split('\n')[0]}`, { cause: e })
  }
}

function pyprojectLicense(value: unknown): ProjectLicense | undefined {
  const declaredIn = 'pyproject.toml'
  if (str(value)) return { kind: 'spdx', expression: str(value)!, declaredIn }
  const form = table(value)
  if (str(form.file)) return { kind: 'file', path: str(form.file)!, declaredIn }
  if (str(form.text)) return { kind: 'text', text: str(form.text)!, declaredIn }
  return undefined
}

function pyprojectReadme(value: unknown): string | undefined {
  return str(value) ?? str(table(value).file)
}

/** What the project's files say about it; fields the files leave out stay undefined or empty. */
export function projectMetadata(files: MetadataFiles): ProjectMetadata {
  const project = files.pyproject !== undefined ? fromPyproject(files.pyproject).project : {}
  const cfg = iniSections(files.setupCfg ?? '').get('metadata') ?? new Map<string, string>()
  const py = files.setupPy ?? ''
  const cfgValue = (key: string) => str(cfg.get(key))
  // setup.cfg's `file:` and `attr:` directives are computed at build time, not written values.
  const cfgLiteral = (key: string) => {
    const value = cfgValue(key)
    return value && !/^(file|attr):/.test(value) ? value : undefined
  }

  const dynamic = strings(project.dynamic)
  const urls: ProjectUrls = {}
  addUrls(
    urls,
    Object.entries(table(project.urls)).filter((e): e is [string, string] => typeof e[1] === 'string')
  )
  addUrls(urls, dictLines(cfg.get('project_urls') ?? ''))
  if (cfgValue('url')) addUrls(urls, [['homepage', cfgValue('url')!]])
  const pyUrls = /\bproject_urls\s*=\s*\{([^}]*)\}/.exec(py)?.[1] ?? ''
  addUrls(
    urls,
    [...pyUrls.matchAll(/(['"])(.*?)\1\s*:\s*(['"])(.*?)\3/g)].map(m => [m[2], m[4]] as [string, string])
  )
  if (setupPyString(py, 'url')) addUrls(urls, [['homepage', setupPyString(py, 'url')!]])

  return {
    name: str(project.name) ?? cfgLiteral('name') ?? setupPyString(py, 'name'),
    summary: oneLine(
      str(project.description) ?? cfgLiteral('description') ?? setupPyString(py, 'description')
    ),
    readme:
      pyprojectReadme(project.readme) ??
      (/^file:\s*(.+)$/
        .exec(cfgValue('long_description') ?? '')?.[1]
        .split(',')[0]
        .trim() ||
        undefined),
    license: pyprojectLicense(project.license) ?? setupCfgLicense(cfg) ?? setupPyLicense(py),
    licenseFiles: declaredLicenseFiles(project, cfg, py),
    urls,
    authors: declaredAuthors(project, cfg, py),
    version: dynamic.includes('version')
      ? undefined
      : (str(project.version) ?? cfgLiteral('version') ?? setupPyString(py, 'version'))
  }
}

// A summary is one line; a project's description sometimes wraps.
const oneLine = (text: string | undefined) => text?.replace(/\s+/g, ' ').trim()

function setupCfgLicense(cfg: Map<string, string>): ProjectLicense | undefined {
  const expression = str(cfg.get('license_expression'))
  if (expression) return { kind: 'spdx', expression, declaredIn: 'setup.cfg' }
  const license = str(cfg.get('license'))
  if (!license) return undefined
  const file = /^file:\s*(.+)$/.exec(license)?.[1].trim()
  return file
    ? { kind: 'file', path: file, declaredIn: 'setup.cfg' }
    : { kind: 'text', text: license, declaredIn: 'setup.cfg' }
}

function setupPyLicense(py: string): ProjectLicense | undefined {
  const expression = setupPyString(py, 'license_expression')
  if (expression) return { kind: 'spdx', expression, declaredIn: 'setup.py' }
  const text = setupPyString(py, 'license')
  return text ? { kind: 'text', text, declaredIn: 'setup.py' } : undefined
}

function declaredLicenseFiles(
  project: Table,
  cfg: Map<string, string>,
  py: string
): ProjectMetadata['licenseFiles'] {
  if (Array.isArray(project['license-files'])) {
    return { patterns: strings(project['license-files']), declaredIn: 'pyproject.toml' }
  }
  const cfgFiles = cfg.get('license_files') ?? cfg.get('license_file')
  if (cfgFiles !== undefined) return { patterns: commaList(cfgFiles), declaredIn: 'setup.cfg' }
  const pyFiles = /\blicense_files\s*=\s*\[([^\]]*)\]/.exec(py)?.[1]
  if (pyFiles !== undefined) {
    return { patterns: [...pyFiles.matchAll(/(['"])(.*?)\1/g)].map(m => m[2]), declaredIn: 'setup.py' }
  }
  return undefined
}

function declaredAuthors(project: Table, cfg: Map<string, string>, py: string): ProjectAuthor[] {
  const fromToml = (Array.isArray(project.authors) ? project.authors : [])
    .map(author => ({ name: str(table(author).name), email: str(table(author).email) }))
    .filter(author => author.name !== undefined || author.email !== undefined)
  if (fromToml.length > 0) return fromToml.map(dropUndefined)
  const name = str(cfg.get('author')) ?? setupPyString(py, 'author')
  const email = str(cfg.get('author_email')) ?? setupPyString(py, 'author_email')
  return name !== undefined || email !== undefined ? [dropUndefined({ name, email })] : []
}

const dropUndefined = (author: ProjectAuthor): ProjectAuthor =>
  Object.fromEntries(Object.entries(author).filter(([, v]) => v !== undefined))
