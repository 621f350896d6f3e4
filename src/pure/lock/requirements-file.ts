import { posix } from 'node:path'
import { evaluateMarker, MarkerError, type Marker, type MarkerEnvironment } from './markers.js'
import { parseRequirement, RequirementError } from './requirement.js'

// pip's requirements file format, read the way pip reads it (pip/_internal/req/req_file.py):
// `\` joins lines, `#` after whitespace starts a comment, and a line's options start at its first
// word that starts with `-`. See https://pip.pypa.io/en/stable/reference/requirements-file-format/

/** One `name==version --hash=sha256:…` line: a pin that can become flatpak-builder file sources. */
export interface HashedPin {
  name: string
  normalizedName: string
  version: string
  /** Every sha256 the line allows, lower case: one per file of that version (wheels, sdist). */
  sha256: string[]
  extras: string[]
  marker?: Marker
  /** The file, as the caller named it. */
  path: string
  /** Where the line starts, 1-based. */
  line: number
  text: string
}

/** A requirement pip would resolve: no hash, so the resolver chooses its version. */
export interface UnpinnedRequirement {
  normalizedName: string
  line: number
  text: string
}

/** `-r file` or `-c file`, for the caller to read and parse in turn. */
export interface RequirementsInclude {
  kind: 'requirements' | 'constraints'
  /** As written. */
  path: string
  /** Relative to the directory of the file that includes it, as pip resolves it. */
  resolved: string
  line: number
}

/** An option line (`--index-url …`, `--require-hashes`), verbatim. */
export interface RequirementsOption {
  name: string
  value?: string
  line: number
}

export interface RequirementsProblem {
  path: string
  line: number
  text: string
  /** The whole message, starting with `path:line:`. */
  message: string
}

export interface RequirementsFile {
  path: string
  /**
   * `hashed`: every requirement is `name==version` with at least one sha256 — the lock is the
   * user's. `unpinned`: no requirement has a hash — pip resolves them. `mixed`: some have hashes
   * and some do not (each line without is a problem). `empty`: no requirement lines at all.
   */
  kind: 'hashed' | 'unpinned' | 'mixed' | 'empty'
  pins: HashedPin[]
  unpinned: UnpinnedRequirement[]
  includes: RequirementsInclude[]
  options: RequirementsOption[]
  /** Lines that can never be pinned (editables, paths, URLs, VCS) or that pip cannot read, and half-hashed lines. */
  problems: RequirementsProblem[]
}

// Options pip reads in a requirements file, and whether they take a value
// (SUPPORTED_OPTIONS and SUPPORTED_OPTIONS_REQ in pip/_internal/req/req_file.py).
const LINE_OPTIONS: Record<string, { takesValue: boolean; short?: string }> = {
  '--requirement': { takesValue: true, short: '-r' },
  '--constraint': { takesValue: true, short: '-c' },
  '--editable': { takesValue: true, short: '-e' },
  '--index-url': { takesValue: true, short: '-i' },
  '--extra-index-url': { takesValue: true },
  '--no-index': { takesValue: false },
  '--find-links': { takesValue: true, short: '-f' },
  '--no-binary': { takesValue: true },
  '--only-binary': { takesValue: true },
  '--prefer-binary': { takesValue: false },
  '--require-hashes': { takesValue: false },
  '--pre': { takesValue: false },
  '--trusted-host': { takesValue: true },
  '--use-feature': { takesValue: true }
}
const REQUIREMENT_OPTIONS = new Set(['--hash', '--config-settings', '--global-option', '--install-option'])
const SHORT_OPTIONS = new Map(
  Object.entries(LINE_OPTIONS)
    .filter(([, spec]) => spec.short)
    .map(([name, spec]) => [spec.short!, name])
)

// pip's COMMENT_RE: a `#` at the start or after whitespace starts a comment.
const COMMENT = /(^|\s+)#.*$/
const VCS = /^(git|hg|svn|bzr)\+/i
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
const ARCHIVE = /\.(whl|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip)$/i
const HASH_ALGORITHMS = new Set(['sha256', 'sha384', 'sha512'])
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 }

interface LogicalLine {
  line: number
  text: string
}

