import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { APPS, copyApp, EXAMPLE_APP, localInputs, runAction, stateDir } from './action.js'

// The arches of the manifest to submit, on the x86_64-only index: fpa-native has no aarch64 file
// there, which is what Flathub's aarch64 build would meet. (With an aarch64 wheel: aarch64.test.ts.)

const f = inject('fixtures')
const inputs = { ...localInputs(f, stateDir(f, 'runtime')), 'python-version': 'runtime' }
const APP = path.join(APPS, 'native-app')
const GITHUB = {
  GITHUB_REPOSITORY: 'example/native-app',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com'
}

describe('arches: the requirements module for every arch Flathub builds', () => {
  it('a compiled requirement with no aarch64 wheel and no sdist stops the run, naming it and the arch', async () => {
    const app = await copyApp(APP)
    const run = await runAction(f, {
      ...inputs,
      'app-path': app,
      requirements: path.join(app, 'requirements.txt')
    })
    expect(run.code).not.toBe(0)
    expect(run.errors.join('\n')).toMatch(
      /The requirements cannot be pinned for aarch64:\n {2}- fpa-native 1\.0 has no wheel for aarch64 and no sdist on the index, so Flathub's aarch64 build would fail at it\./
    )
    expect(run.groups['Resolve requirements']).toContain(
      'fpa-native 1.0 has no aarch64 wheel: looking for its sdist.'
    )
  })

  it('arches: x86_64 builds it, and the manifest to submit comes with a flathub.json that says so', async () => {
    const app = await copyApp(APP)
    const run = await runAction(
      f,
      { ...inputs, 'app-path': app, requirements: path.join(app, 'requirements.txt'), arches: 'x86_64' },
      { env: GITHUB }
    )
    expect(run.errors).toEqual([])
    expect(run.groups['Smoke run under the Platform']).toMatch(/^native: fpa-native 1\.0 x86_64 /m)
    const submission = run.outputs['submission-manifest-path']
    const flathubJson = path.join(path.dirname(submission), 'flathub.json')
    expect(JSON.parse(fs.readFileSync(flathubJson, 'utf8'))).toEqual({ 'only-arches': ['x86_64'] })

    // Both arches again (an app without compiled requirements): the flathub.json of the run before goes.
    const both = await runAction(f, { ...inputs, 'app-path': await copyApp(EXAMPLE_APP) }, { env: GITHUB })
    expect(both.errors).toEqual([])
    expect(fs.existsSync(flathubJson)).toBe(false)
  })
})
