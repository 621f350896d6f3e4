import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { APPS, copyApp, localInputs, runAction, stateDir, writeFiles } from './action.js'

const f = inject('fixtures')
const inputs = localInputs(f, stateDir(f, 'cpython-3.11.2'))

type Manifest = { command: string; 'finish-args': string[]; modules: Array<Record<string, unknown> | string> }
const manifestOf = (file: string): Manifest => JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest
const smoke = (run: Awaited<ReturnType<typeof runAction>>): string =>
  `${run.groups['Smoke run in the SDK']}\n${run.groups['Smoke run under the Platform']}`

describe('every project layout builds offline with pinned sources', () => {
  it('setup.py only, with install_requires (no pyproject.toml, no requirements file)', async () => {
    const run = await runAction(f, { ...inputs, 'app-path': path.join(APPS, 'setup-py-only') })
    expect(run.errors).toEqual([])
    const lock = fs.readFileSync(run.outputs['requirements-lock-path'], 'utf8')
    expect(lock).toMatch(/^fpa-pure==1\.0 --hash=sha256:/m)
    // pip builds a setup.py project with setuptools' fallback backend: setuptools and wheel, pinned.
    const app = manifestOf(run.outputs['manifest-path']).modules.at(-1) as {
      sources: Array<Record<string, string>>
    }
    expect(app.sources.filter(s => s.dest === 'build-deps').map(s => s['dest-filename'])).toEqual([
      'setuptools-66.1.1-py3-none-any.whl',
      'wheel-0.38.4-py3-none-any.whl'
    ])
    expect(smoke(run)).toContain('legacy app with fpa-pure 1.0 and fpa-chain-c 2.0')
  })

  it("the project's declared dependencies and extras, with no requirements file", async () => {
    const run = await runAction(f, {
      ...inputs,
      'app-path': path.join(APPS, 'declared-deps'),
      extras: 'extra'
    })
    expect(run.errors).toEqual([])
    expect(fs.readFileSync(run.outputs['requirements-lock-path'], 'utf8')).toMatch(/^fpa-sdist-only==1\.0 /m)
    expect(smoke(run)).toContain('declared fpa-chain-c 1.0 fpa-py311-only 1.0\nextra installed: True')
  })

  it('a conflict between the requirements file and the declared dependencies, in pip’s words', async () => {
    const app = await copyApp(path.join(APPS, 'declared-deps'))
    await writeFiles(app, { 'requirements.txt': 'fpa-chain-c==2.0\n' })
    const run = await runAction(f, {
      ...inputs,
      'app-path': app,
      requirements: path.join(app, 'requirements.txt')
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /Resolving the requirements with pip failed[\s\S]*(conflict|ResolutionImpossible)/i
    )
    expect(run.errors.join('\n')).toContain('fpa-chain-c')
  })

  it('a requires-python the chosen Python is outside of stops the action before any work', async () => {
    const app = await copyApp(path.join(APPS, 'declared-deps'))
    const pyproject = fs.readFileSync(path.join(app, 'pyproject.toml'), 'utf8')
    await writeFiles(app, {
      'pyproject.toml': pyproject.replace('requires-python = ">=3.9"', 'requires-python = ">=3.12"')
    })
    const run = await runAction(f, { ...inputs, 'app-path': app })
    expect(run.code).toBe(1)
    expect(run.errors).toContain(
      "::error title=Input python-version::python-version: Python 3.11.2 is outside the project's requires-python '>=3.12': pick a python-version in that range, or change requires-python."
    )
    expect(run.log).not.toContain('[command]')
  })

  it('a src layout', async () => {
    const run = await runAction(f, { ...inputs, 'app-path': path.join(APPS, 'src-layout') })
    expect(run.errors).toEqual([])
    expect(run.groups['Inspect the app']).toContain('Entrypoint: python3 -m srcapp')
    expect(smoke(run)).toContain('from a src layout')
  })

  it('a console script as the command: no launcher, arguments passed as they are', async () => {
    const run = await runAction(f, {
      ...inputs,
      'app-path': path.join(APPS, 'console-script'),
      command: 'hello-cli',
      'smoke-args': 'one\ntwo words'
    })
    expect(run.errors).toEqual([])
    const manifest = manifestOf(run.outputs['manifest-path'])
    expect(manifest.command).toBe('hello-cli')
    expect(JSON.stringify(manifest.modules.at(-1))).not.toContain('"type":"script"')
    expect(smoke(run)).toContain("console script with ['one', 'two words']")
  })

  it('an app that uses the network at run time: --share=network in finish-args only', async () => {
    const run = await runAction(f, {
      ...inputs,
      'app-path': path.join(APPS, 'network-app'),
      'finish-args': '--share=network',
      'smoke-args': `${f.indexUrl}/simple/`
    })
    expect(run.errors).toEqual([])
    const manifest = manifestOf(run.outputs['manifest-path'])
    expect(manifest['finish-args']).toEqual(['--share=network'])
    expect(JSON.stringify(manifest.modules)).not.toContain('build-args')
    expect(smoke(run)).toContain(`fetched ${f.indexUrl}/simple/ status 200`)
  })

  it('a build backend other than setuptools (flit_core), pinned like any build dependency', async () => {
    const run = await runAction(f, { ...inputs, 'app-path': path.join(APPS, 'flit-app') })
    expect(run.errors).toEqual([])
    const app = manifestOf(run.outputs['manifest-path']).modules.at(-1) as {
      sources: Array<Record<string, string>>
    }
    expect(app.sources.filter(s => s.dest === 'build-deps').map(s => [s['dest-filename'], s.sha256])).toEqual(
      [['flit_core-3.8.0-py3-none-any.whl', f.indexHashes['flit_core-3.8.0-py3-none-any.whl']]]
    )
    expect(smoke(run)).toContain('built by flit_core: An app built with flit_core instead of setuptools.')
  })
})
