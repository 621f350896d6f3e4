import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { Input } from '../constants.js'
import type { ProjectLicense, ProjectMetadata } from './project-metadata.js'

/**
 * The app's MetaInfo file (AppStream): what software centres and Flathub show about it.
 * Spec: https://www.freedesktop.org/software/appstream/docs/chap-Metadata.html
 * Flathub's rules: https://docs.flathub.org/docs/for-app-authors/metainfo-guidelines/
 */

/** The component types Flathub takes for an application. */
export type ComponentKind = 'desktop-application' | 'console-application'

export interface MetainfoRequest {
  appId: string
  kind: ComponentKind
  /** The launcher in /app/bin, the console app's binary. */
  command: string
  metadata: ProjectMetadata
  /** The app's name as people read it; default: the project's name, else the app-id's last part. */
  name?: string
}

// XML 1.0 allows tab, line feed, carriage return and the characters from U+0020 on, less the
// surrogates and U+FFFE/U+FFFF. Anything else in a project's text would make the file unreadable.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Text or an attribute value, escaped for XML, with the characters XML cannot hold left out. */
export function xmlEscaped(text: string): string {
  return text
    .replace(NOT_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

// Licences a project often writes in the older free-text forms (`license = {text = "MIT"}`,
// setup.cfg `license = MIT`) that are SPDX identifiers as written, spelt as SPDX spells them.
// Free text is taken as SPDX only when it is one of these: anything else ("GPLv3", "MIT License",
// a whole licence text) would make appstreamcli reject the file (spdx-license-unknown).
const COMMON_SPDX = [
  '0BSD',
  'AGPL-3.0-only',
  'AGPL-3.0-or-later',
  'Apache-2.0',
  'Artistic-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'BSL-1.0',
  'CC-BY-4.0',
  'CC-BY-SA-4.0',
  'CC0-1.0',
  'EUPL-1.2',
  'GPL-2.0-only',
  'GPL-2.0-or-later',
  'GPL-3.0-only',
  'GPL-3.0-or-later',
  'ISC',
  'LGPL-2.1-only',
  'LGPL-2.1-or-later',
  'LGPL-3.0-only',
  'LGPL-3.0-or-later',
  'MIT',
  'MIT-0',
  'MPL-2.0',
  'PSF-2.0',
  'Unlicense',
  'WTFPL',
  'Zlib'
]
const SPDX_BY_LOWER = new Map(COMMON_SPDX.map(id => [id.toLowerCase(), id]))

/**
 * The project's licence as an SPDX expression for `project_license`, or why there is none. A
 * PEP 639 `license` is SPDX already (build backends check it); the older forms only when their text
 * is a common SPDX identifier, or several joined by AND/OR.
 */
export function spdxLicense(license: ProjectLicense | undefined): { spdx: string } | { why: string } {
  const hint = 'declare it the PEP 639 way, as an SPDX expression in [project]: license = "MIT"'
  if (license === undefined) return { why: `the project declares no licence: ${hint}.` }
  if (license.kind === 'spdx') return { spdx: license.expression }
  if (license.kind === 'file') {
    return { why: `${license.declaredIn} names the licence only by its file (${license.path}): ${hint}.` }
  }
  const parts = license.text.trim().split(/\s+(AND|OR)\s+/)
  const ids = parts.filter((_, i) => i % 2 === 0).map(part => SPDX_BY_LOWER.get(part.toLowerCase()))
  if (ids.every(id => id !== undefined)) {
    return { spdx: parts.map((part, i) => (i % 2 === 0 ? ids[i / 2] : part)).join(' ') }
  }
  const shown = license.text.length > 40 ? `${license.text.slice(0, 40).trim()}…` : license.text
  return {
    why: `${license.declaredIn} gives the licence as '${shown.replace(/\s+/g, ' ')}', which is not an SPDX expression: ${hint}.`
  }
}

/** The developer's id Flathub asks for is reverse DNS: the app-id without its last part. */
export function developerId(appId: string): string {
  return appId.split('.').slice(0, -1).join('.').toLowerCase()
}

// Flathub raises AppStream's name-has-dot-suffix to an error, and a summary is not a sentence.
const noDotSuffix = (text: string) => text.trim().replace(/[.\s]+$/, '')

/**
 * A MetaInfo file for the app from what its project says, and what Flathub still needs that the
 * project does not say, in plain words. The file passes `appstreamcli validate`; what is missing
 * is left out rather than made up (a licence, a content rating, a release date are the author's
 * statements, not the action's).
 */
export function generateMetainfo(request: MetainfoRequest): { xml: string; missing: string[] } {
  const { appId, kind, command, metadata } = request
  const missing: string[] = []
  const name = noDotSuffix(request.name ?? metadata.name ?? appId.split('.').at(-1)!)
  let summary = metadata.summary ? noDotSuffix(metadata.summary) : ''
  if (summary === '') {
    summary = name
    missing.push(
      'a summary: the project has no one-line description, so the summary is the name; set [project].description to what the app does.'
    )
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Written by flatpak-python-action from the project's metadata. To say more, write your own and give it as the ${Input.Metainfo} input. -->`,
    `<component type="${kind}">`,
    `  <id>${xmlEscaped(appId)}</id>`,
    '  <metadata_license>CC0-1.0</metadata_license>'
  ]
  const license = spdxLicense(metadata.license)
  if ('spdx' in license) lines.push(`  <project_license>${xmlEscaped(license.spdx)}</project_license>`)
  else missing.push(`a project licence (project_license): ${license.why}`)
  lines.push(
    `  <name>${xmlEscaped(name)}</name>`,
    `  <summary>${xmlEscaped(summary)}</summary>`,
    '  <description>',
    `    <p>${xmlEscaped(metadata.summary?.trim() || summary)}</p>`,
    '  </description>'
  )
  missing.push(
    `a description: the file's one paragraph is the project's summary (a readme${metadata.readme ? `, like ${metadata.readme},` : ''} is not AppStream markup); write a few paragraphs with <p>, <ul>, <ol> in your own MetaInfo file.`
  )
  const author = metadata.authors.find(a => a.name)
  if (author?.name) {
    lines.push(
      `  <developer id="${xmlEscaped(developerId(appId))}">`,
      `    <name>${xmlEscaped(author.name)}</name>`,
      '  </developer>'
    )
  } else {
    missing.push('a developer: the project names no author; add authors = [{ name = "..." }] to [project].')
  }
  const { urls } = metadata
  const homepage = urls.homepage ?? urls.source
  if (homepage === undefined) {
    missing.push('a homepage: the project has no Homepage or Source URL; add one under [project.urls].')
  }
  for (const [type, url] of [
    ['homepage', homepage],
    ['bugtracker', urls.issues],
    ['help', urls.documentation],
    ['donation', urls.donate],
    ['vcs-browser', urls.source]
  ] as const) {
    if (url !== undefined) lines.push(`  <url type="${type}">${xmlEscaped(url)}</url>`)
  }
  if (kind === 'desktop-application') {
    lines.push(`  <launchable type="desktop-id">${xmlEscaped(appId)}.desktop</launchable>`)
  } else {
    lines.push('  <provides>', `    <binary>${xmlEscaped(command)}</binary>`, '  </provides>')
  }
  lines.push('</component>', '')
  missing.push(
    kind === 'desktop-application'
      ? 'screenshots: Flathub needs at least one for a graphical app; add <screenshots> with image URLs from a tag or a commit.'
      : "screenshots: Flathub's website finds a console app in search only with screenshots; add <screenshots> with image URLs from a tag or a commit.",
    'a content rating: Flathub needs an OARS rating; answer https://hughsie.github.io/oars/generate.html and add its <content_rating type="oars-1.1"> (empty when the app has none of the content it asks about).',
    `releases: Flathub needs <releases> with a version and a date for each${metadata.version ? ` (the project is at ${metadata.version})` : ''}, newest first.`
  )
  return { xml: lines.join('\n'), missing }
}

/** What the action checks in a MetaInfo file: the facts Flathub's linter looks at. */
export interface MetainfoFacts {
  /** The root element; a MetaInfo file has `component`. */
  root: string
  /** The `type` of the component, when it has one. */
  type?: string
  id?: string
  launchables: { type?: string; value: string }[]
  /** The untranslated name and summary. */
  name?: string
  summary?: string
  /** `provides/binary`: the commands a console app installs. */
  binaries: string[]
  /** Every screenshot image URL. */
  screenshots: string[]
  releases: { version?: string; date?: string }[]
}

type Node = Record<string, unknown>

// Elements read as lists wherever they are, so one element and several read the same way.
const LISTS = new Set(['launchable', 'name', 'summary', 'binary', 'screenshot', 'image', 'release', 'url'])
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  // "1.10" is a version, not the number 1.1.
  parseTagValue: false,
  isArray: tag => LISTS.has(tag)
})

