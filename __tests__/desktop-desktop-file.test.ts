import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  desktopFileProblems,
  desktopValue,
  execArgument,
  execArguments,
  generateDesktopFile,
  readDesktopFile,
  type DesktopEntry
} from '../src/pure/desktop/desktop-file.js'

const dir = mkdtempSync(join(tmpdir(), 'desktop-file-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** What desktop-file-validate (desktop-file-utils) says of a desktop file: its exit code and every line it prints. */
function desktopFileValidate(appId: string, text: string): { status: number | null; output: string } {
  const file = join(dir, `${appId}.desktop`)
  writeFileSync(file, text)
  const run = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' })
  if (run.error) {
    throw new Error(
      `desktop-file-validate could not run (${run.error.message}): apt-get install desktop-file-utils`
    )
  }
  return { status: run.status, output: (run.stdout + run.stderr).trim() }
}

describe('generateDesktopFile', () => {
  it('writes a desktop file that desktop-file-validate accepts without a word', () => {
    const text = generateDesktopFile({
      appId: 'org.acme.Tally',
      name: 'Tally',
      summary: 'Count things and keep a tally',
      command: 'tally'
    })
    expect(text).toBe(`[Desktop Entry]
Type=Application
Name=Tally
Comment=Count things and keep a tally
Exec=tally
Icon=org.acme.Tally
Terminal=false
Categories=Utility;
`)
    expect(desktopFileValidate('org.acme.Tally', text)).toEqual({ status: 0, output: '' })
  })

  it('escapes names and commands with the characters the spec reserves, and validates', () => {
    const text = generateDesktopFile({
      appId: 'org.example.Odd',
      name: ' Tom & Jerry; "100%"\nsecond line',
      summary: 'Back\\slash\tand tab',
      command: 'my app$%',
      categories: ['Development', 'IDE']
    })
    expect(text).toContain('Name=\\sTom & Jerry; "100%"\\nsecond line\n')
    expect(text).toContain('Comment=Back\\\\slash\\tand tab\n')
    expect(text).toContain('Exec="my app\\\\$%%"\n')
    expect(text).toContain('Categories=Development;IDE;\n')
    expect(desktopFileValidate('org.example.Odd', text)).toEqual({ status: 0, output: '' })
    // And it reads back as written.
    const entry = readDesktopFile(text)
    expect(entry.name).toBe(' Tom & Jerry; "100%"\nsecond line')
    expect(entry.keys.Comment).toBe('Back\\slash\tand tab')
    expect(execArguments(entry.exec!)).toEqual(['my app$%'])
  })

  it('leaves Comment out when there is no summary', () => {
    const text = generateDesktopFile({ appId: 'org.a.B', name: 'B', command: 'b' })
    expect(text).not.toContain('Comment')
    expect(desktopFileValidate('org.a.B', text).status).toBe(0)
  })
})

describe('desktopValue and execArgument', () => {
  it.each([
    ['plain', 'plain'],
    [' leading space', '\\sleading space'],
    ['a\\b', 'a\\\\b'],
    ['two\nlines\r\ttab', 'two\\nlines\\r\\ttab']
  ])('value %j → %j', (value, written) => expect(desktopValue(value)).toBe(written))

  it.each([
    ['tally', 'tally'],
    ['tally-2.0+x', 'tally-2.0+x'],
    ['has space', '"has space"'],
    ['50%', '50%%'],
    ['a"b`c$d\\e', '"a\\"b\\`c\\$d\\\\e"'],
    ["it's", '"it\'s"']
  ])('argument %j → %j', (arg, written) => expect(execArgument(arg)).toBe(written))
})

describe('readDesktopFile', () => {
  it('reads the [Desktop Entry] group of a hand-written file, and no other group', () => {
    const entry = readDesktopFile(
      readFileSync(join(__dirname, 'fixtures/desktop/org.acme.Tally.desktop'), 'utf8')
    )
    expect(entry).toEqual({
      keys: {
        Type: 'Application',
        Name: 'Tally',
        GenericName: 'Counter',
        Comment: 'Count things\nand keep a tally',
        Exec: '/app/bin/tally --new-window %U',
        Icon: 'org.acme.Tally',
        Terminal: 'false',
        Categories: 'Office;Spreadsheet;',
        Keywords: 'count;tally;',
        StartupNotify: 'true',
        Actions: 'new-window;'
      },
      locales: { Name: { de: 'Strichliste' }, Comment: { de: 'Dinge zählen' } },
      type: 'Application',
      name: 'Tally',
      exec: '/app/bin/tally --new-window %U',
      icon: 'org.acme.Tally',
      terminal: false,
      hidden: undefined,
      noDisplay: undefined,
      categories: ['Office', 'Spreadsheet']
    })
  })

  it('takes spaces around =, CRLF line ends and a byte-order mark; keeps the first of a repeated key', () => {
    const entry = readDesktopFile(
      '\uFEFF[Desktop Entry]\r\nName = First\r\nName=Second\r\n  # indented comment\r\nNoDisplay=true\r\n'
    )
    expect(entry).toMatchObject({ name: 'First', noDisplay: true, categories: [] })
  })

  it('says what a file without a [Desktop Entry] group lacks', () => {
    expect(() => readDesktopFile('[Desktop Action x]\nName=x\n')).toThrow(
      'desktop-file: the file has no [Desktop Entry] group: a desktop file starts with [Desktop Entry], then Type=Application, Name=, Exec= and Icon=.'
    )
  })
})

describe('execArguments', () => {
  it.each([
    ['tally', ['tally']],
    ['tally %U', ['tally', '%U']],
    ['  /app/bin/tally   --x  ', ['/app/bin/tally', '--x']],
    ['"my app" "a \\"q\\" \\$x" 100%%', ['my app', 'a "q" $x', '100%']],
    ['""', ['']]
  ])('%j → %j', (exec, args) => expect(execArguments(exec)).toEqual(args))
})

describe('desktopFileProblems', () => {
  const good: DesktopEntry = {
    keys: {},
    locales: {},
    type: 'Application',
    name: 'Tally',
    exec: 'tally %U',
    icon: 'org.acme.Tally',
    terminal: false,
    categories: ['Utility']
  }
  const options = { appId: 'org.acme.Tally', command: 'tally' }

  it.each(['tally', 'tally %U', '/app/bin/tally --new-window %F', '"tally" %u'])('takes Exec=%s', exec =>
    expect(desktopFileProblems({ ...good, exec }, options)).toEqual([])
  )

  it('finds nothing wrong with what generateDesktopFile writes', () => {
    const text = generateDesktopFile({ appId: 'org.acme.Tally', name: 'Tally', command: 'tally' })
    expect(desktopFileProblems(readDesktopFile(text), options)).toEqual([])
  })

  it.each([
    [{ type: 'Link' }, "desktop-file: Type is 'Link': an app's desktop file has Type=Application."],
    [{ type: undefined }, "desktop-file: Type is missing: an app's desktop file has Type=Application."],
    [{ exec: undefined }, 'desktop-file: it has no Exec: add Exec=tally.'],
    [
      { exec: 'python3 -m tally' },
      "desktop-file: Exec runs 'python3', but the app's command is 'tally': write Exec=tally (field codes such as %U may follow it)."
    ],
    [
      { exec: '/usr/bin/tally' },
      "desktop-file: Exec runs '/usr/bin/tally', but the app's command is 'tally': write Exec=tally (field codes such as %U may follow it)."
    ],
    [
      { exec: 'flatpak run org.acme.Tally' },
      "desktop-file: Exec is 'flatpak run org.acme.Tally': Flatpak writes the flatpak run line itself when it installs the app; write Exec=tally."
    ],
    [
      { icon: 'tally' },
      "desktop-file: Icon is 'tally', but the app's icon is installed as org.acme.Tally: write Icon=org.acme.Tally."
    ],
    [
      { icon: undefined },
      "desktop-file: Icon is missing, but the app's icon is installed as org.acme.Tally: write Icon=org.acme.Tally."
    ],
    [
      { hidden: true },
      'desktop-file: it sets Hidden=true, which hides the app from every launcher: remove it.'
    ],
    [
      { noDisplay: true },
      'desktop-file: it sets NoDisplay=true, which keeps the app out of menus; Flathub allows that only for console applications: remove it.'
    ],
    [
      { categories: ['GTK', 'GNOME'] },
      'desktop-file: its Categories (GTK;GNOME) name only a toolkit or desktop, which software centres drop: add a main category such as Utility, Office, Development, Graphics, AudioVideo, Game, Education, Network or Science.'
    ],
    [
      { categories: [] },
      'desktop-file: it has no Categories: add a main category such as Utility, Office, Development, Graphics, AudioVideo, Game, Education, Network or Science.'
    ]
  ] as [Partial<DesktopEntry>, string][])('%o', (change, problem) => {
    expect(desktopFileProblems({ ...good, ...change }, options)).toEqual([problem])
  })
})