/** pip's join_lines and ignore_comments: logical lines with the number of the line they start on. */
function logicalLines(text: string): LogicalLine[] {
  const lines: LogicalLine[] = []
  let parts: string[] = []
  let first = 0
  const push = (line: number, joined: string) => {
    const stripped = joined.replace(COMMENT, '').trim()
    if (stripped !== '') lines.push({ line, text: stripped.replace(/\s+/g, ' ') })
  }
  text.split(/\r?\n/).forEach((raw, index) => {
    const number = index + 1
    if (!raw.endsWith('\\') || COMMENT.test(raw)) {
      // pip puts a space before a comment line inside a continuation so that it still reads as one.
      const line = COMMENT.test(raw) ? ' ' + raw : raw
      if (parts.length > 0) {
        push(first, parts.join('') + line)
        parts = []
      } else {
        push(number, line)
      }
    } else {
      if (parts.length === 0) first = number
      parts.push(raw.replace(/^\\+|\\+$/g, ''))
    }
  })
  if (parts.length > 0) push(first, parts.join(''))
  return lines
}

/** Splits options the way shlex does for the cases requirements files hold: spaces and quotes. */
function shellWords(text: string): string[] {
  const words: string[] = []
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3])
  return words
}

interface ParsedOptions {
  options: { name: string; value?: string }[]
  errors: string[]
}

function parseOptions(words: string[]): ParsedOptions {
  const options: ParsedOptions['options'] = []
  const errors: string[] = []
  for (let i = 0; i < words.length; i++) {
    const word = words[i]
    let name: string
    let value: string | undefined
    if (word.startsWith('--')) {
      const eq = word.indexOf('=')
      name = eq < 0 ? word : word.slice(0, eq)
      value = eq < 0 ? undefined : word.slice(eq + 1)
    } else if (word.startsWith('-') && word.length >= 2) {
      name = SHORT_OPTIONS.get(word.slice(0, 2)) ?? word.slice(0, 2)
      value = word.length > 2 ? word.slice(2) : undefined
    } else {
      errors.push(`'${word}' is not an option`)
      continue
    }
    const takesValue = REQUIREMENT_OPTIONS.has(name) || LINE_OPTIONS[name]?.takesValue
    if (takesValue === undefined) {
      errors.push(`pip has no option ${name} for requirements files`)
      continue
    }
    if (takesValue && value === undefined) {
      value = words[++i]
      if (value === undefined) {
        errors.push(`${name} needs a value`)
        continue
      }
    }
    if (!takesValue && value !== undefined) {
      errors.push(`${name} takes no value`)
      continue
    }
    options.push({ name, ...(value !== undefined ? { value } : {}) })
  }
  return { options, errors }
}

/** pip's break_args_options: the requirement is every word before the first that starts with `-`. */
function splitArgs(text: string): { args: string; options: string } {
  const words = text.split(' ')
  const firstOption = words.findIndex(word => word.startsWith('-'))
  if (firstOption < 0) return { args: text.trim(), options: '' }
  return { args: words.slice(0, firstOption).join(' ').trim(), options: words.slice(firstOption).join(' ') }
}

// Why a requirement line can never become a pinned file from an index, or undefined when it can.
function unpinnable(args: string): string | undefined {
  const atUrl = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@\s*(\S+)/.exec(args)
  const target = atUrl ? atUrl[2] : args
  if (VCS.test(target)) {
    const vcs = target.split('+')[0].toLowerCase()
    return `is a ${vcs} checkout: a VCS checkout has no file hash to pin. Publish it to an index, or require a release archive`
  }
  if (/^file:/i.test(target)) {
    return 'is a local file: only files from an index can be pinned. Publish it to an index, or make it part of the app'
  }
  if (atUrl) {
    return 'is a direct URL reference: require it by name from an index (name==version --hash=sha256:…), so that its file comes from the index'
  }
  if (URL_SCHEME.test(args)) {
    return 'is a URL, not a requirement by name: require it by name from an index (name==version --hash=sha256:…)'
  }
  if (/^[.~/\\]/.test(args) || /[/\\]/.test(args) || ARCHIVE.test(args)) {
    return 'is a local path: only files from an index can be pinned. Publish it to an index, or make it part of the app'
  }
  return undefined
}

/**
 * Reads a requirements file: which kind it is, its hashed pins, the files it includes and the
 * lines that can never be pinned. `path` names the file in messages and locates its `-r`/`-c`
 * includes; nothing is read from disk.
 */
