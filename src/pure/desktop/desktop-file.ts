import { Input } from '../constants.js'

/**
 * The app's desktop file, what a desktop's launcher shows and runs.
 * Spec: https://specifications.freedesktop.org/desktop-entry-spec/latest/
 * Flathub: https://docs.flathub.org/docs/for-app-authors/requirements#desktop-file
 */

export interface DesktopFileRequest {
  appId: string
  name: string
  summary?: string
  /** The launcher in /app/bin; Flatpak rewrites Exec to `flatpak run` it when the app is installed. */
  command: string
  /** Menu categories (https://specifications.freedesktop.org/menu-spec/latest/category-registry.html); default: Utility. */
  categories?: string[]
}

/**
 * A string or localestring value as the spec escapes it: backslash, line breaks and tabs as
 * escapes, and a leading space as `\s`, since a reader drops the spaces after `=`.
 */
export function desktopValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/^ /, '\\s')
}

// The characters of an Exec argument that need it quoted, and inside quotes, those that need a backslash.
const EXEC_RESERVED = /[\s"'\\><~|&;$*?#()`]/
const EXEC_QUOTED_ESCAPE = /["`$\\]/g

/** One Exec argument, quoted when it must be, with a literal % doubled; before the value escaping. */
export function execArgument(arg: string): string {
  const literal = arg.replace(/%/g, '%%')
  return EXEC_RESERVED.test(literal) ? `"${literal.replace(EXEC_QUOTED_ESCAPE, '\\$&')}"` : literal
}

/** A desktop file for a desktop application that `desktop-file-validate` accepts. */
export function generateDesktopFile(request: DesktopFileRequest): string {
  const categories = request.categories?.length ? request.categories : ['Utility']
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${desktopValue(request.name)}`,
    ...(request.summary ? [`Comment=${desktopValue(request.summary)}`] : []),
    `Exec=${desktopValue(execArgument(request.command))}`,
    `Icon=${request.appId}`,
    'Terminal=false',
    `Categories=${categories.map(c => `${c};`).join('')}`
  ]
  return `${lines.join('\n')}\n`
}

/** The [Desktop Entry] group of a desktop file, as a key file reader sees it. */
export interface DesktopEntry {
  /** Every key without a locale, with its value unescaped. */
  keys: Record<string, string>
  /** Localised values by key and locale: `Name[de]=…` is locales.Name.de. */
  locales: Record<string, Record<string, string>>
  type?: string
  name?: string
  exec?: string
  icon?: string
  terminal?: boolean
  hidden?: boolean
  noDisplay?: boolean
  categories: string[]
}

/** A value with the spec's escapes (\s \n \t \r \\) read back. */
function unescaped(value: string): string {
  return value.replace(/\\([sntr\\;]?)/g, (_, c: string) =>
    c === 's'
      ? ' '
      : c === 'n'
        ? '\n'
        : c === 't'
          ? '\t'
          : c === 'r'
            ? '\r'
            : c === '\\'
              ? '\\'
              : c === ';'
                ? '\\;'
                : '\\'
  )
}

/**
 * The [Desktop Entry] group of a desktop file: comments and blank lines skipped, other groups
 * ([Desktop Action …]) left out, `Key[locale]` values kept apart from the untranslated ones.
 * Throws, naming the desktop-file input, when the file has no such group.
 */
export function readDesktopFile(text: string): DesktopEntry {
  const keys: Record<string, string> = {}
  const locales: Record<string, Record<string, string>> = {}
  let group: string | undefined
  let found = false
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[([^\]]*)\]$/.exec(line)
    if (header) {
      group = header[1]
      found ||= group === 'Desktop Entry'
      continue
    }
    if (group !== 'Desktop Entry') continue
    const entry = /^([A-Za-z0-9-]+)(?:\[([^\]]+)\])?\s*=\s*(.*)$/.exec(line)
    if (!entry) continue
    const [, key, locale, value] = entry
    // The spec forbids a key twice in a group; the first is the one kept.
    if (locale === undefined) keys[key] ??= unescaped(value)
    else (locales[key] ??= {})[locale] ??= unescaped(value)
  }
  if (!found) {
    throw new Error(
      `${Input.DesktopFile}: the file has no [Desktop Entry] group: a desktop file starts with [Desktop Entry], then Type=Application, Name=, Exec= and Icon=.`
    )
  }
  const bool = (key: string) => (keys[key] === undefined ? undefined : keys[key] === 'true')
  return {
    keys,
    locales,
    type: keys.Type,
    name: keys.Name,
    exec: keys.Exec,
    icon: keys.Icon,
    terminal: bool('Terminal'),
    hidden: bool('Hidden'),
    noDisplay: bool('NoDisplay'),
    categories: (keys.Categories ?? '').split(';').filter(Boolean)
  }
}

/** The arguments of an Exec value (already unescaped as a string), with the spec's quoting read back. */
export function execArguments(exec: string): string[] {
  const args: string[] = []
  let current = ''
  let quoted = false
  let inArg = false
  for (let i = 0; i < exec.length; i++) {
    const c = exec[i]
    if (quoted) {
      if (c === '\\' && i + 1 < exec.length) current += exec[++i]
      else if (c === '"') quoted = false
      else current += c
    } else if (c === '"') {
      quoted = inArg = true
    } else if (c === ' ' || c === '\t') {
      if (inArg) args.push(current)
      current = ''
      inArg = false
    } else {
      current += c
      inArg = true
    }
  }
  if (inArg) args.push(current)
  return args.map(arg => arg.replace(/%%/g, '%'))
}

// Categories that say nothing about what an app does; appstreamcli compose drops them, and Flathub
// rejects a desktop file that has no other (desktop-file-low-quality-category).
const LOW_QUALITY_CATEGORIES = new Set([
  'GTK',
  'Qt',
  'KDE',
  'GNOME',
  'Motif',
  'Java',
  'GUI',
  'Application',
  'XFCE',
  'DDE'
])

/**
 * What in a desktop file keeps the app from starting from a launcher with its icon, or keeps
 * Flathub from taking it, each with what to change.
 */
export function desktopFileProblems(
  entry: DesktopEntry,
  options: { appId: string; command: string }
): string[] {
  const { appId, command } = options
  const input = Input.DesktopFile
  const problems: string[] = []
  if (entry.type !== 'Application') {
    problems.push(
      `${input}: Type is ${entry.type === undefined ? 'missing' : `'${entry.type}'`}: an app's desktop file has Type=Application.`
    )
  }
  if (entry.exec === undefined || entry.exec.trim() === '') {
    problems.push(`${input}: it has no Exec: add Exec=${command}.`)
  } else {
    const [program, ...rest] = execArguments(entry.exec)
    if (program === 'flatpak' && rest[0] === 'run') {
      problems.push(
        `${input}: Exec is '${entry.exec}': Flatpak writes the flatpak run line itself when it installs the app; write Exec=${command}.`
      )
    } else if (program !== command && program !== `/app/bin/${command}`) {
      problems.push(
        `${input}: Exec runs '${program}', but the app's command is '${command}': write Exec=${command} (field codes such as %U may follow it).`
      )
    }
  }
  if (entry.icon !== appId) {
    problems.push(
      `${input}: Icon is ${entry.icon ? `'${entry.icon}'` : 'missing'}, but the app's icon is installed as ${appId}: write Icon=${appId}.`
    )
  }
  if (entry.hidden)
    problems.push(`${input}: it sets Hidden=true, which hides the app from every launcher: remove it.`)
  if (entry.noDisplay) {
    problems.push(
      `${input}: it sets NoDisplay=true, which keeps the app out of menus; Flathub allows that only for console applications: remove it.`
    )
  }
  if (!entry.categories.some(c => !LOW_QUALITY_CATEGORIES.has(c))) {
    problems.push(
      `${input}: ${entry.categories.length === 0 ? 'it has no Categories' : `its Categories (${entry.categories.join(';')}) name only a toolkit or desktop, which software centres drop`}: add a main category such as Utility, Office, Development, Graphics, AudioVideo, Game, Education, Network or Science.`
    )
  }
  return problems
}
