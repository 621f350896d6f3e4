import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import * as exec from '@actions/exec'

// Without git, these are never part of a project's source.
const SKIP_DIRS = new Set([
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

async function gitFiles(appPath: string): Promise<string[] | undefined> {
  const { exitCode, stdout } = await exec.getExecOutput(
    'git',
    ['-C', appPath, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { ignoreReturnCode: true, silent: true }
  )
  if (exitCode !== 0) return undefined
  const listed = stdout.split('\0').filter(f => f !== '')
  // --cached also lists files deleted from the work tree.
  const present = await Promise.all(
    listed.map(f =>
      fs.lstat(path.join(appPath, f)).then(
        s => !s.isDirectory(),
        () => false
      )
    )
  )
  return listed.filter((_, i) => present[i])
}

async function walkFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true })
  const files: string[] = []
  for (const entry of entries) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.endsWith('.egg-info'))
        files.push(...(await walkFiles(root, rel)))
    } else {
      files.push(rel)
    }
  }
  return files
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk)
  return hash.digest('hex')
}

/**
 * Archives the app's project as a tar whose bytes depend only on the files' content and modes: git's
 * view of the project (tracked and untracked, not ignored) when it is in a work tree, else every file
 * but caches and build output. `excludedPaths` (absolute) keep the action's own output out.
 */
export async function archiveApp(
  appPath: string,
  output: string,
  excludedPaths: string[]
): Promise<{ sha256: string; files: number }> {
  const all = (await gitFiles(appPath)) ?? (await walkFiles(appPath))
  const excluded = excludedPaths
    .map(p => path.relative(appPath, p))
    .filter(rel => rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel))
  const members = archiveMembers(all, excluded)
  if (members.length === 0) throw new Error(`app-path ${appPath} has no files to archive.`)
  await fs.mkdir(path.dirname(output), { recursive: true })
  await exec.exec('tar', tarArgs(appPath, output), {
    input: Buffer.from(members.map(m => `${m}\0`).join('')),
    silent: true
  })
  return { sha256: await sha256File(output), files: members.length }
}