export function parseRequirementsFile(text: string, path = 'requirements.txt'): RequirementsFile {
  const pins: HashedPin[] = []
  const unpinned: UnpinnedRequirement[] = []
  const includes: RequirementsInclude[] = []
  const options: RequirementsOption[] = []
  const problems: RequirementsProblem[] = []
  // Lines with hashes that are not exact pins: the file means to be hashed, so they are problems.
  const looseHashed: RequirementsProblem[] = []
  const problem = (line: LogicalLine, message: string, into = problems) =>
    into.push({ path, line: line.line, text: line.text, message: `${path}:${line.line}: ${message}` })
  const directory = posix.dirname(path)

  for (const line of logicalLines(text)) {
    const { args, options: optionText } = splitArgs(line.text)
    const parsed = parseOptions(shellWords(optionText))
    for (const error of parsed.errors) problem(line, `'${line.text}': ${error}.`)

    if (args === '') {
      for (const option of parsed.options) {
        if (option.name === '--editable') {
          const vcs = VCS.test(option.value!)
            ? ` of a ${option.value!.split('+')[0].toLowerCase()} checkout`
            : ''
          problem(
            line,
            `'${line.text}' is an editable install${vcs}: it has no file to pin. If it is the app itself, leave it out (uv export --no-emit-project); the action builds the app from its source. Otherwise publish it to an index.`
          )
        } else if (option.name === '--requirement' || option.name === '--constraint') {
          const file = option.value!
          if (URL_SCHEME.test(file)) {
            problem(
              line,
              `'${line.text}' includes a file from a URL: pip would download it at build time. Copy it into the repository and include it by path.`
            )
          } else {
            includes.push({
              kind: option.name === '--requirement' ? 'requirements' : 'constraints',
              path: file,
              resolved: posix.normalize(posix.join(directory, file)),
              line: line.line
            })
          }
        } else if (REQUIREMENT_OPTIONS.has(option.name)) {
          problem(
            line,
            `'${line.text}' has ${option.name} but no requirement before it: is the '\\' missing at the end of the line above?`
          )
        } else {
          options.push({
            name: option.name,
            ...(option.value !== undefined ? { value: option.value } : {}),
            line: line.line
          })
        }
      }
      continue
    }

    const why = unpinnable(args)
    if (why) {
      problem(line, `'${args}' ${why}.`)
      continue
    }
    if (/\$\{[A-Z0-9_]+\}/.test(args)) {
      problem(
        line,
        `'${args}' uses an environment variable, which pip expands but the action does not: write the value out.`
      )
      continue
    }
    let requirement
    try {
      requirement = parseRequirement(args)
    } catch (error) {
      if (!(error instanceof RequirementError)) throw error
      problem(line, `${error.message} Write it as name==version, like requests==2.32.3.`)
      continue
    }

    const hashes = parsed.options.filter(option => option.name === '--hash').map(option => option.value!)
    const sha256: string[] = []
    const otherAlgorithms = new Set<string>()
    let badHash = false
    for (const hash of hashes) {
      const [algorithm, hex = ''] = hash.split(':', 2).map(part => part.toLowerCase())
      if (!HASH_ALGORITHMS.has(algorithm) || !new RegExp(`^[0-9a-f]{${HEX_LENGTH[algorithm]}}$`).test(hex)) {
        problem(
          line,
          `${requirement.name} has '--hash=${hash}', which is not algorithm:hexdigest with sha256, sha384 or sha512 (pip hash <file> prints one).`
        )
        badHash = true
      } else if (algorithm === 'sha256') {
        if (!sha256.includes(hex)) sha256.push(hex)
      } else {
        otherAlgorithms.add(algorithm)
      }
    }
    if (badHash) continue
    if (hashes.length === 0) {
      unpinned.push({ normalizedName: requirement.normalizedName, line: line.line, text: line.text })
      continue
    }
    const exact = /^===?([^,*]+)$/.exec(requirement.specifier)
    if (!exact) {
      problem(
        line,
        `${args} has hashes but is not pinned with ==: a hash fits the files of one version only. Pin it as ${requirement.name}==<version>.`,
        looseHashed
      )
      continue
    }
    if (sha256.length === 0) {
      problem(
        line,
        `${requirement.name}==${exact[1]} has only ${[...otherAlgorithms].join(' and ')} hashes, but flatpak-builder pins files by sha256: add --hash=sha256:… for each file (pip hash <file> prints it).`,
        looseHashed
      )
      continue
    }
    pins.push({
      name: requirement.name,
      normalizedName: requirement.normalizedName,
      version: exact[1],
      sha256,
      extras: requirement.extras,
      ...(requirement.marker ? { marker: requirement.marker } : {}),
      path,
      line: line.line,
      text: line.text
    })
  }

  const requireHashes = options.some(option => option.name === '--require-hashes')
  const hashedLines = pins.length + looseHashed.length
  let kind: RequirementsFile['kind']
  if (hashedLines === 0 && unpinned.length === 0) kind = 'empty'
  else if (hashedLines === 0 && !requireHashes) kind = 'unpinned'
  else if (unpinned.length === 0 && looseHashed.length === 0) kind = 'hashed'
  else kind = 'mixed'

  if (kind === 'mixed') {
    problems.push(...looseHashed)
    const why =
      requireHashes && hashedLines === 0 ? 'the file says --require-hashes' : 'other lines have hashes'
    for (const requirement of unpinned) {
      problem(
        requirement,
        `'${requirement.text}' has no --hash, but ${why}: pip checks hashes for every requirement or for none. Pin every line with == and its hashes (pip-compile --generate-hashes or uv export write them), or remove the hashes to let pip resolve.`
      )
    }
  }
  problems.sort((a, b) => a.line - b.line)
  return { path, kind, pins, unpinned, includes, options, problems }
}

