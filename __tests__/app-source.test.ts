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
})
