import { satisfies, valid, validRange } from '@renovatebot/pep440'
import { normalizeName } from './names.js'

// PEP 508 environment markers, as the dependency specifiers spec defines them, with PEP 751's
// `extras` and `dependency_groups` sets.
// See https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers

/** The values a marker is evaluated against. The caller reads them from the target interpreter. */
export interface MarkerEnvironment {
  /** `'.'.join(platform.python_version_tuple()[:2])`, e.g. `3.13`. */
  python_version: string
  /** `platform.python_version()`, e.g. `3.13.5`. */
  python_full_version: string
  /** `os.name`: `posix` inside a Flatpak. */
  os_name: string
  /** `sys.platform`: `linux`. */
  sys_platform: string
  /** `platform.release()`: the kernel release of the machine that builds. */
  platform_release: string
  /** `platform.system()`: `Linux`. */
  platform_system: string
  /** `platform.version()`: the kernel build string. */
  platform_version: string
  /** `platform.machine()`: `x86_64`, `aarch64`. */
  platform_machine: string
  /** `platform.python_implementation()`: `CPython`. */
  platform_python_implementation: string
  /** `sys.implementation.name`: `cpython`. */
  implementation_name: string
  /** `sys.implementation.version`, formatted as the spec says: `3.13.5`, `3.14.0rc1`. */
  implementation_version: string
  /**
   * The extra being installed, where a package's metadata defines it (`''` for none). uv.lock
   * evaluates it as a set: its edges say `extra == 'extra-5-hello-cli'` for "the project's `cli`
   * extra is selected", and `==` then means membership.
   */
  extra?: string | ReadonlySet<string>
  /** PEP 751: the extras selected for an install from a lock file. */
  extras?: ReadonlySet<string>
  /** PEP 751: the dependency groups selected for an install from a lock file. */
  dependency_groups?: ReadonlySet<string>
}

export type MarkerVariable = keyof MarkerEnvironment

export type MarkerOperator = '===' | '==' | '!=' | '<=' | '>=' | '<' | '>' | '~=' | 'in' | 'not in'

export type MarkerOperand = { kind: 'variable'; name: MarkerVariable } | { kind: 'string'; value: string }

export type MarkerNode =
  | { kind: 'and' | 'or'; left: MarkerNode; right: MarkerNode }
  | { kind: 'compare'; left: MarkerOperand; op: MarkerOperator; right: MarkerOperand }

/** A parsed marker and the text it came from, for messages. */
export interface Marker {
  text: string
  tree: MarkerNode
}

/** A marker that does not parse, or a comparison that has no meaning. */
export class MarkerError extends Error {
  constructor(
    message: string,
    readonly marker: string,
    /** 1-based column of the problem, when it is a syntax error. */
    readonly column?: number
  ) {
    super(message)
    this.name = 'MarkerError'
  }
}

export const MARKER_VARIABLES: readonly MarkerVariable[] = [
  'python_version',
  'python_full_version',
  'os_name',
  'sys_platform',
  'platform_release',
  'platform_system',
  'platform_version',
  'platform_machine',
  'platform_python_implementation',
  'implementation_name',
  'implementation_version',
  'extra',
  'extras',
  'dependency_groups'
]

// PEP 345 spelled some variables with a dot; packaging still reads them, so old metadata works.
const LEGACY_NAMES: Record<string, MarkerVariable> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation'
}

// Variables that hold names, compared after PEP 503 normalisation (PEP 685 for extras).
const NAME_VARIABLES = new Set<MarkerVariable>(['extra', 'extras', 'dependency_groups'])

type Token =
  | { kind: 'lparen' | 'rparen' | 'end'; at: number }
  | { kind: 'string'; value: string; at: number }
  | { kind: 'word'; value: string; at: number }
  | { kind: 'op'; value: MarkerOperator; at: number }

const OPERATOR = /^(===|==|!=|<=|>=|~=|<|>)/
const WORD = /^[A-Za-z_][A-Za-z0-9_.]*/

