import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { archiveApp } from '../src/effects/app-source.js'
import { archiveMembers } from '../src/pure/archive.js'

describe('archiveMembers', () => {
  it('sorts, dedupes and drops bytecode, excluded paths and everything below them', () => {
    expect(
      archiveMembers(
        [
          'b.py',
          'a/x.py',
          'out/app.json',
          'out',
          'outside.py',
          'a/x.py',
          'a/__pycache__/x.cpython-311.pyc',
          'c.pyc'
        ],
        ['out']
      )
    ).toEqual(['a/x.py', 'b.py', 'outside.py'])
  })
})

describe('archiveApp', () => {
  let dir: string
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archive-test-'))
  })
  afterAll(() => fs.rm(dir, { recursive: true, force: true }))

  async function project(name: string): Promise<string> {
    const root = path.join(dir, name)
    await fs.mkdir(path.join(root, 'hello', '__pycache__'), { recursive: true })
    await fs.writeFile(path.join(root, 'pyproject.toml'), '[project]\nname = "hello"\n')
    await fs.writeFile(path.join(root, 'hello', '__main__.py'), 'print("hi")\n')
    await fs.writeFile(path.join(root, 'hello', '__pycache__', 'x.cpython-311.pyc'), 'junk')
    await fs.mkdir(path.join(root, 'out'))
    await fs.writeFile(path.join(root, 'out', 'state'), 'action output')
    return root
  }

  it('gives the same bytes for the same files, whatever their times and owners', async () => {
    const a = await project('a')
    const b = await project('b')
    await fs.utimes(path.join(b, 'hello', '__main__.py'), 1e9, 1e9)
    const first = await archiveApp(a, path.join(dir, 'a.tar'), [path.join(a, 'out')])
    const second = await archiveApp(b, path.join(dir, 'b.tar'), [path.join(b, 'out')])
    expect(second.sha256).toBe(first.sha256)
    expect(
      execFileSync('tar', ['-tf', path.join(dir, 'a.tar')], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
    ).toEqual(['hello/__main__.py', 'pyproject.toml'])
  })

  it('changes when a file changes', async () => {
    const c = await project('c')
    const before = await archiveApp(c, path.join(dir, 'c1.tar'), [])
    await fs.writeFile(path.join(c, 'hello', '__main__.py'), 'print("bye")\n')
    expect((await archiveApp(c, path.join(dir, 'c2.tar'), [])).sha256).not.toBe(before.sha256)
  })

  it("follows git's view of the project when it is a work tree", async () => {
    const g = await project('g')
    await fs.writeFile(path.join(g, '.gitignore'), 'ignored.txt\n')
    await fs.writeFile(path.join(g, 'ignored.txt'), 'secret')
    execFileSync('git', ['init', '-q', g])
    const { files } = await archiveApp(g, path.join(dir, 'g.tar'), [path.join(g, 'out')])
    const members = execFileSync('tar', ['-tf', path.join(dir, 'g.tar')], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
    expect(members).toEqual(['.gitignore', 'hello/__main__.py', 'pyproject.toml'])
    expect(files).toBe(3)
  })

  it.each(['a repository of its own', 'a bare repository of its own'])(
    'runs no program that a file of the app names: %s',
    async kind => {
      const e = await project(kind.includes('bare') ? 'bare' : 'own')
      const marker = path.join(dir, `fsmonitor-ran-${path.basename(e)}`)
      const hook = path.join(dir, `hook-${path.basename(e)}.sh`)
      await fs.writeFile(hook, `#!/bin/sh\necho "$ACTIONS_RUNTIME_TOKEN" > ${marker}\n`, { mode: 0o755 })
      // The program is named through [include], by a file of the app itself.
      await fs.writeFile(path.join(e, 'included'), `[core]\n\tfsmonitor = ${hook}\n`)
      const gitDir = kind.includes('bare') ? e : path.join(e, '.git')
      execFileSync('git', ['init', '-q', ...(kind.includes('bare') ? ['--bare'] : []), e])
      await fs.appendFile(path.join(gitDir, 'config'), `[include]\n\tpath = ${path.join(e, 'included')}\n`)
      if (!kind.includes('bare')) {
        // Plain git runs it, with its whole environment: the hazard is real on this machine.
        execFileSync('git', ['-C', e, 'ls-files', '--others'], {
          env: { ...process.env, ACTIONS_RUNTIME_TOKEN: 'plain-git' },
          stdio: 'ignore'
        })
        expect(await fs.readFile(marker, 'utf8')).toBe('plain-git\n')
        await fs.rm(marker)
      }
      process.env.ACTIONS_RUNTIME_TOKEN = 'secret'
      try {
        const { files } = await archiveApp(e, path.join(dir, `${path.basename(e)}.tar`), [
          path.join(e, 'out')
        ])
        expect(files).toBeGreaterThanOrEqual(3)
      } finally {
        delete process.env.ACTIONS_RUNTIME_TOKEN
      }
      expect(await fs.readFile(marker, 'utf8').catch(() => 'not run')).toBe('not run')
    }
  )

  it('shows why tar failed', async () => {
    const t = await project('t')
    // A directory where the archive goes: tar cannot open it, and says so.
    await fs.mkdir(path.join(dir, 'taken.tar'))
    await expect(archiveApp(t, path.join(dir, 'taken.tar'), [])).rejects.toThrow(
      /Archiving the app failed \(tar exited with 2\)\. Its last lines:\n.*Cannot open: Is a directory/
    )
  })
})
