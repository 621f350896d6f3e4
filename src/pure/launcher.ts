import type { Entrypoint } from './project.js'

// Names that a POSIX shell reads as one plain word: no quoting, expansion or globbing can apply.
const PLAIN_WORD = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/

/**
 * The body of /app/bin/<command>: a fixed template around one validated name. flatpak-builder's
 * `script` source adds the #!/bin/sh line.
 */
export function launcherLines(entrypoint: Entrypoint): string[] {
  const name = entrypoint.kind === 'module' ? entrypoint.module : entrypoint.script
  if (!PLAIN_WORD.test(name)) throw new Error(`Refusing to write '${name}' into the launcher script.`)
  return entrypoint.kind === 'module'
    ? [`exec /app/bin/python3 -m ${name} "$@"`]
    : [`exec /app/bin/${name} "$@"`]
}

export function isPlainWord(name: string): boolean {
  return PLAIN_WORD.test(name)
}