/** The outcome of a requirements file and every file it includes. */
export interface RequirementsSet {
  kind: RequirementsFile['kind']
  pins: HashedPin[]
  problems: RequirementsProblem[]
}

/**
 * Combines a requirements file with the files it includes (the caller reads them, following
 * `includes`). Constraints files narrow what pip may choose; with every requirement pinned by
 * hash they cannot change the result, so they add no pins and are not classified.
 */
export function combineRequirementsFiles(
  files: readonly { file: RequirementsFile; role: RequirementsInclude['kind'] }[]
): RequirementsSet {
  const requirements = files.filter(f => f.role === 'requirements').map(f => f.file)
  const withRequirements = requirements.filter(file => file.kind !== 'empty')
  const problems = requirements.flatMap(file => file.problems)
  const pins = requirements.flatMap(file => file.pins)
  let kind: RequirementsFile['kind']
  if (withRequirements.length === 0) kind = 'empty'
  else if (withRequirements.every(file => file.kind === 'hashed')) kind = 'hashed'
  else if (withRequirements.every(file => file.kind === 'unpinned')) kind = 'unpinned'
  else kind = 'mixed'
  if (kind === 'mixed') {
    const hashed = withRequirements.filter(file => file.kind === 'hashed').map(file => file.path)
    for (const file of withRequirements.filter(file => file.kind === 'unpinned')) {
      const first = file.unpinned[0]
      problems.push({
        path: file.path,
        line: first.line,
        text: first.text,
        message: `${file.path}:${first.line}: this file has no hashes, but ${hashed.join(', ')} ${hashed.length === 1 ? 'has' : 'have'}: pip checks hashes for every requirement or for none. Generate hashes for ${file.path} too, or remove them from the others.`
      })
    }
  }
  return { kind, pins, problems }
}

/** The pins of a hashed set that apply to one target, with a problem for each name pinned twice. */
export function selectPins(
  pins: readonly HashedPin[],
  env: MarkerEnvironment
): { pins: HashedPin[]; problems: string[] } {
  const selected = new Map<string, HashedPin>()
  const problems: string[] = []
  for (const pin of pins) {
    if (pin.marker) {
      try {
        if (!evaluateMarker(pin.marker, { extra: '', ...env })) continue
      } catch (error) {
        if (!(error instanceof MarkerError)) throw error
        problems.push(`${pin.path}:${pin.line}: ${pin.name}: ${error.message}`)
        continue
      }
    }
    const earlier = selected.get(pin.normalizedName)
    if (!earlier) {
      selected.set(pin.normalizedName, { ...pin, sha256: [...pin.sha256] })
    } else if (earlier.version === pin.version) {
      for (const hash of pin.sha256) if (!earlier.sha256.includes(hash)) earlier.sha256.push(hash)
    } else {
      problems.push(
        `${pin.name} is pinned twice for this Python: ${earlier.version} at ${earlier.path}:${earlier.line} and ${pin.version} at ${pin.path}:${pin.line}. Give the lines markers that exclude each other, or keep one.`
      )
    }
  }
  return { pins: [...selected.values()], problems }
}