function fail(text: string, at: number, what: string): never {
  const end = /[.?]$/.test(what) ? '' : '.'
  throw new MarkerError(`Invalid marker \`${text}\` at column ${at + 1}: ${what}${end}`, text, at + 1)
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let at = 0
  while (at < text.length) {
    const char = text[at]
    if (char === ' ' || char === '\t') {
      at++
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char === '(' ? 'lparen' : 'rparen', at })
      at++
    } else if (char === '"' || char === "'") {
      const end = text.indexOf(char, at + 1)
      if (end < 0) fail(text, at, `the string that starts here has no closing ${char}`)
      tokens.push({ kind: 'string', value: text.slice(at + 1, end), at })
      at = end + 1
    } else {
      const rest = text.slice(at)
      const op = OPERATOR.exec(rest)
      const word = WORD.exec(rest)
      if (op) {
        tokens.push({ kind: 'op', value: op[1] as MarkerOperator, at })
        at += op[1].length
      } else if (word) {
        tokens.push({ kind: 'word', value: word[0], at })
        at += word[0].length
      } else {
        fail(text, at, `unexpected '${char}'`)
      }
    }
  }
  tokens.push({ kind: 'end', at: text.length })
  return tokens
}

// Levenshtein distance, to suggest the variable a typo meant.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    }
    previous = current
  }
  return previous[b.length]
}

class Parser {
  private next = 0
  constructor(
    private readonly text: string,
    private readonly tokens: Token[]
  ) {}

  private peek(): Token {
    return this.tokens[this.next]
  }

  private isWord(value: string): boolean {
    const token = this.peek()
    return token.kind === 'word' && token.value === value
  }

  parse(): MarkerNode {
    const tree = this.or()
    const token = this.peek()
    if (token.kind !== 'end') {
      fail(this.text, token.at, token.kind === 'rparen' ? "a ')' without its '('" : "expected 'and' or 'or'")
    }
    return tree
  }

  private or(): MarkerNode {
    let left = this.and()
    while (this.isWord('or')) {
      this.next++
      left = { kind: 'or', left, right: this.and() }
    }
    return left
  }

  private and(): MarkerNode {
    let left = this.atom()
    while (this.isWord('and')) {
      this.next++
      left = { kind: 'and', left, right: this.atom() }
    }
    return left
  }

  private atom(): MarkerNode {
    const token = this.peek()
    if (token.kind === 'lparen') {
      this.next++
      const inner = this.or()
      const close = this.peek()
      if (close.kind !== 'rparen')
        fail(this.text, close.at, `expected ')' to close the '(' of column ${token.at + 1}`)
      this.next++
      return inner
    }
    const left = this.operand()
    const op = this.operator()
    const right = this.operand()
    return { kind: 'compare', left, op, right }
  }

  private operand(): MarkerOperand {
    const token = this.peek()
    if (token.kind === 'string') {
      this.next++
      return { kind: 'string', value: token.value }
    }
    if (token.kind === 'word' && !['and', 'or', 'in', 'not'].includes(token.value)) {
      const name = LEGACY_NAMES[token.value] ?? token.value
      if (!(MARKER_VARIABLES as readonly string[]).includes(name)) {
        const near = MARKER_VARIABLES.find(known => editDistance(known, token.value) <= 2)
        const hint = near ? `; did you mean '${near}'?` : ` (they are ${MARKER_VARIABLES.join(', ')})`
        fail(this.text, token.at, `'${token.value}' is not a marker variable${hint}`)
      }
      this.next++
      return { kind: 'variable', name: name as MarkerVariable }
    }
    fail(this.text, token.at, 'expected a marker variable or a quoted string')
  }

  private operator(): MarkerOperator {
    const token = this.peek()
    if (token.kind === 'op') {
      this.next++
      return token.value
    }
    if (this.isWord('in')) {
      this.next++
      return 'in'
    }
    if (this.isWord('not')) {
      this.next++
      if (!this.isWord('in')) fail(this.text, this.peek().at, "expected 'in' after 'not'")
      this.next++
      return 'not in'
    }
    fail(this.text, token.at, 'expected a comparison such as ==, <, ~=, in or not in')
  }
}

/** Parses a PEP 508 marker (the part after `;`). Throws a MarkerError that names the column. */
export function parseMarker(text: string): Marker {
  const trimmed = text.trim()
  if (trimmed === '') throw new MarkerError('Invalid marker: it is empty.', text)
  return { text: trimmed, tree: new Parser(trimmed, tokenize(trimmed)).parse() }
}

type Value = string | ReadonlySet<string>

