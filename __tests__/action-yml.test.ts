import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { Input, Output } from '../src/pure/constants.js'
import { parseInputs } from '../src/pure/inputs.js'

const action = parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
  runs: Record<string, string>
}

describe('action.yml', () => {
  it('declares exactly the inputs and outputs the code uses, each with a description', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort())
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Output).sort())
    for (const spec of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect(spec.description.length).toBeGreaterThan(10)
    }
  })

  it('gives every optional input the default the code applies when it is empty', () => {
    const runner = { workspace: '/w', tempDir: '/t', arch: 'x86_64' }
    const base = { 'app-id': 'org.example.Hello' }
    const implicit = parseInputs(name => (base as Record<string, string>)[name] ?? '', runner)
    for (const [name, spec] of Object.entries(action.inputs)) {
      // An expression the runner evaluates, not a value of the code's.
      if (spec.required || !spec.default || spec.default.startsWith('${{')) continue
      const explicit = parseInputs(
        n => (n === name ? spec.default! : ((base as Record<string, string>)[n] ?? '')),
        runner
      )
      expect(explicit, name).toEqual(implicit)
    }
  })

  it('runs dist/index.js on node24, and again after the job when it was cancelled', () => {
    expect(action.runs).toEqual({
      using: 'node24',
      main: 'dist/index.js',
      post: 'dist/index.js',
      'post-if': 'always()'
    })
  })
})
