import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint()

async function problems(code: string, file = 'src/pure/example.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file })
  return result.messages.filter(m => m.ruleId?.startsWith('no-restricted')).map(m => m.ruleId!)
}

describe('the lint rule that keeps src/pure/ pure', () => {
  it.each([
    ["import * as fs from 'node:fs/promises'\nexport const f = fs", 'no-restricted-imports'],
    ["import { execFile } from 'child_process'\nexport const f = execFile", 'no-restricted-imports'],
    ["import * as core from '@actions/core'\nexport const f = core", 'no-restricted-imports'],
    ["import { run } from '../effects/exec.js'\nexport const f = run", 'no-restricted-imports'],
    ['export const home = process.env.HOME', 'no-restricted-globals'],
    ['export const now = Date.now()', 'no-restricted-syntax'],
    ['export const now = new Date()', 'no-restricted-syntax']
  ])('refuses %s', async (code, rule) => {
    expect(await problems(code)).toEqual([rule])
  })

  it('allows what pure code needs, and allows effects outside src/pure/', async () => {
    expect(
      await problems(
        "import * as path from 'node:path'\nimport { createHash } from 'node:crypto'\nexport const f = [path, createHash, new Date(0)]"
      )
    ).toEqual([])
    expect(await problems('export const home = process.env.HOME', 'src/effects/example.ts')).toEqual([])
  })
})
