import { PYLOCK_NAME } from './pylock.js'

// Which kind of lock a file is, by its name and then by its content, so that the caller reads it
// with the right parser.

export type LockFormat = 'pylock' | 'uv.lock' | 'requirements'

/**
 * The format of a lock file: `uv.lock` and `pylock.toml` / `pylock.<name>.toml` by name (the
 * PEP 751 file name rule); otherwise by content (a `lock-version` key is a pylock, `version = 1`
 * with `[[package]]` a uv.lock, and a text of requirement lines a requirements file). Undefined
 * for TOML that is neither lock.
 */
export function detectLockFormat(path: string, text?: string): LockFormat | undefined {
  const name = path.split(/[/\\]/).at(-1) ?? path
  if (name === 'uv.lock') return 'uv.lock'
  if (PYLOCK_NAME.test(name)) return 'pylock'
  if (text === undefined) return name.endsWith('.toml') || name.endsWith('.lock') ? undefined : 'requirements'
  // Both formats keep their version among the top-level keys, before the first [table]
  // (poetry.lock has a lock-version too, but in [metadata]).
  const topLevel = text.split(/^\s*\[/m)[0]
  if (/^\s*lock-version\s*=/m.test(topLevel)) return 'pylock'
  if (/^\s*version\s*=\s*\d+\s*$/m.test(topLevel) && /^\s*\[\[package\]\]/m.test(text)) return 'uv.lock'
  // TOML's `key = value` and `[table]` lines are never requirement lines; option lines start with '-'.
  if (/^\s*(\[[^\]]*\]\s*$|[A-Za-z_][A-Za-z0-9_-]*\s*=\s*["'[{0-9tf])/m.test(text)) return undefined
  return 'requirements'
}