function lookUp(marker: Marker, name: MarkerVariable, env: MarkerEnvironment): Value {
  const value = env[name]
  if (value === undefined) {
    const why =
      name === 'extra'
        ? "'extra' has a value only in a package's metadata"
        : name === 'extras' || name === 'dependency_groups'
          ? `'${name}' has a value only when installing from a lock file`
          : 'the environment has no value for it'
    throw new MarkerError(`Marker \`${marker.text}\` uses '${name}', but ${why}.`, marker.text)
  }
  return value
}

function normalized(value: Value): Value {
  return typeof value === 'string' ? normalizeName(value) : new Set([...value].map(normalizeName))
}

// The spec: versions compare by PEP 440 when both sides are versions; otherwise ==, >= and <= mean
// equality, and < and > are false ("legacy behaviour"); ~= between non-versions is an error.
function compareStrings(marker: Marker, lhs: string, op: MarkerOperator, rhs: string): boolean {
  switch (op) {
    case 'in':
      return rhs.includes(lhs)
    case 'not in':
      return !rhs.includes(lhs)
    case '===':
      return lhs.toLowerCase() === rhs.toLowerCase()
  }
  if (valid(lhs) && validRange(`${op}${rhs}`)) {
    return satisfies(lhs, `${op}${rhs}`, { prereleases: true })
  }
  switch (op) {
    case '==':
    case '<=':
    case '>=':
      return lhs === rhs
    case '!=':
      return lhs !== rhs
    case '<':
    case '>':
      return false
    default:
      throw new MarkerError(
        `Marker \`${marker.text}\` compares '${lhs}' ~= '${rhs}', but ~= needs versions on both sides.`,
        marker.text
      )
  }
}

function compare(
  marker: Marker,
  node: Extract<MarkerNode, { kind: 'compare' }>,
  env: MarkerEnvironment
): boolean {
  const side = (operand: MarkerOperand): Value =>
    operand.kind === 'string' ? operand.value : lookUp(marker, operand.name, env)
  let lhs = side(node.left)
  let rhs = side(node.right)
  const names = [node.left, node.right].some(o => o.kind === 'variable' && NAME_VARIABLES.has(o.name))
  if (names) {
    lhs = normalized(lhs)
    rhs = normalized(rhs)
  }
  if (typeof lhs === 'string' && typeof rhs === 'string') return compareStrings(marker, lhs, node.op, rhs)
  if (typeof lhs === 'string' && typeof rhs !== 'string') {
    if (node.op === 'in') return rhs.has(lhs)
    if (node.op === 'not in') return !rhs.has(lhs)
    // `extra == 'x'` against the set of selected extras (uv.lock): true when 'x' is selected.
    if (node.right.kind === 'variable' && node.right.name === 'extra') {
      if (node.op === '==') return rhs.has(lhs)
      if (node.op === '!=') return !rhs.has(lhs)
    }
  }
  if (
    typeof lhs !== 'string' &&
    typeof rhs === 'string' &&
    node.left.kind === 'variable' &&
    node.left.name === 'extra'
  ) {
    if (node.op === '==') return lhs.has(rhs)
    if (node.op === '!=') return !lhs.has(rhs)
  }
  const set = [node.left, node.right].find(o => o.kind === 'variable' && typeof env[o.name] !== 'string')
  const name = set?.kind === 'variable' ? set.name : 'a set'
  throw new MarkerError(
    `Marker \`${marker.text}\` uses ${node.op} on '${name}', which is a set of names: test it with 'in', like \`'name' in ${name}\`.`,
    marker.text
  )
}

function evaluateNode(marker: Marker, node: MarkerNode, env: MarkerEnvironment): boolean {
  switch (node.kind) {
    case 'and':
      return evaluateNode(marker, node.left, env) && evaluateNode(marker, node.right, env)
    case 'or':
      return evaluateNode(marker, node.left, env) || evaluateNode(marker, node.right, env)
    case 'compare':
      return compare(marker, node, env)
  }
}

/**
 * Whether a marker holds in an environment. Takes a parsed marker or its text; throws a
 * MarkerError for text that does not parse, a variable the environment lacks, or a comparison
 * the spec calls an error.
 */
export function evaluateMarker(marker: Marker | string, env: MarkerEnvironment): boolean {
  const parsed = typeof marker === 'string' ? parseMarker(marker) : marker
  return evaluateNode(parsed, parsed.tree, env)
}
