import { describe, expect, it } from 'vitest'
import { buildManifest, type ManifestSpec } from '../src/pure/manifest.js'
import { cpythonChecker, gitOrigin, submissionProblems, submissionSpec } from '../src/pure/submission.js'

const env = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/tally',
  GITHUB_SHA: 'c0ffee'.padEnd(40, '0'),
  GITHUB_REF: 'refs/tags/v1.2.0'
}

describe('where the submitted app comes from', () => {
  it('is the repository at the commit, with the tag when a tag is built', () => {
    expect(gitOrigin(env, '/w', '/w/app')).toEqual({
      url: 'https://github.com/acme/tally.git',
      commit: env.GITHUB_SHA,
      tag: 'v1.2.0',
      subdir: 'app'
    })
    expect(gitOrigin({ ...env, GITHUB_REF: 'refs/heads/main' }, '/w', '/w')).toEqual({
      url: 'https://github.com/acme/tally.git',
      commit: env.GITHUB_SHA,
      subdir: ''
    })
  })

  it('is missing outside GitHub Actions and for an app outside the checkout', () => {
    expect(gitOrigin({}, '/w', '/w')).toEqual({ missing: expect.stringContaining('GITHUB_REPOSITORY') })
    expect(gitOrigin(env, '/w', '/elsewhere')).toEqual({
      missing: expect.stringContaining('not in the checkout')
    })
  })
})

const spec: ManifestSpec = {
  appId: 'org.acme.Tally',
  installer: {
    url: 'https://files.pythonhosted.org/p/pip-26.0.1-py3-none-any.whl',
    sha256: 'f'.repeat(64),
    filename: 'pip-26.0.1-py3-none-any.whl'
  },
  runtime: 'org.gnome.Platform',
  runtimeVersion: '48',
  sdk: 'org.gnome.Sdk',
  command: 'tally',
  finishArgs: ['--socket=wayland'],
  python: {
    kind: 'cpython',
    release: { version: '3.13.9', file: 'Python-3.13.9.tgz', sha256: 'a'.repeat(64) },
    url: 'https://www.python.org/ftp/python/3.13.9/Python-3.13.9.tgz'
  },
  debugInfo: false,
  appModule: 'tally',
  app: {
    path: '.flatpak-python-action/org.acme.Tally/tally-source.tar',
    sha256: 'b'.repeat(64),
    buildDeps: []
  },
  launcher: undefined,
  installs: [
    {
      from: { project: 'data/org.acme.Tally.metainfo.xml' },
      to: 'share/metainfo/org.acme.Tally.metainfo.xml'
    },
    {
      from: { inline: '[Desktop Entry]\n', name: 'org.acme.Tally.desktop' },
      to: 'share/applications/org.acme.Tally.desktop'
    }
  ],
  requirements: {
    kind: 'pinned',
    pinned: {
      lock: 'a==1 --hash=sha256:' + 'c'.repeat(64) + '\n',
      files: [
        {
          url: 'https://files.pythonhosted.org/p/a-1-py3-none-any.whl',
          sha256: 'c'.repeat(64),
          filename: 'a-1-py3-none-any.whl'
        }
      ]
    }
  },
  index: { url: 'https://pypi.org/simple' }
}

describe('the manifest to submit', () => {
  const origin = gitOrigin(env, '/w', '/w/app') as Exclude<ReturnType<typeof gitOrigin>, { missing: string }>
  const { manifest, requirementsModule } = buildManifest(submissionSpec(spec, origin))
  const app = (manifest.modules as Array<Record<string, unknown>>).at(-1)!

  it("takes the app from its repository, and installs from the checkout's app-path", () => {
    expect((app.sources as unknown[])[0]).toEqual({
      type: 'git',
      url: 'https://github.com/acme/tally.git',
      commit: env.GITHUB_SHA,
      tag: 'v1.2.0',
      dest: 'project'
    })
    expect(app['build-commands']).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/--no-deps \.\/project\/app$/),
        'install -Dm644 project/app/data/org.acme.Tally.metainfo.xml /app/share/metainfo/org.acme.Tally.metainfo.xml',
        'install -Dm644 desktop/org.acme.Tally.desktop /app/share/applications/org.acme.Tally.desktop'
      ])
    )
  })

  it('splits debug symbols off as Flathub builds them, and tells its update bot where CPython comes from', () => {
    expect(manifest['build-options']).toEqual({ env: { PIP_CONFIG_FILE: '/dev/null' } })
    const cpython = (manifest.modules as Array<Record<string, Array<Record<string, unknown>>>>)[0]
    expect(cpython.sources[0]['x-checker-data']).toEqual({
      type: 'anitya',
      'project-id': 13254,
      'stable-only': true,
      'url-template': 'https://www.python.org/ftp/python/$version/Python-$version.tgz'
    })
  })

  it('has nothing the linter refuses: no local paths, a sha256 on every download, a commit on the git source', () => {
    expect(submissionProblems(manifest, requirementsModule ? [requirementsModule] : [])).toEqual([])
    // The build's own manifest names its local archive: not for submission.
    expect(submissionProblems(buildManifest(spec).manifest)).toEqual([
      'module tally: its archive source names the local path .flatpak-python-action/org.acme.Tally/tally-source.tar'
    ])
  })

  it('x-checker-data only for python.org tarballs', () => {
    expect(cpythonChecker('https://mirror.example.org/python/3.13.9/Python-3.13.9.tgz')).toBeUndefined()
  })
})