const nodes = (value: unknown): Node[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(v =>
    typeof v === 'object' && v !== null ? (v as Node) : { '#text': String(v) }
  )

const text = (node: Node): string => String(node['#text'] ?? '').trim()

/** The first of these elements without xml:lang: the English text. */
const untranslated = (value: unknown): string | undefined =>
  nodes(value)
    .filter(n => n['@xml:lang'] === undefined)
    .map(text)
    .find(t => t !== '')

/**
 * The facts of a MetaInfo file. Throws, naming the metainfo input, when it is not well-formed
 * XML, since nothing else about it can then be said.
 */
export function readMetainfo(xml: string): MetainfoFacts {
  const wellFormed = XMLValidator.validate(xml)
  if (wellFormed !== true) {
    const { msg, line } = wellFormed.err
    throw new Error(
      `${Input.Metainfo}: the file is not well-formed XML (line ${line}: ${msg}); check it with appstreamcli validate.`
    )
  }
  const document = parser.parse(xml) as Node
  const root = Object.keys(document).find(key => !key.startsWith('?') && !key.startsWith('#')) ?? ''
  const component = nodes(document[root])[0] ?? {}
  return {
    root,
    type: typeof component['@type'] === 'string' ? component['@type'] : undefined,
    id: untranslated(component.id),
    launchables: nodes(component.launchable).map(n => ({
      ...(typeof n['@type'] === 'string' ? { type: n['@type'] } : {}),
      value: text(n)
    })),
    name: untranslated(component.name),
    summary: untranslated(component.summary),
    binaries: nodes(component.provides).flatMap(p => nodes(p.binary).map(text)),
    screenshots: nodes(component.screenshots)
      .flatMap(s => nodes(s.screenshot))
      .flatMap(s => nodes(s.image).map(text))
      .filter(Boolean),
    releases: nodes(component.releases)
      .flatMap(r => nodes(r.release))
      .map(r => {
        const date = r['@date'] ?? r['@timestamp']
        return {
          ...(typeof r['@version'] === 'string' ? { version: r['@version'] } : {}),
          ...(typeof date === 'string' ? { date } : {})
        }
      })
  }
}

const APP_TYPES: readonly string[] = ['desktop-application', 'console-application']

/**
 * What in a MetaInfo file keeps Flathub from taking the app, each with what to change. `desktopFile`
 * says whether the app installs a desktop file; by default, a desktop application does.
 */
export function metainfoProblems(
  facts: MetainfoFacts,
  options: { appId: string; desktopFile?: boolean; command?: string }
): string[] {
  const { appId } = options
  const input = Input.Metainfo
  const problems: string[] = []
  if (facts.root !== 'component') {
    problems.push(
      `${input}: the file's root element is <${facts.root}>, not <component>: a MetaInfo file describes one component.`
    )
    return problems
  }
  if (facts.id !== appId) {
    problems.push(
      facts.id === undefined
        ? `${input}: the component has no <id>: add <id>${appId}</id>, the app-id.`
        : `${input}: its <id> is '${facts.id}' but app-id is '${appId}': Flathub needs them to be the same; write <id>${appId}</id>.`
    )
  }
  if (facts.type === undefined || !APP_TYPES.includes(facts.type)) {
    problems.push(
      `${input}: the component's type is ${facts.type === undefined ? 'missing' : `'${facts.type}'`}: use <component type="desktop-application"> for a graphical app or type="console-application" for one that runs in a terminal${facts.type === 'desktop' ? " ('desktop' is the old name of desktop-application)" : ''}.`
    )
  }
  const desktopFile = options.desktopFile ?? facts.type === 'desktop-application'
  const desktopIds = facts.launchables.filter(l => l.type === 'desktop-id')
  const wanted = `${appId}.desktop`
  if (desktopFile) {
    if (desktopIds.length === 0) {
      problems.push(
        `${input}: there is no <launchable type="desktop-id">: add <launchable type="desktop-id">${wanted}</launchable>, so software centres can start the app and take its icon and categories from the desktop file.`
      )
    } else if (desktopIds.length > 1) {
      problems.push(
        `${input}: it has ${desktopIds.length} desktop-id launchables (${desktopIds.map(l => l.value).join(', ')}): keep only ${wanted}.`
      )
    } else if (desktopIds[0].value !== wanted) {
      problems.push(
        `${input}: its desktop-id launchable is '${desktopIds[0].value}', but the app's desktop file is ${wanted}: write <launchable type="desktop-id">${wanted}</launchable>.`
      )
    }
  } else if (facts.type === 'desktop-application') {
    problems.push(
      `${input}: a desktop-application needs a desktop file, and the app installs none: give ${Input.DesktopFile}, or use type="console-application" for an app that runs in a terminal.`
    )
  }
  if (
    facts.type === 'console-application' &&
    options.command !== undefined &&
    !facts.binaries.includes(options.command)
  ) {
    problems.push(
      `${input}: a console application names its command: add <provides><binary>${options.command}</binary></provides>.`
    )
  }
  return problems
}
