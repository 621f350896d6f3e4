import { describe, expect, it } from 'vitest'
import { completeKey, partialKey } from '../src/pure/cache-keys.js'
import { cacheKeyParts } from '../src/pure/plan.js'
import {
  artifactUpload,
  releaseFiles,
  cacheHit,
  outputs,
  saveDecision,
  stateToKeep,
  summaryRows,
  timeAccount,
  type RunRecord
} from '../src/pure/report.js'
import { planFor } from './plans.js'

const plan = planFor()
const keys = cacheKeyParts(plan, 'a'.repeat(64))
const complete = completeKey(keys, 'manifest1')
const stages = { 'x86_64-org.example.Hello.json/init': 'c1' }

/** A run that got through the build and the bundle. */
const built: RunRecord = {
  plan,
  archive: { sha256: 'a'.repeat(64), files: 3 },
  keys,
  restored: { stages: {}, seconds: 0 },
  pythonVersion: '3.11.2',
  resolved: {
    installer: {
      file: { url: 'u', sha256: 'f'.repeat(64), filename: 'pip.whl' },
      version: '26.2.2',
      argv: []
    },
    kept: 'resolution-v2-1.json',
    reused: false
  },
  manifests: { digest: 'manifest1', sources: ['s1'], requirementsModule: '/m/req.json', lock: '/m/req.lock' },
  build: { modules: [{ name: 'python3', cached: false, seconds: 150 }] },
  bundle: {
    path: '/w/org.example.Hello.flatpak',
    sha256: 'b'.repeat(64),
    checksum: '/w/org.example.Hello.flatpak.sha256',
    size: 7_500_000,
    kept: 'bundle-v2-1.flatpak',
    reused: false
  }
}

// One row per situation: what the cache held, how the run ended, and what it then reports.
const situations: Array<[string, RunRecord, Record<string, string>]> = [
  [
    'cache off',
    { ...built, plan: planFor({ cache: 'false' }) },
    { 'bundle-path': '/w/org.example.Hello.flatpak' }
  ],
  [
    'miss, then saved',
    { ...built, saved: { saved: true, key: complete, size: 127e6, seconds: 2.8 } },
    { 'cache-hit': 'false', 'cache-matched-key': '', 'cache-key': complete, 'cache-size': '127000000' }
  ],
  [
    'prefix hit, then saved',
    {
      ...built,
      restored: { matchedKey: 'older', stages, seconds: 3.5 },
      saved: { saved: true, key: complete, size: 127e6, seconds: 2.8 }
    },
    { 'cache-hit': 'false', 'cache-matched-key': 'older', 'cache-key': complete }
  ],
  [
    'exact hit, nothing saved',
    {
      ...built,
      restored: { matchedKey: complete, stages, seconds: 3.5 },
      saved: { saved: false, reason: 'already', seconds: 0 }
    },
    { 'cache-hit': 'true', 'cache-matched-key': complete, 'cache-key': complete }
  ],
  [
    'a failed build, saved as a partial state',
    {
      ...built,
      build: undefined,
      bundle: undefined,
      failure: 'flatpak-builder failed in module hello',
      saved: { saved: true, key: partialKey(keys, 'r1'), size: 90e6, seconds: 2 }
    },
    { 'cache-hit': 'false', 'cache-key': partialKey(keys, 'r1'), 'manifest-path': plan.target.manifest }
  ],
  [
    'a save that failed',
    { ...built, saved: { saved: false, reason: 'x', warning: 'Could not save', size: 127e6, seconds: 1 } },
    { 'cache-hit': 'false', 'cache-key': complete, 'cache-size': '127000000' }
  ],
  [
    'uploaded',
    {
      ...built,
      artifact: { id: 7, url: 'https://github.com/o/r/actions/runs/1/artifacts/7', size: 1, seconds: 1 }
    },
    { 'artifact-id': '7', 'artifact-url': 'https://github.com/o/r/actions/runs/1/artifacts/7' }
  ]
]

