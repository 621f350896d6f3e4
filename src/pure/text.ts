/** Text from programs and project files, made safe to print in a GitHub Actions log. */

// The runner reads a line as a workflow command when, after leading whitespace, it starts with
// `::` (or the old `##[`). A zero-width space is not whitespace to it, and invisible to a reader.
const COMMAND = /^(\s*)(::|##\[)/

/** A line printed as it is, but never taken for a workflow command (`::warning::`, `::add-mask::`). */
export function inertLine(text: string): string {
  return text.replace(COMMAND, '$1\u200b$2')
}

/**
 * One line of text from a project file (its name, its description): control characters and line
 * breaks written as escapes, so no part of it starts a line of the log.
 */
export function inert(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}
