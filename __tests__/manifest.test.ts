import { describe, expect, it } from 'vitest'
import {
  buildManifest,
  pythonModule,
  pythonOnlyManifest,
  serialize,
  uniqueFiles,
  type ManifestSpec
} from '../src/pure/manifest.js'

const python311: ManifestSpec['python'] = {
  kind: 'cpython',
  release: { version: '3.11.2', file: 'Python-3.11.2.tgz', sha256: 'a'.repeat(64) },
  url: 'http://127.0.0.1:8719/3.11.2/Python-3.11.2.tgz'
}

const wheel = (name: string, sha: string, onlyArches?: string[]) => ({
  url: `https://files.example/${name}`,
  sha256: sha.repeat(64),
  filename: name,
  ...(onlyArches ? { onlyArches } : {})
})

const installer = wheel('pip-26.2.2-py3-none-any.whl', 'f')
const PIP =
  '/app/bin/python3 pip-26.2.2-py3-none-any.whl/pip install --no-cache-dir --disable-pip-version-check --no-warn-script-location --root-user-action=ignore'
const installerSource = {
  type: 'file',
  url: installer.url,
  sha256: installer.sha256,
  'dest-filename': installer.filename
}

const spec: ManifestSpec = {
  appId: 'org.example.Hello',
  installer,
  runtime: 'org.example.Platform',
  runtimeVersion: '1',
  sdk: 'org.example.Sdk',
  command: 'hello',
  finishArgs: ['--share=network'],
  python: python311,
  debugInfo: false,
  appModule: 'hello',
  app: {
    path: 'hello-source.tar',
    sha256: 'b'.repeat(64),
    buildDeps: [wheel('setuptools-66.1.1-py3-none-any.whl', 'c')]
  },
  launcher: ['exec /app/bin/python3 -m hello "$@"'],
  installs: [],
  requirements: {
    kind: 'pinned',
    pinned: {
      lock: 'fpa-pure==1.0 --hash=sha256:' + 'd'.repeat(64) + '\n',
      files: [
        wheel('fpa_pure-1.0-py3-none-any.whl', 'd'),
        wheel('fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl', 'e', ['x86_64'])
      ]
    }
  },
  index: { url: 'https://pypi.org/simple' }
}

const modulesOf = (m: Record<string, unknown>) => m.modules as Array<Record<string, unknown> | string>