describe('outputs', () => {
  it.each(situations)('%s', (_, record, expected) => {
    expect(outputs(record)).toMatchObject(expected)
  })

  it('a finished run sets every path, Python and the cache outputs', () => {
    expect(outputs({ ...built, saved: { saved: true, key: complete, size: 1, seconds: 1 } })).toEqual({
      'python-version': '3.11.2',
      'manifest-path': '/t/flatpak-python/org.example.Hello.json',
      'requirements-manifest-path': '/m/req.json',
      'requirements-lock-path': '/m/req.lock',
      'repo-path': '/t/flatpak-python/.flatpak-python-action/org.example.Hello/repo',
      'bundle-path': '/w/org.example.Hello.flatpak',
      'bundle-sha256': 'b'.repeat(64),
      'cache-hit': 'false',
      'cache-matched-key': '',
      'cache-key': complete,
      'cache-size': '1'
    })
  })

  it("names what a desktop app's run leaves: screenshot, the manifest to submit, the files the action wrote", () => {
    const desktop = {
      ...built,
      smoke: { screenshot: '/t/shot.png' },
      manifests: { ...built.manifests!, submission: '/t/flathub/org.example.Hello.json' },
      desktop: { installs: [], written: { metainfo: '/t/org.example.Hello.metainfo.xml' } }
    }
    expect(outputs(desktop)).toMatchObject({
      'screenshot-path': '/t/shot.png',
      'submission-manifest-path': '/t/flathub/org.example.Hello.json',
      'metainfo-path': '/t/org.example.Hello.metainfo.xml'
    })
    expect(outputs(desktop)).not.toHaveProperty('desktop-file-path')
    const upload = artifactUpload({ ...desktop, plan: planFor({ 'upload-artifact': 'with-manifest' }) }, true)
    expect(upload.upload && upload.files).toEqual([
      '/w/org.example.Hello.flatpak',
      '/t/shot.png',
      '/t/flatpak-python/org.example.Hello.json',
      '/m/req.json',
      '/m/req.lock',
      '/t/flathub/org.example.Hello.json',
      '/t/org.example.Hello.metainfo.xml'
    ])
    const rows = summaryRows(
      { ...desktop, lint: { own: [], linter: 'unavailable', errors: [] } },
      timeAccount(built, 1, 0)
    )
    expect(rows).toContainEqual(['Screenshot', '/t/shot.png'])
    expect(rows).toContainEqual([
      'Flathub lint',
      "Flathub's linter: not available here; the action's checks: clean"
    ])
  })

  it('names the release, each of its assets and the repository users add', () => {
    const download = (name: string) => `https://github.com/o/r/releases/download/v1/${name}`
    const published: RunRecord = {
      ...built,
      manifests: { ...built.manifests!, submission: '/t/flathub/org.example.Hello.json' },
      signed: {
        repo: '/site/repo',
        publicKey: '/k.gpg',
        flatpakrepo: '/site/a.flatpakrepo',
        flatpakref: '/site/a.flatpakref'
      },
      release: {
        url: 'https://github.com/o/r/releases/tag/v1',
        assets: [
          'org.example.Hello.flatpak',
          'org.example.Hello.flatpak.sha256',
          'org.example.Hello.json'
        ].map(name => ({ name, url: download(name) }))
      }
    }
    expect(outputs(published)).toMatchObject({
      'release-url': 'https://github.com/o/r/releases/tag/v1',
      'release-bundle-url': download('org.example.Hello.flatpak'),
      'release-checksum-url': download('org.example.Hello.flatpak.sha256'),
      'release-manifest-url': download('org.example.Hello.json'),
      'flatpakrepo-path': '/site/a.flatpakrepo',
      'flatpakref-path': '/site/a.flatpakref'
    })
    expect(releaseFiles(published)).toEqual([
      {
        file: '/w/org.example.Hello.flatpak',
        name: 'org.example.Hello.flatpak',
        contentType: 'application/vnd.flatpak'
      },
      {
        file: '/w/org.example.Hello.flatpak.sha256',
        name: 'org.example.Hello.flatpak.sha256',
        contentType: 'text/plain'
      },
      {
        file: '/t/flathub/org.example.Hello.json',
        name: 'org.example.Hello.json',
        contentType: 'application/json'
      }
    ])
    expect(releaseFiles({ ...published, bundle: undefined })).toEqual([])
    expect(outputs({ ...built, release: undefined })).not.toHaveProperty('release-url')
  })

  it('leaves out what the run never reached, and the cache outputs when caching is off', () => {
    expect(outputs({ plan })).toEqual({})
    const off = outputs(situations[0][1])
    expect(Object.keys(off).filter(k => k.startsWith('cache-'))).toEqual([])
    expect(outputs({ ...built, bundle: undefined })).not.toHaveProperty('bundle-path')
  })
})

