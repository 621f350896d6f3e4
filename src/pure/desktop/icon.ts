import { Input } from '../constants.js'

/**
 * The app's icon: what it is, whether Flatpak and Flathub take it, and where it goes.
 * Flatpak: https://docs.flatpak.org/en/latest/conventions.html#application-icons
 * Flathub: https://docs.flathub.org/docs/for-app-authors/requirements#icons
 */

/** What an icon file is, by its bytes (a PNG's size from its IHDR chunk, an SVG by its root element). */
export type IconFacts =
  { kind: 'svg' } | { kind: 'png'; width: number; height: number } | { kind: 'unknown'; why: string }

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

// Formats an icon is often given in that Flatpak does not export, to say which it is.
const OTHER_FORMATS: [string, (b: Uint8Array) => boolean][] = [
  ['a JPEG', b => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['a GIF', b => ascii(b, 0, 4) === 'GIF8'],
  ['a Windows icon (.ico)', b => b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0],
  ['a WebP', b => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
  ['a BMP', b => ascii(b, 0, 2) === 'BM'],
  ['gzip-compressed, like an .svgz', b => b[0] === 0x1f && b[1] === 0x8b],
  ['an XPM', b => ascii(b, 0, 9) === '/* XPM */']
]

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end))
}

const uint32 = (b: Uint8Array, at: number) =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0

/**
 * The root element's name of an XML document: after a byte-order mark, the XML declaration,
 * comments, processing instructions and a DOCTYPE (with its internal subset), or undefined when
 * the text does not start like XML.
 */
function rootElement(text: string): string | undefined {
  // The text after the first `marker`, or nothing when the marker never comes.
  const after = (rest: string, marker: string, from = 0) => {
    const at = rest.indexOf(marker, from)
    return at === -1 ? '' : rest.slice(at + marker.length)
  }
  let rest = text.replace(/^\uFEFF/, '')
  for (;;) {
    rest = rest.trimStart()
    if (rest.startsWith('<?')) rest = after(rest, '?>')
    else if (rest.startsWith('<!--')) rest = after(rest, '-->')
    else if (/^<!DOCTYPE/i.test(rest)) {
      const subset = rest.indexOf('[')
      rest = subset !== -1 && subset < rest.indexOf('>') ? after(rest, ']', subset) : after(rest, '>')
      if (rest.trimStart().startsWith('>')) rest = rest.trimStart().slice(1)
    } else break
  }
  return /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)[\s/>]/.exec(rest)?.[1]
}

/** What the icon is: by its content, since a file's name can say .png of an SVG or the reverse. */
export function iconFacts(bytes: Uint8Array, fileName: string): IconFacts {
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) {
    // The first chunk of a PNG is IHDR: its length (13), its type, then width and height.
    if (bytes.length < 24 || ascii(bytes, 12, 16) !== 'IHDR') {
      return {
        kind: 'unknown',
        why: `${fileName} starts like a PNG but has no IHDR chunk: it is cut short or damaged`
      }
    }
    const width = uint32(bytes, 16)
    const height = uint32(bytes, 20)
    if (width === 0 || height === 0)
      return { kind: 'unknown', why: `${fileName} is a PNG of ${width}×${height}` }
    return { kind: 'png', width, height }
  }
  const other = OTHER_FORMATS.find(([, test]) => test(bytes))
  if (other) return { kind: 'unknown', why: `${fileName} is ${other[0]}, not a PNG or an SVG` }
  const root = rootElement(new TextDecoder().decode(bytes.subarray(0, 64 * 1024)))
  if (root === 'svg' || root?.endsWith(':svg')) return { kind: 'svg' }
  return {
    kind: 'unknown',
    why: root
      ? `${fileName} is XML whose root element is <${root}>, not <svg>`
      : `${fileName} is neither a PNG nor an SVG`
  }
}

// The sizes of the hicolor theme's apps directories (hicolor-icon-theme 0.17, index.theme), the
// only ones desktops look an app's icon up in.
export const HICOLOR_SIZES = [16, 22, 24, 32, 36, 48, 64, 72, 96, 128, 192, 256, 512]

/**
 * Why Flatpak or Flathub would not take the icon (errors), and what Flathub asks for beyond what
 * builds (warnings).
 */
export function iconProblems(facts: IconFacts): { errors: string[]; warnings: string[] } {
  const input = Input.Icon
  const errors: string[] = []
  const warnings: string[] = []
  if (facts.kind === 'unknown') {
    errors.push(`${input}: ${facts.why}: give an SVG, or a square PNG of at least 256×256.`)
  } else if (facts.kind === 'png') {
    const { width, height } = facts
    const size = `${width}×${height}`
    if (width !== height) {
      // flatpak build-export runs flatpak-validate-icon on every exported icon: "Expected a square icon".
      errors.push(
        `${input}: the PNG is ${size}, and Flatpak exports only square icons: make it 256×256 or 512×512.`
      )
    } else if (width > 512) {
      errors.push(
        `${input}: the PNG is ${size}, and Flatpak exports app icons of at most 512×512: scale it to 512×512.`
      )
    } else if (width < 128) {
      // appstreamcli compose makes the catalogue's 128 px icon from a PNG at least that big, or an SVG.
      errors.push(
        `${input}: the PNG is ${size}, and Flathub needs at least 128×128 for its store icon (better 256×256, or an SVG).`
      )
    } else {
      if (width < 256) {
        warnings.push(
          `${input}: the PNG is ${size}; it builds, but Flathub's requirements ask for at least 256×256 (or an SVG), which stays sharp on large screens.`
        )
      }
      if (!HICOLOR_SIZES.includes(width)) {
        warnings.push(
          `${input}: ${size} is not one of the hicolor theme's sizes (${HICOLOR_SIZES.filter(s => s >= 128).join(', ')}…), the directories desktops look icons up in: scale it to 256×256 or 512×512.`
        )
      }
    }
  }
  return { errors, warnings }
}

/**
 * Where the icon goes under the app's prefix (/app), named by the app-id as Flatpak exports it.
 * Throws for an icon iconProblems refuses as not square or not an icon at all.
 */
export function iconInstallPath(appId: string, facts: IconFacts): string {
  if (facts.kind === 'svg') return `share/icons/hicolor/scalable/apps/${appId}.svg`
  if (facts.kind === 'png' && facts.width === facts.height) {
    return `share/icons/hicolor/${facts.width}x${facts.height}/apps/${appId}.png`
  }
  throw new Error(iconProblems(facts).errors[0])
}
