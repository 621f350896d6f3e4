import { describe, expect, it } from 'vitest'
import { artifactServiceAvailable, artifactUrl } from '../src/effects/artifact.js'

describe('artifact', () => {
  it('links to the artifact on its run', () => {
    const env = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '42' }
    expect(artifactUrl(env, 7)).toBe('https://github.com/o/r/actions/runs/42/artifacts/7')
  })

  it.each([
    [{ ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://results/' }, true],
    [{ ACTIONS_RESULTS_URL: 'https://results/' }, false],
    [{}, false]
  ])('knows whether there is an artifact service: %o', (env, available) => {
    expect(artifactServiceAvailable(env)).toBe(available)
  })
})
