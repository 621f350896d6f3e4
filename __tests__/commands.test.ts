import { describe, expect, it } from 'vitest'
import {
  buildAppArgs,
  buildPythonArgs,
  bundleArgs,
  downloadArgs,
  installFromRepoArgs,
  patchlevelArgs,
  platformSmokeArgs,
  remoteAddArgs,
  sandboxArgs,
  sdkSmokeArgs,
  withTimeout,
  type BuildTarget
} from '../src/pure/commands.js'

const target: BuildTarget = {
  appId: 'org.example.Hello',
  arch: 'x86_64',
  branch: 'stable',
  manifest: '/w/org.example.Hello.json',
  buildDir: '/w/build-dir',
  repo: '/w/repo'
}
const flathub = { name: 'flathub', url: 'https://dl.flathub.org/repo/flathub.flatpakrepo' }

describe('argv builders', () => {
  it.each([
    [flathub, ['flatpak', 'remote-add', '--user', '--if-not-exists', '--from', 'flathub', flathub.url]],
    [
      { name: 'local', url: 'file:///srv/repo' },
      ['flatpak', 'remote-add', '--user', '--if-not-exists', '--no-gpg-verify', 'local', 'file:///srv/repo']
    ]
  ])('remoteAddArgs(%o)', (remote, argv) => expect(remoteAddArgs(remote)).toEqual(argv))

  it.each([
    [
      true,
      [
        'flatpak-builder',
        '--user',
        '--arch=x86_64',
        '--default-branch=stable',
        '--force-clean',
        '--install-deps-from=flathub',
        '--build-only',
        '/w/build-dir',
        '/w/org.example.Hello.json'
      ]
    ],
    [
      false,
      [
        'flatpak-builder',
        '--user',
        '--arch=x86_64',
        '--default-branch=stable',
        '--force-clean',
        '--disable-rofiles-fuse',
        '--install-deps-from=flathub',
        '--build-only',
        '/w/build-dir',
        '/w/org.example.Hello.json'
      ]
    ]
  ])('buildPythonArgs(rofilesFuse=%s)', (fuse, argv) =>
    expect(buildPythonArgs(target, flathub, fuse)).toEqual(argv)
  )

  it('buildPythonArgs installs nothing when the runtime is there already', () => {
    expect(buildPythonArgs(target, undefined, true)).toEqual([
      'flatpak-builder',
      '--user',
      '--arch=x86_64',
      '--default-branch=stable',
      '--force-clean',
      '--build-only',
      '/w/build-dir',
      '/w/org.example.Hello.json'
    ])
  })

  it('downloadArgs only downloads, into a build dir of its own', () => {
    expect(downloadArgs(target, flathub, '/w/scratch')).toEqual([
      'flatpak-builder',
      '--user',
      '--arch=x86_64',
      '--force-clean',
      '--install-deps-from=flathub',
      '--download-only',
      '/w/scratch',
      '/w/org.example.Hello.json'
    ])
  })

  it('patchlevelArgs reads one header of the tarball to stdout', () => {
    expect(patchlevelArgs('/s/downloads/abc/Python-3.15.0.tgz')).toEqual([
      'tar',
      '--extract',
      '--file=/s/downloads/abc/Python-3.15.0.tgz',
      '--to-stdout',
      '--wildcards',
      '*/Include/patchlevel.h'
    ])
  })

  it('buildAppArgs exports into the repo', () => {
    expect(buildAppArgs({ ...target, arch: 'aarch64', branch: 'beta' }, true)).toEqual([
      'flatpak-builder',
      '--user',
      '--arch=aarch64',
      '--default-branch=beta',
      '--force-clean',
      '--repo=/w/repo',
      '/w/build-dir',
      '/w/org.example.Hello.json'
    ])
  })

  it('sandboxArgs gives no host file but the directories given, and the network only when asked', () => {
    const env = { PIP_INDEX_URL: 'http://127.0.0.1/simple' }
    expect(
      sandboxArgs('/w/build-dir', { dirs: ['/w/resolve'], env, network: true }, ['/app/bin/python3', '-V'])
    ).toEqual([
      'flatpak',
      'build',
      '--nofilesystem=host',
      '--nofilesystem=home',
      '--share=network',
      '--filesystem=/w/resolve',
      '--env=PIP_INDEX_URL=http://127.0.0.1/simple',
      '/w/build-dir',
      '/app/bin/python3',
      '-V'
    ])
    expect(sandboxArgs('/w/build-dir', { dirs: [], env: {}, network: false }, ['python3'])).toEqual([
      'flatpak',
      'build',
      '--nofilesystem=host',
      '--nofilesystem=home',
      '/w/build-dir',
      'python3'
    ])
  })

  it('smoke runs keep each argument separate, under timeout', () => {
    expect(withTimeout(30, sdkSmokeArgs(target, [], 'hello', ['--name', 'a b; rm -rf /']))).toEqual([
      'timeout',
      '--kill-after=10',
      '30',
      'flatpak',
      'build',
      '--readonly',
      '--with-appdir',
      '--die-with-parent',
      '--allow=devel',
      '--nofilesystem=host',
      '--nofilesystem=home',
      '/w/build-dir',
      'hello',
      '--name',
      'a b; rm -rf /'
    ])
  })

  it('the SDK smoke run gets the sandbox options of finish-args, after the host is taken away', () => {
    const argv = sdkSmokeArgs(
      target,
      ['--share=network', '--filesystem=xdg-documents', '--require-version=1.4'],
      'hello',
      []
    )
    expect(argv.slice(6, 10)).toEqual([
      '--nofilesystem=host',
      '--nofilesystem=home',
      '--share=network',
      '--filesystem=xdg-documents'
    ])
    expect(argv).not.toContain('--require-version=1.4')
  })

  it('the Platform smoke run is flatpak run of the installed app', () => {
    expect(platformSmokeArgs(target, ['-v'])).toEqual([
      'flatpak',
      'run',
      '--user',
      '--arch=x86_64',
      'org.example.Hello//stable',
      '-v'
    ])
  })

  it.each([
    [
      undefined,
      ['flatpak', 'build-bundle', '--arch=x86_64', '/w/repo', '/out/h.flatpak', 'org.example.Hello', 'stable']
    ],
    [
      flathub.url,
      [
        'flatpak',
        'build-bundle',
        '--arch=x86_64',
        `--runtime-repo=${flathub.url}`,
        '/w/repo',
        '/out/h.flatpak',
        'org.example.Hello',
        'stable'
      ]
    ]
  ])('bundleArgs(runtimeRepo=%s)', (repo, argv) =>
    expect(bundleArgs(target, '/out/h.flatpak', repo)).toEqual(argv)
  )

  it('installFromRepoArgs adds the exported repo without GPG and installs from it, never asking', () => {
    expect(installFromRepoArgs(target)).toEqual([
      [
        'Adding the exported repository',
        ['flatpak', 'remote-add', '--user', '--no-gpg-verify', 'fpa-exported', 'file:///w/repo']
      ],
      [
        'Installing the app',
        [
          'flatpak',
          'install',
          '--user',
          '--noninteractive',
          '--assumeyes',
          '--arch=x86_64',
          'fpa-exported',
          'org.example.Hello//stable'
        ]
      ]
    ])
  })
})
