// Project names, as the index and the lock formats compare them.
// See https://packaging.python.org/en/latest/specifications/name-normalization/

const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i

/** `Foo.Bar_baz` → `foo-bar-baz`: runs of `-`, `_` and `.` become one `-`, and case is folded. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}

/** Whether a project (or extra, or dependency group) name is one the packaging specs allow. */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name)
}
