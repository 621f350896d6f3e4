/** Reading what xwininfo says about an X server's windows. */

/** The ids of the root window's children, from `xwininfo -root -children`. */
export function childWindowIds(xwininfo: string): string[] {
  return [...xwininfo.matchAll(/^\s+(0x[0-9a-f]+) /gm)].map(m => m[1])
}

/**
 * Whether `xwininfo -id <id>` describes a window on screen. With no window manager, an app's
 * top-level windows are children of the root; GTK's helper windows are never mapped.
 */
export function isViewable(xwininfo: string): boolean {
  return /^\s*Map State: IsViewable$/m.test(xwininfo)
}

/** Lines of an app's output that show it crashed: a Python traceback, to its end. */
export function tracebackLines(lines: string[]): string[] {
  const start = lines.findIndex(line => line.startsWith('Traceback (most recent call last):'))
  return start < 0 ? [] : lines.slice(start)
}
