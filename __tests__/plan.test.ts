import { describe, expect, it } from 'vitest'
import { cacheKeyParts, manifestSpec, requirementsDigest } from '../src/pure/plan.js'
import { planFor } from './plans.js'

const installer = {
  installer: {
    file: {
      url: 'http://i/pip-26.2.2-py3-none-any.whl',
      sha256: 'f'.repeat(64),
      filename: 'pip-26.2.2-py3-none-any.whl'
    }
  }
}
const resolution = {
  requirements: {
    lock: 'a==1 --hash=sha256:' + 'a'.repeat(64) + '\n',
    files: [
      { url: 'http://i/a-1-py3-none-any.whl', sha256: 'a'.repeat(64), filename: 'a-1-py3-none-any.whl' }
    ]
  },
  appBuildDeps: [],
  from: 'unpinned' as const
}

describe('planBuild', () => {
  it('puts the state, build dir, repo and app archive in a directory of their own next to the manifest, the requirements module beside it', () => {
    const plan = planFor()
    expect(plan).toMatchObject({
      workDir: '/t/flatpak-python/.flatpak-python-action/org.example.Hello',
      stateDir: '/t/flatpak-python/.flatpak-python-action/org.example.Hello/.flatpak-builder',
      ownDir:
        '/t/flatpak-python/.flatpak-python-action/org.example.Hello/.flatpak-builder/flatpak-python-action',
      pythonManifest:
        '/t/flatpak-python/.flatpak-python-action/org.example.Hello/org.example.Hello.python.json',
      appArchive: '/t/flatpak-python/.flatpak-python-action/org.example.Hello/hello-source.tar',
      requirementsModule: '/t/flatpak-python/python3-requirements.json',
      appModule: 'hello',
      launcher: ['exec /app/bin/python3 -m hello "$@"'],
      target: {
        buildDir: '/t/flatpak-python/.flatpak-python-action/org.example.Hello/build-dir',
        repo: '/t/flatpak-python/.flatpak-python-action/org.example.Hello/repo'
      }
    })
  })
})

describe('manifestSpec', () => {
  it('pins the requirements when there are any, and leaves them out when there are none', () => {
    expect(manifestSpec(planFor(), 'b'.repeat(64), { ...installer, resolution }).requirements).toEqual({
      kind: 'pinned',
      pinned: resolution.requirements
    })
    const none = { ...resolution, requirements: { lock: '', files: [] } }
    expect(manifestSpec(planFor(), 'b'.repeat(64), { ...installer, resolution: none }).requirements).toEqual({
      kind: 'none'
    })
  })

  it('lets pip read the requirements file during the build with build-network', () => {
    const plan = planFor({
      'build-network': 'true',
      requirements: 'req/requirements.txt',
      'manifest-path': '/w/out/app.json'
    })
    expect(manifestSpec(plan, 'b'.repeat(64), installer).requirements).toEqual({
      kind: 'network',
      file: '../req/requirements.txt'
    })
  })
})

describe('what the cache key and the resolution depend on', () => {
  const sha = 'c'.repeat(64)
  it('a change of the app alone leaves the requirements digest when the dependencies are static', () => {
    expect(requirementsDigest(planFor(), sha)).toBe(requirementsDigest(planFor(), 'd'.repeat(64)))
  })

  it('with dynamic dependencies any change of the app changes it', () => {
    const dynamic = '[project]\nname = "hello"\ndynamic = ["dependencies"]\n'
    expect(requirementsDigest(planFor({}, dynamic), sha)).not.toBe(
      requirementsDigest(planFor({}, dynamic), 'd'.repeat(64))
    )
  })

  it.each([
    [{ requirements: 'requirements.txt' }],
    [{ 'pip-index-url': 'http://127.0.0.1:8720/simple' }],
    [{ extras: 'gui' }],
    [{ 'python-version': '3.11.1' }]
  ])('%o changes it', values => {
    expect(requirementsDigest(planFor(values), sha)).not.toBe(requirementsDigest(planFor(), sha))
  })

  it("finish-args and the command change the manifest but not CPython's part of the key", () => {
    const other = planFor({ 'finish-args': '--share=network', command: 'other' })
    expect(cacheKeyParts(other, sha).python).toBe(cacheKeyParts(planFor(), sha).python)
    expect(cacheKeyParts(planFor({ 'python-version': '3.11.1' }), sha).python).not.toBe(
      cacheKeyParts(planFor(), sha).python
    )
    expect(cacheKeyParts(planFor({ 'runtime-version': '25.08' }), sha).python).not.toBe(
      cacheKeyParts(planFor(), sha).python
    )
  })
})
