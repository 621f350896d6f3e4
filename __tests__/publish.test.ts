import { describe, expect, it } from 'vitest'
import { bundleArgs } from '../src/pure/commands.js'
import {
  checksumFile,
  commitFromArgs,
  flatpakrefFile,
  flatpakrepoFile,
  isTagName,
  pagesUrl,
  publishedRefs,
  releaseTag,
  secretKeyFingerprint,
  suggestedRemoteName,
  updateRepoArgs
} from '../src/pure/publish.js'

const target = {
  appId: 'org.example.Hello',
  arch: 'x86_64',
  branch: 'stable',
  manifest: '/t/m.json',
  buildDir: '/t/build',
  repo: '/t/repo'
}
const signer = { home: '/tmp/gnupg', fingerprint: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' }

describe('releaseTag', () => {
  it.each([
    [{ kind: 'ref' } as const, 'refs/tags/v1.2.0', { tag: 'v1.2.0' }],
    [
      { kind: 'ref' } as const,
      'refs/heads/main',
      { skip: 'the workflow runs for refs/heads/main, not a tag' }
    ],
    [{ kind: 'ref' } as const, undefined, { skip: 'the workflow runs for no ref, not a tag' }],
    [{ kind: 'tag', tag: 'nightly' } as const, 'refs/heads/main', { tag: 'nightly' }],
    [{ kind: 'off' } as const, 'refs/tags/v1', { skip: 'release is false' }]
  ])('%o on %s', (choice, ref, expected) => {
    expect(releaseTag(choice, ref)).toEqual(expected)
  })

  it.each(['v1.2.0', 'release/2026-12', 'v1+build'])('takes the tag %s', tag => {
    expect(isTagName(tag)).toBe(true)
  })
  it.each(['', 'a..b', '.hidden', 'x/', 'a b', 'x.lock', '-x', 'a//b', 'a;rm'])('refuses the tag %j', tag => {
    expect(isTagName(tag)).toBe(false)
  })
})

describe('publishing files', () => {
  it('writes the checksum as sha256sum --check reads it', () => {
    expect(checksumFile('ab'.repeat(32), '/w/out/org.example.Hello.flatpak')).toBe(
      `${'ab'.repeat(32)}  org.example.Hello.flatpak\n`
    )
  })

  it('finds GitHub Pages addresses, the user site included', () => {
    expect(pagesUrl('Owner/app')).toBe('https://owner.github.io/app/')
    expect(pagesUrl('owner/owner.github.io')).toBe('https://owner.github.io/')
  })

  it('publishes the .Debug extension only when asked', () => {
    expect(publishedRefs(target, false)).toEqual(['app/org.example.Hello/x86_64/stable'])
    expect(publishedRefs(target, true)).toEqual([
      'app/org.example.Hello/x86_64/stable',
      'runtime/org.example.Hello.Debug/x86_64/stable'
    ])
  })

  it("reads the key's fingerprint from gpg's colon listing", () => {
    const colons = [
      'sec:u:3072:1:0123456789ABCDEF:1700000000:::u:::scESC:::+:::23::0:',
      'fpr:::::::::ABCDEF0123456789ABCDEF0123456789ABCDEF01:',
      'grp:::::::::1111111111111111111111111111111111111111:',
      'uid:u::::1700000000::HASH::Example <e@example.org>::::::::::0:',
      'ssb:u:3072:1:FEDCBA9876543210:1700000000::::::e:::+:::23:',
      'fpr:::::::::FEDCBA9876543210FEDCBA9876543210FEDCBA98:',
      'grp:::::::::2222222222222222222222222222222222222222:'
    ].join('\n')
    expect(secretKeyFingerprint(colons)).toBe('ABCDEF0123456789ABCDEF0123456789ABCDEF01')
    expect(secretKeyFingerprint('')).toBeUndefined()
  })

  it('signs commits, summary and deltas with the key in its own GNUPGHOME', () => {
    expect(commitFromArgs('/t/repo', '/site/repo', publishedRefs(target, false), signer)).toEqual([
      'flatpak',
      'build-commit-from',
      '--src-repo=/t/repo',
      `--gpg-sign=${signer.fingerprint}`,
      '--gpg-homedir=/tmp/gnupg',
      '/site/repo',
      'app/org.example.Hello/x86_64/stable'
    ])
    expect(updateRepoArgs('/site/repo', 'org.example.Hello', 'stable', signer)).toEqual([
      'flatpak',
      'build-update-repo',
      '--generate-static-deltas',
      '--prune',
      '--prune-depth=2',
      `--gpg-sign=${signer.fingerprint}`,
      '--gpg-homedir=/tmp/gnupg',
      '--title=org.example.Hello',
      '--default-branch=stable',
      '/site/repo'
    ])
    expect(
      bundleArgs(target, '/w/a.flatpak', undefined, {
        repo: '/site/repo',
        publicKey: '/t/key.gpg',
        repoUrl: 'https://o.github.io/a/repo/'
      })
    ).toEqual([
      'flatpak',
      'build-bundle',
      '--arch=x86_64',
      '--gpg-keys=/t/key.gpg',
      '--repo-url=https://o.github.io/a/repo/',
      '/site/repo',
      '/w/a.flatpak',
      'org.example.Hello',
      'stable'
    ])
  })

  it('writes the .flatpakrepo and .flatpakref flatpak reads', () => {
    const files = {
      appId: 'org.example.Hello',
      branch: 'stable',
      repoUrl: 'https://o.github.io/a/repo/',
      gpgKey: 'mQENBF==',
      runtimeRepo: 'https://dl.flathub.org/repo/flathub.flatpakrepo',
      remoteName: suggestedRemoteName('org.example.Hello')
    }
    expect(flatpakrepoFile(files)).toBe(
      '[Flatpak Repo]\nTitle=org.example.Hello\nUrl=https://o.github.io/a/repo/\nDefaultBranch=stable\nGPGKey=mQENBF==\n'
    )
    expect(flatpakrefFile(files)).toBe(
      [
        '[Flatpak Ref]',
        'Name=org.example.Hello',
        'Branch=stable',
        'Title=org.example.Hello',
        'Url=https://o.github.io/a/repo/',
        'RuntimeRepo=https://dl.flathub.org/repo/flathub.flatpakrepo',
        'IsRuntime=false',
        'SuggestRemoteName=org-example-hello',
        'GPGKey=mQENBF==',
        ''
      ].join('\n')
    )
  })
})
