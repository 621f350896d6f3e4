import { validRange } from '@renovatebot/pep440'
import { MarkerError, parseMarker, type Marker } from './markers.js'
import { normalizeName } from './names.js'

// PEP 508 dependency specifiers: `name [extras] (specifier | @ url) ; marker`.
// See https://packaging.python.org/en/latest/specifications/dependency-specifiers/

export interface Requirement {
  /** The name as written. */
  name: string
  normalizedName: string
  /** Extras, normalized. */
  extras: string[]
  /** The version specifier, as written without spaces (`>=2,<3`); '' when there is none. */
  specifier: string
  /** The direct reference of `name @ url`. */
  url?: string
  marker?: Marker
}

/** A requirement that does not parse. */
export class RequirementError extends Error {
  constructor(
    message: string,
    readonly requirement: string,
    readonly column?: number
  ) {
    super(message)
    this.name = 'RequirementError'
  }
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/
const EXTRA = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/

/** Parses one dependency specifier. Throws a RequirementError that names the column. */
export function parseRequirement(text: string): Requirement {
  const fail = (at: number, what: string): never => {
    throw new RequirementError(
      `Invalid requirement \`${text.trim()}\` at column ${at + 1}: ${what}.`,
      text,
      at + 1
    )
  }
  let at = text.length - text.trimStart().length
  const name = NAME.exec(text.slice(at))?.[0]
  if (!name) fail(at, 'expected a project name')
  at += name!.length
  const skipSpace = () => {
    while (text[at] === ' ' || text[at] === '\t') at++
  }
  skipSpace()

  const extras: string[] = []
  if (text[at] === '[') {
    const close = text.indexOf(']', at)
    if (close < 0) fail(at, "the '[' of the extras has no ']'")
    const inside = text.slice(at + 1, close)
    if (inside.trim() !== '') {
      let offset = at + 1
      for (const part of inside.split(',')) {
        const match = EXTRA.exec(part)
        if (!match || match[0].length !== part.length) fail(offset, `'${part.trim()}' is not an extra name`)
        extras.push(normalizeName(match![1]))
        offset += part.length + 1
      }
    }
    at = close + 1
    skipSpace()
  }

  let specifier = ''
  let url: string | undefined
  let rest = text.slice(at)
  if (rest.startsWith('@')) {
    at++
    skipSpace()
    const end = text.slice(at).search(/\s|$/)
    url = text.slice(at, at + end)
    if (url === '') fail(at, "expected a URL after '@'")
    // PEP 508: a marker after a URL needs a space before its ';', or it would be part of the URL.
    if (url.includes(';'))
      fail(at + url.indexOf(';'), "put a space before the marker's ';': without one it is part of the URL")
    at += end
    skipSpace()
    rest = text.slice(at)
    if (rest !== '' && !rest.startsWith(';')) fail(at, "expected ';' and a marker after the URL")
  } else {
    const end = rest.indexOf(';')
    let spec = (end < 0 ? rest : rest.slice(0, end)).trim()
    if (spec.startsWith('(') && spec.endsWith(')')) spec = spec.slice(1, -1).trim()
    specifier = spec.replace(/\s+/g, '')
    if (specifier !== '' && !validRange(specifier)) {
      fail(at, `'${spec}' is not a PEP 440 version specifier (like >=2.0,<3 or ==1.4.*)`)
    }
    at += end < 0 ? rest.length : end
    rest = text.slice(at)
  }

  let marker: Marker | undefined
  if (rest.startsWith(';')) {
    try {
      marker = parseMarker(rest.slice(1))
    } catch (error) {
      if (!(error instanceof MarkerError)) throw error
      throw new RequirementError(`Invalid requirement \`${text.trim()}\`: ${error.message}`, text)
    }
  } else if (rest.trim() !== '') {
    fail(at, `unexpected '${rest.trim()}'`)
  }
  return {
    name: name!,
    normalizedName: normalizeName(name!),
    extras,
    specifier,
    ...(url !== undefined ? { url } : {}),
    ...(marker ? { marker } : {})
  }
}
