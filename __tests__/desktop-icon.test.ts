import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32, deflateSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { iconFacts, iconInstallPath, iconProblems, type IconFacts } from '../src/pure/desktop/icon.js'

const dir = mkdtempSync(join(tmpdir(), 'icon-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A real PNG of that size (transparent RGBA), chunk CRCs and all. */
function png(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 6, 0, 0, 0], 8)
  const rows = Buffer.alloc((width * 4 + 1) * height)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

const svg = (prolog = '') =>
  Buffer.from(
    `${prolog}<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>\n`
  )

/**
 * What Flatpak itself says of an icon: flatpak build-export runs its flatpak-validate-icon on
 * every exported icon, with 512×512 the largest.
 */
function flatpakValidateIcon(bytes: Uint8Array, name: string): { ok: boolean; output: string } {
  const file = join(dir, name)
  writeFileSync(file, bytes)
  const run = spawnSync('/usr/libexec/flatpak-validate-icon', ['512', '512', file], { encoding: 'utf8' })
  if (run.error)
    throw new Error(`flatpak-validate-icon could not run (${run.error.message}): apt-get install flatpak`)
  return { ok: run.status === 0, output: run.stdout + run.stderr }
}

describe('iconFacts', () => {
  it.each([16, 128, 256, 512, 1024])('reads a %i px PNG from its IHDR chunk', size => {
    expect(iconFacts(png(size, size), 'icon.png')).toEqual({ kind: 'png', width: size, height: size })
  })

  it('reads a PNG by its content, whatever its name says', () => {
    expect(iconFacts(png(300, 200), 'logo.svg')).toEqual({ kind: 'png', width: 300, height: 200 })
  })

  it.each([
    ['a bare root', ''],
    ['an XML declaration and a comment', '<?xml version="1.0" encoding="UTF-8"?>\n<!-- by Inkscape -->\n'],
    [
      'a DOCTYPE with an internal subset',
      '\uFEFF<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n  <!ENTITY ns "http://www.w3.org/2000/svg">\n]>\n'
    ],
    ['a plain DOCTYPE', '<!DOCTYPE svg>\n']
  ])('reads an SVG after %s, even one named .png', (_, prolog) => {
    expect(iconFacts(svg(prolog), 'icon.png')).toEqual({ kind: 'svg' })
  })

  it('reads an SVG whose root element has a namespace prefix', () => {
    expect(iconFacts(Buffer.from('<svg:svg xmlns:svg="http://www.w3.org/2000/svg"/>'), 'a.svg')).toEqual({
      kind: 'svg'
    })
  })

  it.each([
    [Buffer.from('<html><body>404</body></html>'), 'icon.svg is XML whose root element is <html>, not <svg>'],
    [Buffer.from('<!-- never closed <svg>'), 'icon.svg is neither a PNG nor an SVG'],
    [Buffer.from('svg, honestly'), 'icon.svg is neither a PNG nor an SVG'],
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'icon.svg is a JPEG, not a PNG or an SVG'],
    [Buffer.from('GIF89a...'), 'icon.svg is a GIF, not a PNG or an SVG'],
    [Buffer.from([0, 0, 1, 0, 1, 0]), 'icon.svg is a Windows icon (.ico), not a PNG or an SVG'],
    [Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 '), 'icon.svg is a WebP, not a PNG or an SVG'],
    [Buffer.from([0x1f, 0x8b, 8, 0]), 'icon.svg is gzip-compressed, like an .svgz, not a PNG or an SVG'],
    [Buffer.from('/* XPM */\nstatic char *x[] = {'), 'icon.svg is an XPM, not a PNG or an SVG'],
    [
      png(64, 64).subarray(0, 20),
      'icon.svg starts like a PNG but has no IHDR chunk: it is cut short or damaged'
    ],
    [Buffer.alloc(0), 'icon.svg is neither a PNG nor an SVG']
  ])('says what %j is instead', (bytes, why) => {
    expect(iconFacts(bytes, 'icon.svg')).toEqual({ kind: 'unknown', why })
  })
})

describe('iconProblems', () => {
  it.each([
    [{ kind: 'svg' }, [], []],
    [{ kind: 'png', width: 256, height: 256 }, [], []],
    [{ kind: 'png', width: 512, height: 512 }, [], []],
    [
      { kind: 'png', width: 128, height: 128 },
      [],
      [
        "icon: the PNG is 128×128; it builds, but Flathub's requirements ask for at least 256×256 (or an SVG), which stays sharp on large screens."
      ]
    ],
    [
      { kind: 'png', width: 200, height: 200 },
      [],
      [
        "icon: the PNG is 200×200; it builds, but Flathub's requirements ask for at least 256×256 (or an SVG), which stays sharp on large screens.",
        "icon: 200×200 is not one of the hicolor theme's sizes (128, 192, 256, 512…), the directories desktops look icons up in: scale it to 256×256 or 512×512."
      ]
    ],
    [
      { kind: 'png', width: 300, height: 300 },
      [],
      [
        "icon: 300×300 is not one of the hicolor theme's sizes (128, 192, 256, 512…), the directories desktops look icons up in: scale it to 256×256 or 512×512."
      ]
    ],
    [
      { kind: 'png', width: 64, height: 64 },
      [
        'icon: the PNG is 64×64, and Flathub needs at least 128×128 for its store icon (better 256×256, or an SVG).'
      ],
      []
    ],
    [
      { kind: 'png', width: 300, height: 200 },
      ['icon: the PNG is 300×200, and Flatpak exports only square icons: make it 256×256 or 512×512.'],
      []
    ],
    [
      { kind: 'png', width: 1024, height: 1024 },
      ['icon: the PNG is 1024×1024, and Flatpak exports app icons of at most 512×512: scale it to 512×512.'],
      []
    ],
    [
      { kind: 'unknown', why: 'logo.jpg is a JPEG, not a PNG or an SVG' },
      ['icon: logo.jpg is a JPEG, not a PNG or an SVG: give an SVG, or a square PNG of at least 256×256.'],
      []
    ]
  ] as [IconFacts, string[], string[]][])('%o', (facts, errors, warnings) => {
    expect(iconProblems(facts)).toEqual({ errors, warnings })
  })

  // Flatpak's own validator refuses exactly the icons whose errors say "Flatpak"; a small PNG it
  // takes is Flathub's refusal, not Flatpak's.
  it.each([
    ['16.png', png(16, 16)],
    ['127.png', png(127, 127)],
    ['128.png', png(128, 128)],
    ['256.png', png(256, 256)],
    ['300.png', png(300, 300)],
    ['512.png', png(512, 512)],
    ['513.png', png(513, 513)],
    ['1024.png', png(1024, 1024)],
    ['300x200.png', png(300, 200)],
    ['200x300.png', png(200, 300)],
    ['plain.svg', svg()],
    ['declared.svg', svg('<?xml version="1.0" encoding="UTF-8"?>\n<!-- by Inkscape -->\n')],
    ['page.svg', Buffer.from('<html><body>404</body></html>')]
  ])('agrees with flatpak-validate-icon on %s', (name, bytes) => {
    const facts = iconFacts(bytes, name)
    const flatpak = flatpakValidateIcon(bytes, name)
    const { errors } = iconProblems(facts)
    expect(
      errors.some(e => e.includes('Flatpak') || facts.kind === 'unknown'),
      flatpak.output
    ).toBe(!flatpak.ok)
  })
})

describe('iconInstallPath', () => {
  it.each([
    [{ kind: 'svg' }, 'share/icons/hicolor/scalable/apps/org.acme.Tally.svg'],
    [{ kind: 'png', width: 256, height: 256 }, 'share/icons/hicolor/256x256/apps/org.acme.Tally.png'],
    [{ kind: 'png', width: 128, height: 128 }, 'share/icons/hicolor/128x128/apps/org.acme.Tally.png']
  ] as [IconFacts, string][])('%o goes to %s', (facts, path) => {
    expect(iconInstallPath('org.acme.Tally', facts)).toBe(path)
  })

  it('refuses an icon with no place in the theme, saying why', () => {
    expect(() => iconInstallPath('org.a.B', { kind: 'png', width: 300, height: 200 })).toThrow(
      'icon: the PNG is 300×200, and Flatpak exports only square icons: make it 256×256 or 512×512.'
    )
    expect(() =>
      iconInstallPath('org.a.B', { kind: 'unknown', why: 'x is a GIF, not a PNG or an SVG' })
    ).toThrow(/^icon: x is a GIF/)
  })
})
