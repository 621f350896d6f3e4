// Without git, these are never part of a project's source.
export const SKIP_DIRS = new Set([
  '.git',
  '.hg',
  '.svn',
  '.flatpak-builder',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  'node_modules',
  'build',
  'dist'
])

// 2000-01-01: a fixed time for every member, after 1980 because wheels (zip) cannot hold older times.
export const SOURCE_EPOCH = 946684800

/** GNU tar argv that archives the NUL-separated list on stdin the same way every time. */
export function tarArgs(appPath: string, output: string): string[] {
  return [
    '--create',
    `--file=${output}`,
    `--directory=${appPath}`,
    '--format=gnu',
    '--no-recursion',
    '--null',
    '--files-from=-',
    `--mtime=@${SOURCE_EPOCH}`,
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mode=go-w'
  ]
}

// Bytecode changes whenever Python runs (tests before the build, say); it must not change the archive.
const BYTECODE = /(^|\/)__pycache__\/|\.py[co]$/

/**
 * The members of the archive: sorted, relative, no bytecode, never one of the excluded paths or
 * below it.
 */
export function archiveMembers(files: string[], excluded: string[]): string[] {
  const isExcluded = (f: string): boolean => excluded.some(e => f === e || f.startsWith(`${e}/`))
  return [...new Set(files)]
    .filter(f => f !== '' && !isExcluded(f) && !BYTECODE.test(f))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * git's view of the project's files, asked so that no file of the project can name a program for
 * git to run: an app directory can hold a whole bare repository (HEAD, config, objects/), whose
 * config (or a file it includes) sets core.fsmonitor to a command.
 */
export function gitListArgs(appPath: string): [string, ...string[]] {
  return [
    'git',
    '-c',
    'core.fsmonitor=false',
    '-c',
    'core.untrackedCache=false',
    '-c',
    'safe.bareRepository=explicit',
    '-c',
    'core.pager=cat',
    '-C',
    appPath,
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard'
  ]
}

/** git reads no system or user configuration, and never asks. */
export const GIT_ENVIRONMENT = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat'
}