describe('saveDecision', () => {
  it.each<[string, RunRecord, Record<string, string>, ReturnType<typeof saveDecision>]>([
    ['a finished build after a miss', built, stages, { save: true, key: complete }],
    [
      'a finished build after an exact hit',
      { ...built, restored: { matchedKey: complete, stages, seconds: 1 } },
      stages,
      { save: false, reason: expect.stringContaining("this build's already") }
    ],
    [
      'a finished build that failed later (smoke run)',
      { ...built, failure: 'smoke' },
      stages,
      { save: true, key: complete }
    ],
    [
      'a failed build that added stages',
      { ...built, build: undefined, failure: 'x' },
      stages,
      { save: true, key: partialKey(keys, 'r1') }
    ],
    [
      'a failed build that added nothing',
      { ...built, build: undefined, failure: 'x', restored: { matchedKey: 'k', stages, seconds: 1 } },
      stages,
      { save: false, reason: expect.stringContaining('added nothing') }
    ],
    [
      'save-cache on-success after a failure',
      { ...built, plan: planFor({ 'save-cache': 'on-success' }), failure: 'x' },
      stages,
      { save: false, reason: expect.stringContaining('on-success') }
    ],
    [
      'save-cache never',
      { ...built, plan: planFor({ 'save-cache': 'never' }) },
      stages,
      { save: false, reason: 'save-cache is never' }
    ],
    [
      'cache off',
      { ...built, plan: planFor({ cache: 'false' }) },
      stages,
      { save: false, reason: 'cache is false' }
    ],
    [
      'a run that stopped before the restore',
      { plan, failure: 'x' },
      {},
      { save: false, reason: expect.stringContaining('before the state was restored') }
    ]
  ])('%s', (_, record, now, decision) => {
    expect(saveDecision(record, now, 'r1')).toEqual(decision)
  })
})

describe('what the saved state keeps', () => {
  it('the stages of both manifests, the downloads of the written manifest and the kept files this run used', () => {
    expect(stateToKeep(plan, built)).toEqual({
      branches: ['x86_64-org.example.Hello.json', 'x86_64-org.example.Hello.python.json'],
      downloads: ['s1'],
      own: ['resolution-v2-1.json', 'bundle-v2-1.flatpak']
    })
  })

  it("before the manifest is written: the Python-only manifest's sources, and no kept file", () => {
    const keep = stateToKeep(plan, { plan, keys })
    expect(keep.downloads).toEqual([
      plan.inputs.python.kind === 'cpython' ? plan.inputs.python.release.sha256 : ''
    ])
    expect(keep.own).toEqual([])
  })
})

describe('artifactUpload', () => {
  it.each<[string, RunRecord, boolean, ReturnType<typeof artifactUpload>]>([
    [
      'the bundle',
      built,
      true,
      {
        upload: true,
        name: 'org.example.Hello-x86_64',
        files: ['/w/org.example.Hello.flatpak'],
        stagingDir: '/t/flatpak-python/.flatpak-python-action/org.example.Hello/artifact',
        retentionDays: undefined
      }
    ],
    [
      'with the manifest files',
      { ...built, plan: planFor({ 'upload-artifact': 'with-manifest', 'retention-days': '3' }) },
      true,
      {
        upload: true,
        name: 'org.example.Hello-x86_64',
        files: [
          '/w/org.example.Hello.flatpak',
          '/t/flatpak-python/org.example.Hello.json',
          '/m/req.json',
          '/m/req.lock'
        ],
        stagingDir: '/t/flatpak-python/.flatpak-python-action/org.example.Hello/artifact',
        retentionDays: 3
      }
    ],
    [
      'upload-artifact false',
      { ...built, plan: planFor({ 'upload-artifact': 'false' }) },
      true,
      { upload: false, reason: 'upload-artifact is false', warning: false }
    ],
    [
      'no service',
      built,
      false,
      { upload: false, reason: expect.stringContaining('no artifact service'), warning: true }
    ]
  ])('%s', (_, record, service, upload) => {
    expect(artifactUpload(record, service)).toEqual(upload)
  })
})

