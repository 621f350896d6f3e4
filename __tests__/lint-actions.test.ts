import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { lintActions } from '../script/lint-actions.js'

const ROOT = path.resolve(import.meta.dirname, '..')

function write(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lint-test-')), name)
  fs.writeFileSync(file, text)
  return file
}

const workflow = (job: string, step: string): string =>
  `name: t\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n${job}    steps:\n      - uses: actions/checkout@v5\n${step}`

describe('lintActions', () => {
  it("passes this repository's action.yml and workflows", async () => {
    const workflows = path.join(ROOT, '.github', 'workflows')
    const files = [
      path.join(ROOT, 'action.yml'),
      ...fs.readdirSync(workflows).map(f => path.join(workflows, f))
    ]
    expect(await lintActions(files)).toEqual([])
  })

  it('finds a misspelt key in a workflow', async () => {
    const problems = await lintActions([write('ci.yml', workflow('    timeout-minute: 5\n', ''))])
    expect(problems.join('\n')).toMatch(/timeout-minute/)
  })

  it('finds an input this action does not have in a uses: ./ step', async () => {
    const problems = await lintActions([
      write('ci.yml', workflow('', '      - uses: ./\n        with:\n          app-idd: org.example.Hello\n'))
    ])
    expect(problems).toEqual([expect.stringMatching(/job build: 'app-idd' is not an input of this action/)])
  })

  it('finds a misspelt key in action.yml', async () => {
    const action = fs
      .readFileSync(path.join(ROOT, 'action.yml'), 'utf8')
      .replace('  app-id:\n', '  app-id:\n    descriptoin: x\n')
    const problems = await lintActions([write('action.yml', action)])
    expect(problems.join('\n')).toMatch(/descriptoin/)
  })
})
