import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  developerId,
  generateMetainfo,
  metainfoProblems,
  readMetainfo,
  spdxLicense,
  xmlEscaped,
  type MetainfoFacts
} from '../src/pure/desktop/metainfo.js'
import { projectMetadata, type ProjectMetadata } from '../src/pure/desktop/project-metadata.js'

const dir = mkdtempSync(join(tmpdir(), 'metainfo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * What Debian's appstreamcli (0.16.1 here) says of a MetaInfo file, named as Flathub names it. Its
 * own exit code is the verdict; the issue tags are returned so tests can say which notes they accept.
 */
function appstreamValidate(
  appId: string,
  xml: string
): { status: number | null; output: string; tags: string[] } {
  const file = join(dir, `${appId}.metainfo.xml`)
  writeFileSync(file, xml)
  const run = spawnSync('appstreamcli', ['validate', '--no-net', '--explain', file], { encoding: 'utf8' })
  if (run.error)
    throw new Error(`appstreamcli could not run (${run.error.message}): apt-get install appstream`)
  const output = run.stdout + run.stderr
  return {
    status: run.status,
    output,
    tags: [...output.matchAll(/^[EWIP]: [^:]+:[^:]*: (\S+)/gm)].map(m => m[1])
  }
}

// The notes appstreamcli may print about a generated file, each for a reason:
const ACCEPTED_NOTES = [
  // <developer> is AppStream 1.0's; 0.16 does not know it yet, Flathub's validator (1.x) does.
  'unknown-tag',
  // The one paragraph is the project's one-line description: said in `missing`.
  'description-first-para-too-short',
  // A content rating is the author's to give: said in `missing`.
  'content-rating-missing',
  // Pedantic only: app ids are CamelCase by convention.
  'cid-contains-uppercase-letter',
  // Pedantic only: releases need a date the project does not say: said in `missing`.
  'releases-info-missing'
]

const TALLY = projectMetadata({
  pyproject: `
[project]
name = "tally"
version = "1.4.0"
description = "Count things and keep a tally."
readme = "README.md"
license = "MIT"
authors = [{ name = "Ada Lovelace", email = "ada@acme.org" }]
[project.urls]
Homepage = "https://acme.org/tally"
Source = "https://github.com/acme/tally"
Issues = "https://github.com/acme/tally/issues"
Documentation = "https://tally.readthedocs.io"
Funding = "https://acme.org/donate"
`
})

const BARE: ProjectMetadata = { urls: {}, authors: [] }

describe('generateMetainfo', () => {
  it('writes a desktop application that appstreamcli validates', () => {
    const { xml, missing } = generateMetainfo({
      appId: 'org.acme.Tally',
      kind: 'desktop-application',
      command: 'tally',
      metadata: TALLY,
      name: 'Tally'
    })
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by flatpak-python-action from the project's metadata. To say more, write your own and give it as the metainfo input. -->
<component type="desktop-application">
  <id>org.acme.Tally</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>Tally</name>
  <summary>Count things and keep a tally</summary>
  <description>
    <p>Count things and keep a tally.</p>
  </description>
  <developer id="org.acme">
    <name>Ada Lovelace</name>
  </developer>
  <url type="homepage">https://acme.org/tally</url>
  <url type="bugtracker">https://github.com/acme/tally/issues</url>
  <url type="help">https://tally.readthedocs.io</url>
  <url type="donation">https://acme.org/donate</url>
  <url type="vcs-browser">https://github.com/acme/tally</url>
  <launchable type="desktop-id">org.acme.Tally.desktop</launchable>
</component>
`)
    const verdict = appstreamValidate('org.acme.Tally', xml)
    expect(verdict.status, verdict.output).toBe(0)
    expect(
      verdict.tags.filter(t => !ACCEPTED_NOTES.includes(t)),
      verdict.output
    ).toEqual([])
    expect(missing).toEqual([
      "a description: the file's one paragraph is the project's summary (a readme, like README.md, is not AppStream markup); write a few paragraphs with <p>, <ul>, <ol> in your own MetaInfo file.",
      'screenshots: Flathub needs at least one for a graphical app; add <screenshots> with image URLs from a tag or a commit.',
      'a content rating: Flathub needs an OARS rating; answer https://hughsie.github.io/oars/generate.html and add its <content_rating type="oars-1.1"> (empty when the app has none of the content it asks about).',
      'releases: Flathub needs <releases> with a version and a date for each (the project is at 1.4.0), newest first.'
    ])
  })

  it('writes a console application with its binary, and says what a bare project lacks', () => {
    const { xml, missing } = generateMetainfo({
      appId: 'org.example.Hello',
      kind: 'console-application',
      command: 'hello',
      metadata: BARE
    })
    expect(xml).toContain('<component type="console-application">')
    expect(xml).toContain('<provides>\n    <binary>hello</binary>\n  </provides>')
    expect(xml).not.toContain('launchable')
    expect(xml).not.toContain('project_license')
    expect(xml).not.toContain('developer')
    // No name: the app-id's last part; no description: the name stands in for the summary.
    expect(xml).toContain('<name>Hello</name>\n  <summary>Hello</summary>')
    const verdict = appstreamValidate('org.example.Hello', xml)
    expect(verdict.status, verdict.output).toBe(0)
    expect(
      verdict.tags.filter(t => !ACCEPTED_NOTES.includes(t)),
      verdict.output
    ).toEqual([])
    expect(missing.map(m => m.split(':')[0])).toEqual([
      'a summary',
      'a project licence (project_license)',
      'a description',
      'a developer',
      'a homepage',
      'screenshots',
      'a content rating',
      'releases'
    ])
    expect(missing[5]).toMatch(
      /^screenshots: Flathub's website finds a console app in search only with screenshots/
    )
    expect(missing[1]).toBe(
      'a project licence (project_license): the project declares no licence: declare it the PEP 639 way, as an SPDX expression in [project]: license = "MIT".'
    )
  })

  it('escapes what the project writes, and leaves out what XML cannot hold', () => {
    const metadata: ProjectMetadata = {
      name: 'Tom & Jerry <"chase">',
      summary: "Cat's ]]> & mouse\u0007 </summary><evil/>",
      license: { kind: 'spdx', expression: 'MIT OR Apache-2.0', declaredIn: 'pyproject.toml' },
      urls: { homepage: 'https://example.org/?a=1&b=<2>' },
      authors: [{ name: 'O\'Brien & "Sons"' }]
    }
    const { xml } = generateMetainfo({
      appId: 'org.example.TomJerry',
      kind: 'desktop-application',
      command: 'tj',
      metadata
    })
    expect(xml).toContain('<name>Tom &amp; Jerry &lt;&quot;chase&quot;&gt;</name>')
    expect(xml).toContain('<summary>Cat&apos;s ]]&gt; &amp; mouse &lt;/summary&gt;&lt;evil/&gt;</summary>')
    expect(xml).toContain('<url type="homepage">https://example.org/?a=1&amp;b=&lt;2&gt;</url>')
    expect(xml).not.toContain('\u0007')
    const verdict = appstreamValidate('org.example.TomJerry', xml)
    expect(verdict.status, verdict.output).toBe(0)
    expect(
      verdict.tags.filter(t => !ACCEPTED_NOTES.includes(t)),
      verdict.output
    ).toEqual([])
    // What is written is read back as the project wrote it.
    expect(readMetainfo(xml)).toMatchObject({
      name: 'Tom & Jerry <"chase">',
      summary: "Cat's ]]> & mouse </summary><evil/>"
    })
  })

  it('takes the repository for the homepage when the project names only its source', () => {
    const { xml, missing } = generateMetainfo({
      appId: 'io.github.ada.Tally',
      kind: 'desktop-application',
      command: 'tally',
      metadata: {
        ...BARE,
        urls: { source: 'https://github.com/ada/tally' },
        authors: [{ email: 'ada@x.org' }]
      }
    })
    expect(xml).toContain('<url type="homepage">https://github.com/ada/tally</url>')
    expect(xml).toContain('<url type="vcs-browser">https://github.com/ada/tally</url>')
    expect(missing.some(m => m.startsWith('a homepage'))).toBe(false)
    // An author with an email and no name is no developer name.
    expect(missing.some(m => m.startsWith('a developer'))).toBe(true)
  })
})

describe('spdxLicense', () => {
  it.each([
    [
      { kind: 'spdx', expression: 'LGPL-2.1-or-later', declaredIn: 'pyproject.toml' },
      { spdx: 'LGPL-2.1-or-later' }
    ],
    [{ kind: 'text', text: 'mit', declaredIn: 'setup.cfg' }, { spdx: 'MIT' }],
    [{ kind: 'text', text: 'apache-2.0 OR  mit', declaredIn: 'setup.py' }, { spdx: 'Apache-2.0 OR MIT' }],
    [
      { kind: 'text', text: 'GPLv3', declaredIn: 'setup.cfg' },
      {
        why: 'setup.cfg gives the licence as \'GPLv3\', which is not an SPDX expression: declare it the PEP 639 way, as an SPDX expression in [project]: license = "MIT".'
      }
    ],
    [
      { kind: 'file', path: 'COPYING', declaredIn: 'pyproject.toml' },
      {
        why: 'pyproject.toml names the licence only by its file (COPYING): declare it the PEP 639 way, as an SPDX expression in [project]: license = "MIT".'
      }
    ]
  ] as const)('%o → %o', (license, expected) => expect(spdxLicense(license)).toEqual(expected))

  it('shortens a whole licence text in its message', () => {
    const text = 'Permission is hereby granted, free of charge, to any person obtaining a copy'
    expect(spdxLicense({ kind: 'text', text, declaredIn: 'setup.py' })).toEqual({
      why: 'setup.py gives the licence as \'Permission is hereby granted, free of ch…\', which is not an SPDX expression: declare it the PEP 639 way, as an SPDX expression in [project]: license = "MIT".'
    })
  })
})

describe('developerId and xmlEscaped', () => {
  it.each([
    ['org.acme.Tally', 'org.acme'],
    ['io.github.Ada_L.Tally', 'io.github.ada_l']
  ])('the developer of %s is %s', (appId, id) => expect(developerId(appId)).toBe(id))

  it('escapes the five XML characters and drops control characters and lone surrogates', () => {
    expect(xmlEscaped(`a&b<c>d"e'f\u0000g\tline\nh\uD800i😀`)).toBe(
      'a&amp;b&lt;c&gt;d&quot;e&apos;fg\tline\nhi😀'
    )
  })
})

describe('readMetainfo', () => {
  it('reads the facts of a hand-written file, taking the untranslated name and summary', () => {
    const xml = readFileSync(join(__dirname, 'fixtures/desktop/org.acme.Tally.metainfo.xml'), 'utf8')
    expect(readMetainfo(xml)).toEqual({
      root: 'component',
      type: 'desktop-application',
      id: 'org.acme.Tally',
      launchables: [{ type: 'desktop-id', value: 'org.acme.Tally.desktop' }],
      name: 'Tally',
      summary: 'Count things & keep a tally',
      binaries: [],
      screenshots: [
        'https://raw.githubusercontent.com/acme/tally/v1.10/shots/main.png',
        'https://raw.githubusercontent.com/acme/tally/v1.10/shots/undo.png',
        'https://raw.githubusercontent.com/acme/tally/v1.10/shots/undo-de.png'
      ],
      // A version stays as written: 1.10 is not 1.1.
      releases: [
        { version: '1.10', date: '2026-11-02' },
        { version: '1.9', date: '1767225600' }
      ]
    })
  })

  it('reads what it generated', () => {
    const { xml } = generateMetainfo({
      appId: 'org.example.Hello',
      kind: 'console-application',
      command: 'hello',
      metadata: BARE
    })
    expect(readMetainfo(xml)).toEqual({
      root: 'component',
      type: 'console-application',
      id: 'org.example.Hello',
      launchables: [],
      name: 'Hello',
      summary: 'Hello',
      binaries: ['hello'],
      screenshots: [],
      releases: []
    })
  })

  it('says where a file that is not XML breaks', () => {
    expect(() => readMetainfo('<component><id>x</component>')).toThrow(
      /^metainfo: the file is not well-formed XML \(line 1: .+\); check it with appstreamcli validate\.$/
    )
  })

  it('does not expand the entities of a DOCTYPE, so an entity bomb stays small', () => {
    const entities = [
      '<!ENTITY a0 "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i};`.repeat(10)}">`)
    ].join('\n')
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE component [\n${entities}\n]>\n<component type="desktop-application"><id>org.a.B</id><name>&a9;</name></component>`
    expect(readMetainfo(xml).name!.length).toBeLessThan(100)
  })

  it('reads an old catalogue-style root, and a component without a type', () => {
    expect(readMetainfo('<application><id type="desktop">a.desktop</id></application>').root).toBe(
      'application'
    )
    expect(readMetainfo('<component><id>org.a.B</id></component>')).toMatchObject({
      type: undefined,
      id: 'org.a.B'
    })
  })
})

describe('metainfoProblems', () => {
  const good: MetainfoFacts = {
    root: 'component',
    type: 'desktop-application',
    id: 'org.acme.Tally',
    launchables: [{ type: 'desktop-id', value: 'org.acme.Tally.desktop' }],
    binaries: [],
    screenshots: [],
    releases: []
  }
  const options = { appId: 'org.acme.Tally' }

  it('finds nothing wrong with a desktop app that matches its app-id', () => {
    expect(metainfoProblems(good, options)).toEqual([])
    expect(
      metainfoProblems(
        { ...good, type: 'console-application', launchables: [], binaries: ['tally'] },
        { ...options, desktopFile: false, command: 'tally' }
      )
    ).toEqual([])
  })

  it.each([
    [
      { id: 'org.acme.tally.desktop' },
      "metainfo: its <id> is 'org.acme.tally.desktop' but app-id is 'org.acme.Tally': Flathub needs them to be the same; write <id>org.acme.Tally</id>."
    ],
    [{ id: undefined }, 'metainfo: the component has no <id>: add <id>org.acme.Tally</id>, the app-id.'],
    [
      { type: 'desktop' },
      "metainfo: the component's type is 'desktop': use <component type=\"desktop-application\"> for a graphical app or type=\"console-application\" for one that runs in a terminal ('desktop' is the old name of desktop-application)."
    ],
    [
      { type: 'addon' },
      'metainfo: the component\'s type is \'addon\': use <component type="desktop-application"> for a graphical app or type="console-application" for one that runs in a terminal.'
    ],
    [
      { launchables: [] },
      'metainfo: there is no <launchable type="desktop-id">: add <launchable type="desktop-id">org.acme.Tally.desktop</launchable>, so software centres can start the app and take its icon and categories from the desktop file.'
    ],
    [
      { launchables: [{ type: 'desktop-id', value: 'tally.desktop' }] },
      "metainfo: its desktop-id launchable is 'tally.desktop', but the app's desktop file is org.acme.Tally.desktop: write <launchable type=\"desktop-id\">org.acme.Tally.desktop</launchable>."
    ],
    [
      {
        launchables: [
          { type: 'desktop-id', value: 'org.acme.Tally.desktop' },
          { type: 'desktop-id', value: 'tally.desktop' }
        ]
      },
      'metainfo: it has 2 desktop-id launchables (org.acme.Tally.desktop, tally.desktop): keep only org.acme.Tally.desktop.'
    ],
    [
      { root: 'components' },
      "metainfo: the file's root element is <components>, not <component>: a MetaInfo file describes one component."
    ]
  ] as [Partial<MetainfoFacts>, string][])('%o', (change, problem) => {
    expect(metainfoProblems({ ...good, ...change }, options)).toEqual([problem])
  })

  it('a launchable of another type is no desktop launchable', () => {
    expect(
      metainfoProblems({ ...good, launchables: [{ type: 'url', value: 'https://acme.org' }] }, options)
    ).toHaveLength(1)
  })

  it('a desktop application needs a desktop file; a console one names its command', () => {
    expect(metainfoProblems(good, { ...options, desktopFile: false })).toEqual([
      'metainfo: a desktop-application needs a desktop file, and the app installs none: give desktop-file, or use type="console-application" for an app that runs in a terminal.'
    ])
    expect(
      metainfoProblems(
        { ...good, type: 'console-application', launchables: [] },
        { ...options, command: 'tally' }
      )
    ).toEqual([
      'metainfo: a console application names its command: add <provides><binary>tally</binary></provides>.'
    ])
  })

  it('a console application with a desktop file needs its launchable too', () => {
    expect(
      metainfoProblems(
        { ...good, type: 'console-application', launchables: [] },
        { ...options, desktopFile: true }
      )
    ).toHaveLength(1)
  })
})