describe('the job summary', () => {
  const time = timeAccount(built, 83.4, 80)

  it('lists Python, each module, the bundle, the cache and the time', () => {
    expect(
      summaryRows(
        {
          ...built,
          restored: { matchedKey: 'older', stages, seconds: 2 },
          saved: { saved: true, key: complete, size: 120_400_000, seconds: 1 },
          artifact: { id: 7, url: 'https://github.com/o/r/actions/runs/1/artifacts/7', size: 1, seconds: 0.2 }
        },
        timeAccount(built, 83.4, 80)
      )
    ).toEqual([
      ['App', 'org.example.Hello'],
      ['Python', '3.11.2'],
      ['Module python3', 'built in 150 s'],
      ['Bundle', `/w/org.example.Hello.flatpak (7.5 MB), sha256 ${'b'.repeat(64)}`],
      ['Cache restored', 'older'],
      ['Cache saved', complete],
      ['Cache size', '120.4 MB'],
      ['Artifact', 'https://github.com/o/r/actions/runs/1/artifacts/7'],
      ['Time', '83 s (3.4 s in the action itself)']
    ])
  })

  it.each<[string, RunRecord, [string, string]]>([
    [
      'an exact hit',
      { ...built, restored: { matchedKey: complete, stages, seconds: 1 } },
      ['Cache restored', `${complete} (exact)`]
    ],
    [
      'nothing saved',
      { ...built, saved: { saved: false, reason: 'x', seconds: 0 } },
      ['Cache saved', 'nothing new']
    ],
    ['caching off', { ...built, plan: planFor({ cache: 'false' }) }, ['Cache', 'off']],
    [
      'a reused bundle',
      { ...built, bundle: { ...built.bundle!, reused: true } },
      ['Bundle', `/w/org.example.Hello.flatpak (7.5 MB, reused: app unchanged), sha256 ${'b'.repeat(64)}`]
    ],
    [
      'a signed bundle',
      { ...built, signed: { repo: '/site/repo', publicKey: '/k.gpg' } },
      ['Bundle', `/w/org.example.Hello.flatpak (7.5 MB, signed), sha256 ${'b'.repeat(64)}`]
    ],
    [
      'a release',
      { ...built, release: { url: 'https://github.com/o/r/releases/tag/v1', assets: [] } },
      ['Release', 'https://github.com/o/r/releases/tag/v1']
    ],
    [
      'the runtime Python',
      { ...built, plan: planFor({ 'python-version': 'runtime' }) },
      ['Python', '3.11.2 (runtime)']
    ],
    [
      'a failure',
      { ...built, failure: 'Smoke run of hello exited with 3.\nIts last lines:' },
      ['Result', 'failed: Smoke run of hello exited with 3.']
    ]
  ])('says so for %s', (_, record, row) => {
    expect(summaryRows(record, time)).toContainEqual(row)
  })

  it('cache hit is one fact for the outputs and the summary', () => {
    const hit = { ...built, restored: { matchedKey: complete, stages, seconds: 1 } }
    expect(cacheHit(hit)).toBe(true)
    expect(outputs(hit)['cache-hit']).toBe('true')
    expect(cacheHit({ ...hit, build: undefined })).toBe(false)
  })
})

describe('timeAccount', () => {
  it('counts the transfers of restore, save and upload apart from the programs and the action', () => {
    expect(
      timeAccount(
        {
          ...built,
          restored: { stages, seconds: 3 },
          saved: { saved: true, key: 'k', size: 1, seconds: 2 },
          artifact: { id: 1, url: 'u', size: 1, seconds: 1 }
        },
        20,
        13.5
      )
    ).toEqual({ total: 20, children: 13.5, transfers: 6, own: 0.5 })
  })

  it('counts the state and the runtime once where they are restored and saved side by side', () => {
    const runtimePlan = { use: true as const, prefix: 'p-', refs: [] }
    expect(
      timeAccount(
        {
          ...built,
          restored: { stages, seconds: 3 },
          runtime: { plan: runtimePlan, restored: { matchedKey: 'p-1', seconds: 4 } },
          saved: { saved: true, key: 'k', size: 1, seconds: 2 },
          runtimeSaved: { saved: false, reason: 'current', seconds: 0.5 }
        },
        20,
        13.5
      )
    ).toEqual({ total: 20, children: 13.5, transfers: 6, own: 0.5 })
  })
})
