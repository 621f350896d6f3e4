import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { archiveMembers, GIT_ENVIRONMENT, gitListArgs, SKIP_DIRS, tarArgs } from '../pure/archive.js'
import { childEnvironment } from '../pure/children.js'
import type { AppArchiveResult } from '../pure/report.js'
import { runChecked } from './exec.js'

async function gitFiles(appPath: string): Promise<string[] | undefined> {
  const [git, ...args] = gitListArgs(appPath)
  let stdout: string
  try {
    ;({ stdout } = await promisify(execFile)(git, args, {
      env: childEnvironment(process.env, GIT_ENVIRONMENT),
      maxBuffer: 256 * 1024 * 1024
    }))
  } catch {
    // Not a work tree, or no git: every file but caches and build output.
    return undefined
  }
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
): Promise<AppArchiveResult & { members: string[] }> {
  const all = (await gitFiles(appPath)) ?? (await walkFiles(appPath))
  const excluded = excludedPaths
    .map(p => path.relative(appPath, p))
    .filter(rel => rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel))
  const members = archiveMembers(all, excluded)
  if (members.length === 0) throw new Error(`app-path ${appPath} has no files to archive.`)
  await fs.mkdir(path.dirname(output), { recursive: true })
  await runChecked('Archiving the app', ['tar', ...tarArgs(appPath, output)], {
    input: Buffer.from(members.map(m => `${m}\0`).join('')),
    silent: true
  })
  return { sha256: await sha256File(output), files: members.length, members }
}
