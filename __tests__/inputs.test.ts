import { describe, expect, it } from 'vitest'
import { Input } from '../src/pure/constants.js'
import { flatpakIdProblem, parseInputs, type RunnerContext } from '../src/pure/inputs.js'

const runner: RunnerContext = { workspace: '/work/repo', tempDir: '/tmp/runner', arch: 'x86_64' }

function parse(values: Record<string, string>) {
  return parseInputs(name => values[name] ?? '', runner)
}

const base = { 'app-id': 'org.example.Hello', 'python-version': '3.11.2' }

describe('parseInputs', () => {
  it('fills every default from app-id and the runner', () => {
    const { inputs, errors } = parse(base)
    expect(errors).toEqual([])
    expect(inputs).toMatchObject({
      appId: 'org.example.Hello',
      appPath: '/work/repo',
      command: 'hello',
      buildNetwork: false,
      runtime: 'org.freedesktop.Platform',
      runtimeVersion: '26.08',
      sdk: 'org.freedesktop.Sdk',
      remoteName: 'flathub',
      remoteUrl: 'https://dl.flathub.org/repo/flathub.flatpakrepo',
      finishArgs: [],
      arch: 'x86_64',
      branch: 'stable',
      manifestPath: '/tmp/runner/flatpak-python/org.example.Hello.json',
      buildDir: '/tmp/runner/flatpak-python/.flatpak-python-action/org.example.Hello/build-dir',
      bundlePath: '/work/repo/org.example.Hello.flatpak',
      index: { url: 'https://pypi.org/simple' },
      smokeArgs: [],
      smokeTimeout: 120
    })
    expect(inputs!.python).toEqual({
      kind: 'cpython',
      release: {
        version: '3.11.2',
        file: 'Python-3.11.2.tgz',
        sha256: '2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849'
      },
      url: 'https://www.python.org/ftp/python/3.11.2/Python-3.11.2.tgz'
    })
  })

  it('reads multi-line inputs one item per line, trimmed, without blank lines', () => {
    const { inputs } = parse({
      ...base,
      'finish-args': '--share=network\n\n  --socket=wayland  \n',
      'smoke-args': '--greeting\nhello world\n'
    })
    expect(inputs!.finishArgs).toEqual(['--share=network', '--socket=wayland'])
    expect(inputs!.smokeArgs).toEqual(['--greeting', 'hello world'])
  })

  it('resolves paths against the workspace and takes a mirror for CPython', () => {
    const { inputs } = parse({
      ...base,
      'app-path': 'examples/hello',
      requirements: 'requirements.txt',
      'manifest-path': '/out/app.json',
      'python-source-url': 'http://127.0.0.1:8719/'
    })
    expect(inputs).toMatchObject({
      appPath: '/work/repo/examples/hello',
      requirements: '/work/repo/requirements.txt',
      manifestPath: '/out/app.json',
      buildDir: '/out/.flatpak-python-action/app/build-dir'
    })
    expect(inputs!.python).toMatchObject({ url: 'http://127.0.0.1:8719/3.11.2/Python-3.11.2.tgz' })
  })

  it('reads extras one per line or comma-separated', () => {
    expect(parse({ ...base, extras: 'gui, cli\nsound' }).inputs!.extras).toEqual(['gui', 'cli', 'sound'])
  })

  it('takes python-version runtime for the runtime python3', () => {
    expect(parse({ ...base, 'python-version': 'runtime' }).inputs!.python).toEqual({ kind: 'runtime' })
  })

  it('takes X.Y as the newest known patch of X.Y', () => {
    const python = parse({ ...base, 'python-version': '3.11' }).inputs!.python
    expect(python.kind === 'cpython' && python.release.version).toMatch(/^3\.11\.\d+$/)
    expect(python.kind === 'cpython' && Number(python.release.version.split('.')[2])).toBeGreaterThanOrEqual(
      2
    )
  })

  const badValues: [string, string, RegExp][] = [
    ['app-id', '', /app-id is required/],
    ['app-id', 'hello', /at least three dot-separated parts/],
    ['app-id', 'org.example.my-app', /- in its last part/],
    ['app-id', 'org.1example.Hello', /part '1example'/],
    ['app-id', 'org..Hello', /empty part/],
    ['app-id', `org.example.${'a'.repeat(250)}`, /limit is 255/],
    ['python-version', '3.11.99', /not a CPython release this action knows\. Nearest known: 3\.11\./],
    ['python-version', '2.7', /Nearest known: 3\.9/],
    ['python-version', 'latest', /not a CPython release/],
    ['python-source-url', 'ftp://mirror/python', /not an http\(s\) or file URL/],
    ['entrypoint', 'hello world', /neither a Python module/],
    ['extras', 'gui, bad extra', /extras 'bad extra' is not an extra's name/],
    ['command', '../bin/sh', /not a plain file name/],
    ['command', '-rf', /not a plain file name/],
    ['build-network', 'yes', /not a boolean: use true or false/],
    ['debug-info', 'on', /debug-info 'on' is not a boolean/],
    ['pip-index-url', 'pypi.org/simple', /not an http\(s\) or file URL/],
    ['pip-extra-index-url', 'nope', /not an http\(s\) or file URL/],
    ['runtime', 'Platform', /not a valid Flatpak ID/],
    ['runtime-version', '26.08 beta', /not a valid Flatpak branch/],
    ['sdk', 'org.freedesktop.', /empty part/],
    ['remote-name', 'flat hub', /not a valid remote name/],
    ['remote-url', 'dl.flathub.org/repo', /not an http\(s\) or file URL/],
    ['finish-args', '--share=ipc\nsocket=x11', /finish-args line 'socket=x11'/],
    ['arch', 'riscv64', /not supported: use one of x86_64, aarch64/],
    ['arches', 'x86_64, riscv64', /arches 'riscv64' is not an arch Flathub builds/],
    ['arches', 'aarch64', /arches 'aarch64' leaves out x86_64, the arch this run builds for/],
    ['branch', 'a/b', /not a valid Flatpak branch/],
    ['manifest-path', 'manifest.yml', /must end in \.json/],
    ['bundle', 'hello.zip', /must end in \.flatpak/],
    ['smoke-expect', '(unclosed', /smoke-expect is not a valid regular expression/],
    ['smoke-timeout', '0', /not a whole number of seconds/],
    ['smoke-timeout', '1.5', /not a whole number of seconds/],
    ['command', 'python3', /name of a file the Python module installs in \/app\/bin/],
    ['command', 'python3.11', /name of a file the Python module installs/],
    ['command', 'pip', /name of a file the Python module installs/],
    ['command', 'pydoc3', /name of a file the Python module installs/],
    ['pip-index-url', 'http://pypi.example.org/simple', /plain http on another host: pip would refuse it/],
    ['pip-version', '22.3', /not a pip release of 23\.0 or later/],
    ['pip-version', 'latest', /not a pip release/],
    ['pip-sha256', 'abc', /pip-sha256 'abc' is not a sha256/],
    ['remote-url', 'https://example.org/repo', /a repository without its GPG key/],
    ['remote-gpg-verify', 'no', /not a boolean/],
    ['release', 'v1..2', /release 'v1\.\.2' is neither true, false nor a tag name/],
    ['release', 'refs/heads/../x', /neither true, false nor a tag name/],
    ['gpg-private-key', 'ssh-ed25519 AAAA', /gpg-private-key is not an armored private key/],
    ['gpg-passphrase', 'secret', /gpg-passphrase is set but gpg-private-key is not/],
    ['repository-dir', 'site', /flatpak only trusts signed: give gpg-private-key/],
    ['repository-url', 'https://example.org/', /repository-url is set but repository-dir is not/],
    ['repository-from', 'https://example.org/repo/', /repository-from is set but repository-dir is not/],
    [
      'finish-args',
      '--socket=x11 --filesystem=host',
      /holds more than one option: write one option per line/
    ],
    ['finish-args', '--frobnicate=yes', /not a flatpak finish option/],
    ['cache', 'off', /cache 'off' is not a boolean/],
    ['cache-key-prefix', 'my prefix', /must be 1 to 100 letters/],
    ['save-cache', 'sometimes', /not one of always, on-success, never/],
    ['cache-timeout', '0', /not a whole number of seconds/],
    ['upload-artifact', 'yes', /not one of true, false, with-manifest/],
    ['artifact-name', 'a/b', /has a character artifacts cannot have/],
    ['retention-days', '91', /not a whole number of days from 1 to 90/],
    ['metainfo', 'data/app.xml', /metainfo 'data\/app\.xml' must end in \.metainfo\.xml or \.appdata\.xml/],
    ['desktop-file', 'data/app.ini', /desktop-file 'data\/app\.ini' must end in \.desktop/],
    ['icon', 'data/app.jpg', /icon 'data\/app\.jpg' must end in \.svg or \.png/],
    ['gui', 'maybe', /gui 'maybe' is not a boolean/],
    ['flathub-lint', 'strict', /flathub-lint 'strict' is not one of error, warning, off/],
    ['python-sha256', 'abc', /python-sha256 'abc' is not a sha256/],
    ['dependency-groups', 'dev, bad group', /dependency-groups 'bad group' is not a group's name/]
  ]
  it.each<[string, string, RegExp]>(badValues)('rejects %s %j', (input, value, message) => {
    const { inputs, errors } = parse({ ...base, [input]: value })
    expect(inputs).toBeUndefined()
    expect(errors).toHaveLength(1)
    expect(errors[0].input).toBe(input)
    expect(errors[0].message).toMatch(message)
  })

  it.each<[string, string[]]>([
    ['', ['x86_64', 'aarch64']],
    ['x86_64', ['x86_64']],
    ['aarch64\nx86_64, aarch64', ['x86_64', 'aarch64']]
  ])('takes arches %j as %j', (arches, expected) => {
    expect(parse({ ...base, arches }).inputs!.arches).toEqual(expected)
  })

  it('takes a CPython release it does not know, pinned by python-sha256, as X.Y.Z only', () => {
    const sha = 'e'.repeat(64)
    expect(parse({ ...base, 'python-version': '3.16.0', 'python-sha256': sha }).inputs!.python).toEqual({
      kind: 'cpython',
      release: { version: '3.16.0', file: 'Python-3.16.0.tgz', sha256: sha },
      url: 'https://www.python.org/ftp/python/3.16.0/Python-3.16.0.tgz'
    })
    expect(parse({ ...base, 'python-version': '3.16', 'python-sha256': sha }).errors).toEqual([
      { input: 'python-sha256', message: expect.stringContaining('give python-version as X.Y.Z') }
    ])
    expect(parse({ ...base, 'python-version': '3.15.0' }).inputs!.python).toMatchObject({
      release: {
        version: '3.15.0',
        sha256: '438596cac081036d3c1d532ab7e7335eeb35567bc961749a0d5797176db0db68'
      }
    })
  })

  it('refuses a pip-version it does not know unless pip-sha256 pins it', () => {
    expect(parse({ ...base, 'pip-version': '26.9.9' }).errors).toEqual([
      {
        input: 'pip-sha256',
        message: expect.stringContaining("pip-version '26.9.9' is not one this action knows")
      }
    ])
    expect(parse({ ...base, 'pip-version': '26.9.9', 'pip-sha256': 'a'.repeat(64) }).inputs!.pip).toEqual({
      version: '26.9.9',
      file: 'pip-26.9.9-py3-none-any.whl',
      sha256: 'a'.repeat(64)
    })
    expect(parse(base).inputs!.pip).toMatchObject({ version: '26.0.1', file: 'pip-26.0.1-py3-none-any.whl' })
  })

  it('refuses index credentials with build-network, which would ship them in the manifest', () => {
    const url = 'https://user:s3cret@pypi.example.org/simple'
    expect(parse({ ...base, 'pip-index-url': url }).errors).toEqual([])
    const { errors } = parse({ ...base, 'pip-index-url': url, 'build-network': 'true' })
    expect(errors).toEqual([
      { input: 'pip-index-url', message: expect.stringContaining('carries credentials') }
    ])
    expect(errors[0].message).not.toContain('s3cret')
  })

  it('lets a plain repository on the runner itself in without a key, and elsewhere only with remote-gpg-verify false', () => {
    for (const url of ['file:///srv/repo', 'http://127.0.0.1:8722/', 'http://localhost/repo']) {
      expect(parse({ ...base, 'remote-url': url }).errors).toEqual([])
    }
    const { errors, warnings } = parse({
      ...base,
      'remote-url': 'https://example.org/repo',
      'remote-gpg-verify': 'false'
    })
    expect(errors).toEqual([])
    expect(warnings).toEqual([
      { input: 'remote-gpg-verify', message: expect.stringContaining('without GPG verification') }
    ])
  })

  it('has a bad value refused for every input (the path inputs in paths.test.ts)', () => {
    const table = new Set(badValues.map(([input]) => input))
    const checkedByPaths = ['app-path', 'requirements', 'build-dir']
    // Each line is one argument, passed as it is: no value is bad.
    const anyValue = ['smoke-args', 'github-token']
    expect(
      Object.values(Input).filter(i => !table.has(i) && !checkedByPaths.includes(i) && !anyValue.includes(i))
    ).toEqual([])
  })

  const KEY = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxyz\n-----END PGP PRIVATE KEY BLOCK-----'
  it.each([
    [{ 'repository-url': 'ftp://example.org/' }, 'repository-url', /not an http\(s\) URL/],
    [
      { 'repository-url': 'https://example.org/', 'repository-from': 'example.org/repo' },
      'repository-from',
      /not an http\(s\) or file URL/
    ]
  ])('with repository-dir, rejects %o', (more, input, message) => {
    const { errors } = parse({ ...base, 'repository-dir': 'site', 'gpg-private-key': KEY, ...more })
    expect(errors).toEqual([{ input, message: expect.stringMatching(message) }])
  })

  it('reads the publishing inputs: release, the repository at the Pages address, the key', () => {
    const { inputs } = parseInputs(
      name => ({ ...base, release: 'true', 'repository-dir': 'site', 'gpg-private-key': KEY })[name] ?? '',
      { ...runner, repository: 'Some-Owner/app' }
    )
    expect(inputs?.publish).toEqual({
      release: { kind: 'ref' },
      token: '',
      repository: { dir: '/work/repo/site', url: 'https://some-owner.github.io/app/', from: undefined },
      signingKey: { privateKey: KEY, passphrase: '' }
    })
    expect(parse({ ...base, release: 'v1.2.0' }).inputs?.publish.release).toEqual({
      kind: 'tag',
      tag: 'v1.2.0'
    })
    expect(parse({ ...base, 'repository-dir': 'site', 'gpg-private-key': KEY }).errors).toEqual([
      {
        input: 'repository-url',
        message: expect.stringMatching(/repository-url is needed with repository-dir/)
      }
    ])
  })

  it('reports every bad input at once', () => {
    const { errors } = parse({ 'app-id': 'hello', arch: 'mips', 'smoke-timeout': 'soon' })
    expect(errors.map(e => e.input)).toEqual(['app-id', 'arch', 'smoke-timeout'])
  })
})

describe('flatpakIdProblem', () => {
  it.each(['org.example.Hello', 'io.github.some-user.App_2', '_a._b._c'])('accepts %s', id => {
    expect(flatpakIdProblem(id)).toBeUndefined()
  })
})