describe('buildManifest', () => {
  const { manifest, requirementsModule } = buildManifest(spec)

  it('orders modules from least to most often changed: CPython, requirements (included file), the app', () => {
    expect(modulesOf(manifest).map(m => (typeof m === 'string' ? m : m.name))).toEqual([
      'python3',
      'python3-requirements.json',
      'hello'
    ])
  })

  it('keeps a stable key order at the top level', () => {
    expect(Object.keys(manifest)).toEqual([
      'id',
      'runtime',
      'runtime-version',
      'sdk',
      'command',
      'finish-args',
      'build-options',
      'modules'
    ])
    expect(serialize(buildManifest(spec).manifest)).toBe(serialize(manifest))
  })

  it('builds CPython from its tarball, pinned, and drops what apps never use', () => {
    const cpython = modulesOf(manifest)[0] as Record<string, unknown>
    expect(cpython.sources).toEqual([{ type: 'archive', url: python311.url, sha256: 'a'.repeat(64) }])
    // The test suite and what no later module needs go at once; headers and pip's bootstrap at the end.
    expect(cpython['post-install']).toEqual([
      'rm -rf /app/lib/python3.11/test /app/lib/python3.11/*/test /app/lib/python3.11/*/tests /app/lib/python3.11/idlelib /app/lib/python3.11/tkinter /app/lib/python3.11/turtledemo /app/lib/libpython3.11.a',
      "find /app/lib/python3.11 -name '*.opt-[12].pyc' -delete"
    ])
    expect(cpython.cleanup).toEqual(
      expect.arrayContaining([
        '/include',
        '/share/man',
        '/lib/python3.11/config-*',
        '/lib/python3.11/ensurepip'
      ])
    )
    expect(cpython['config-opts']).toEqual(['--without-ensurepip', '--disable-test-modules'])
  })

  it('builds the test suite of no CPython; 3.9 has no configure option for it, so it is removed', () => {
    const old = pythonModule({
      kind: 'cpython',
      release: { version: '3.9.18', file: 'Python-3.9.18.tgz', sha256: 'a'.repeat(64) },
      url: 'u'
    })
    expect(old['config-opts']).toEqual(['--without-ensurepip'])
    expect((old['post-install'] as string[])[0]).toMatch(/^rm -rf \/app\/lib\/python3\.9\/test /)
  })

  it('strips binaries without a .Debug extension unless debug-info asks for one', () => {
    expect(manifest['build-options']).toEqual({
      'no-debuginfo': true,
      strip: true,
      env: { PIP_CONFIG_FILE: '/dev/null' }
    })
    expect(buildManifest({ ...spec, debugInfo: true }).manifest['build-options']).toEqual({
      env: { PIP_CONFIG_FILE: '/dev/null' }
    })
  })

  it('installs the requirements offline with one hash-checked pip call', () => {
    expect(requirementsModule).toMatchObject({
      name: 'python3-requirements',
      buildsystem: 'simple',
      'build-commands': [
        `${PIP} --no-index --use-pep517 --find-links="file://\${PWD}" --require-hashes --no-deps -r requirements.lock`
      ]
    })
    expect(requirementsModule!.sources).toEqual([
      {
        type: 'file',
        url: 'https://files.example/fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
        sha256: 'e'.repeat(64),
        'dest-filename': 'fast-1.0-cp311-cp311-manylinux_2_17_x86_64.whl',
        'only-arches': ['x86_64']
      },
      {
        type: 'file',
        url: 'https://files.example/fpa_pure-1.0-py3-none-any.whl',
        sha256: 'd'.repeat(64),
        'dest-filename': 'fpa_pure-1.0-py3-none-any.whl'
      },
      installerSource,
      {
        type: 'inline',
        contents: spec.requirements.kind === 'pinned' && spec.requirements.pinned.lock,
        'dest-filename': 'requirements.lock'
      }
    ])
  })

  it('builds the app from its pinned archive with its pinned build backend, then installs the launcher', () => {
    const app = modulesOf(manifest)[2] as Record<string, unknown>
    expect(app.sources).toEqual([
      {
        type: 'archive',
        path: 'hello-source.tar',
        sha256: 'b'.repeat(64),
        'strip-components': 0,
        dest: 'project'
      },
      installerSource,
      {
        type: 'file',
        url: 'https://files.example/setuptools-66.1.1-py3-none-any.whl',
        sha256: 'c'.repeat(64),
        'dest-filename': 'setuptools-66.1.1-py3-none-any.whl',
        dest: 'build-deps'
      },
      {
        type: 'script',
        'dest-filename': 'flatpak-python-launcher',
        commands: ['exec /app/bin/python3 -m hello "$@"']
      }
    ])
    expect(app['build-commands']).toEqual([
      `${PIP} --no-index --use-pep517 --find-links="file://\${PWD}/build-deps" --no-deps ./project`,
      'install -Dm755 flatpak-python-launcher /app/bin/hello'
    ])
  })

  it('gives no build step the network unless build-network asks for it', () => {
    expect(JSON.stringify(buildManifest(spec))).not.toContain('build-args')
    const network = buildManifest({
      ...spec,
      requirements: { kind: 'network', file: '../requirements.txt' }
    }).manifest
    const [, requirements, app] = modulesOf(network) as Array<Record<string, unknown>>
    for (const m of [requirements, app]) {
      expect(m['build-options']).toEqual({
        'build-args': ['--share=network'],
        env: { PIP_INDEX_URL: 'https://pypi.org/simple' }
      })
    }
    expect(requirements.sources).toEqual([
      installerSource,
      { type: 'file', path: '../requirements.txt', 'dest-filename': 'requirements.txt' }
    ])
    expect(requirements['build-commands']).toEqual([`${PIP} -r requirements.txt`])
    expect(app['build-commands']).toEqual([
      `${PIP} ./project`,
      'install -Dm755 flatpak-python-launcher /app/bin/hello'
    ])
  })

  it('leaves out the launcher when the command is the console script itself', () => {
    const app = modulesOf(buildManifest({ ...spec, launcher: undefined }).manifest)[2] as Record<
      string,
      unknown
    >
    expect(app['build-commands']).toHaveLength(1)
    expect(JSON.stringify(app.sources)).not.toContain('script')
  })

  it('uses a venv over the runtime python3 when python-version is runtime', () => {
    const first = modulesOf(buildManifest({ ...spec, python: { kind: 'runtime' } }).manifest)[0]
    expect(first).toEqual({
      name: 'python3-venv',
      buildsystem: 'simple',
      'build-commands': ['/usr/bin/python3 -m venv --without-pip --system-site-packages /app']
    })
  })
})

describe('pythonOnlyManifest', () => {
  it('has the full manifest top level and only its first module, so its stages are the same', () => {
    const full = buildManifest(spec).manifest
    const partial = pythonOnlyManifest(spec)
    expect({ ...partial, modules: undefined }).toEqual({ ...full, modules: undefined })
    expect(partial.modules).toEqual([modulesOf(full)[0]])
  })
})

describe('uniqueFiles', () => {
  it('keeps each file once, sorted by file name', () => {
    expect(
      uniqueFiles([wheel('b.whl', 'b'), wheel('a.whl', 'a'), wheel('b.whl', 'b')]).map(x => x.filename)
    ).toEqual(['a.whl', 'b.whl'])
  })
})

describe('pip in build commands', () => {
  it('refuses an installer file name that a shell would not read as one word', () => {
    expect(() => buildManifest({ ...spec, installer: wheel('pip-1;rm -rf.whl', 'f') })).toThrow(/Refusing/)
  })
})
