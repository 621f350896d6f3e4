import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LINTER_DOCS, lintFindings, parseLintOutput, type LintOutput } from '../src/pure/desktop/lint.js'

const LINT = join(__dirname, 'fixtures/lint')
const read = (file: string) => parseLintOutput(readFileSync(join(LINT, file), 'utf8'))

const NO_METAINFO = [
  'appstream-metainfo-missing',
  'appstream-missing-appinfo-file',
  'finish-args-not-defined'
]

// Every recorded output (see fixtures/lint/README.md): the errors it must give, beyond the
// network-only check, which every one of them has and which is a warning in all of them (they
// were recorded offline).
const RECORDED: Record<string, string[]> = {
  'both-apps-repo.json': NO_METAINFO,
  'counterfactual-builddir-cf1-console.json': ['finish-args-not-defined'],
  'counterfactual-builddir-cf2-console-perm.json': [],
  'counterfactual-builddir-cf3-desktop-bare.json': [
    'appstream-launchable-file-missing',
    'desktop-file-not-installed',
    'no-exportable-icon-installed'
  ],
  'counterfactual-builddir-cf4-desktop-full.json': [],
  'counterfactual-manifest-build-network-flathub-pipeline.json': [
    'module-python3-requirements-build-network-access',
    'module-tally-build-network-access'
  ],
  'counterfactual-repo-cf2-console-perm.json': [],
  'counterfactual-repo-cf4-desktop-full.json': ['appstream-screenshots-not-mirrored-in-ostree'],
  'hello-builddir.json': NO_METAINFO,
  'hello-manifest.json': [],
  'tally-builddir.json': NO_METAINFO,
  'tally-manifest.json': [],
  'tally-repo.json': NO_METAINFO
}

describe('the recorded outputs of flatpak-builder-lint', () => {
  it('are all in the table below', () => {
    expect(
      readdirSync(LINT)
        .filter(f => f.endsWith('.json') && !f.startsWith('.'))
        .sort()
    ).toEqual(Object.keys(RECORDED).sort())
  })

  it.each(Object.entries(RECORDED))(
    '%s: its checks, their levels, and what to do about each',
    (file, errors) => {
      const findings = lintFindings(read(file))
      expect(findings.map(f => [f.id, f.level])).toEqual([
        ...[...errors].sort().map(id => [id, 'error']),
        ['appid-url-not-reachable', 'warning']
      ])
      for (const finding of findings) {
        // Each one explained by the catalogue, not by the entry for checks it does not know.
        expect(finding.explanation).not.toMatch(/does not explain yet/)
        expect(finding.explanation.length).toBeGreaterThan(20)
        expect(finding.fix.length).toBeGreaterThan(10)
        expect(finding.title).not.toBe(finding.id)
        expect(finding.docs.startsWith(`${LINTER_DOCS}#`)).toBe(true)
      }
      const offline = findings.find(f => f.id === 'appid-url-not-reachable')!
      expect(offline.details.length).toBeGreaterThan(0)
      expect(offline.details.every(d => d.startsWith('Tried https://'))).toBe(true)
      expect(offline.explanation).toMatch(/request itself failed/)
    }
  )

  it('keeps what the linter said with each check: both apps of a repository', () => {
    const findings = lintFindings(read('both-apps-repo.json'))
    expect(findings.find(f => f.id === 'appstream-metainfo-missing')!.details).toEqual([
      'No metainfo file for org.acme.Tally was found in $FLATPAK_DEST/share/metainfo or $FLATPAK_DEST/share/appdata',
      'No metainfo file for org.flatpak.Hello was found in $FLATPAK_DEST/share/metainfo or $FLATPAK_DEST/share/appdata'
    ])
    expect(
      findings.find(f => f.id === 'appid-url-not-reachable')!.details.map(d => d.split(' |')[0])
    ).toEqual(['Tried https://acme.org', 'Tried https://flatpak.org'])
  })

  it('says what to set in terms of the action: finish-args, metainfo, build-network', () => {
    const byId = (file: string) => new Map(lintFindings(read(file)).map(f => [f.id, f]))
    const builddir = byId('tally-builddir.json')
    expect(builddir.get('finish-args-not-defined')!.fix).toMatch(/^Set finish-args to /)
    expect(builddir.get('appstream-metainfo-missing')!.fix).toMatch(
      /^Give your own file as metainfo, or let the action write one/
    )
    const network = byId('counterfactual-manifest-build-network-flathub-pipeline.json')
    expect(network.get('module-tally-build-network-access')).toMatchObject({
      title: 'The module tally reaches the network while it builds',
      docs: `${LINTER_DOCS}#module-module_name-build-network-access`
    })
    expect(network.get('module-python3-requirements-build-network-access')!.fix).toMatch(
      /^Leave build-network off \(false\)/
    )
    const bare = byId('counterfactual-builddir-cf3-desktop-bare.json')
    expect(bare.get('desktop-file-not-installed')!.fix).toMatch(/desktop-file/)
    expect(bare.get('no-exportable-icon-installed')!.fix).toMatch(/^Give icon, /)
  })
})

describe('the network-only check', () => {
  const output = (...info: string[]): LintOutput => ({
    ...parseLintOutput(''),
    errors: ['appid-url-not-reachable'],
    info: info.map(text => ({ id: 'appid-url-not-reachable', text }))
  })
  const level = (...info: string[]) => lintFindings(output(...info))[0].level

  it.each([
    'Tried https://acme.org | Request exception: ConnectionError | Message: HTTPSConnectionPool(host=...): Max retries exceeded (Caused by NameResolutionError(...))',
    'Tried https://acme.org | Request exception: ConnectTimeout | Message: timed out',
    'Tried https://acme.org | Request exception: ReadTimeout | Message: Read timed out. (read timeout=60)'
  ])('is a warning when the request itself failed: %s', info => {
    expect(level(info)).toBe('warning')
  })

  it.each([
    ['the server answered', ['Tried https://acme.org | Status: 404 | Body: <html>Not Found</html>']],
    [
      'the certificate was refused',
      ['Tried https://acme.org | Request exception: SSLError | Message: certificate verify failed']
    ],
    [
      'one of two addresses answered with an error',
      [
        'Tried https://acme.org | Request exception: ConnectionError | Message: ...',
        'Tried https://flatpak.org | Status: 503 | Body: '
      ]
    ],
    ['the linter said nothing about it', []]
  ])('is an error when %s', (_, info) => {
    const finding = lintFindings(output(...info))[0]
    expect(finding.level).toBe('error')
    expect(finding.title).toBe("The app-id's domain or repository does not answer")
  })
})

describe('parseLintOutput', () => {
  it('reads a clean run, which prints nothing', () => {
    expect(parseLintOutput('')).toEqual({
      errors: [],
      warnings: [],
      info: [],
      appstream: [],
      desktopfile: [],
      jsonschema: []
    })
    expect(lintFindings(parseLintOutput('\n'))).toEqual([])
  })

  it('reads every key the linter prints', () => {
    const output = parseLintOutput(
      JSON.stringify({
        errors: ['appstream-failed-validation', 'jsonschema-validation-error'],
        warnings: ['appstream-summary-too-long', 'finish-args-deprecated-shm'],
        info: ['appstream-summary-too-long: Summary is 52 characters', 'a line without an id'],
        appstream: ['E: org.acme.Tally:5: tag-invalid'],
        desktopfile: ['org.acme.Tally.desktop: error: key "Exec" ...'],
        jsonschema: ["'modules' is a required property"],
        message: 'See https://docs.flathub.org/linter for details and exceptions'
      })
    )
    expect(output.info).toEqual([
      { id: 'appstream-summary-too-long', text: 'Summary is 52 characters' },
      { id: '', text: 'a line without an id' }
    ])
    expect(output.message).toBe('See https://docs.flathub.org/linter for details and exceptions')
    const findings = lintFindings(output)
    expect(findings.map(f => [f.id, f.level, f.details])).toEqual([
      ['appstream-failed-validation', 'error', ['E: org.acme.Tally:5: tag-invalid']],
      ['jsonschema-validation-error', 'error', ["'modules' is a required property"]],
      ['appstream-summary-too-long', 'warning', ['Summary is 52 characters']],
      ['finish-args-deprecated-shm', 'warning', []]
    ])
  })

  it.each(['Traceback (most recent call last):\n  File "cli.py"', '["errors"]', 'null'])(
    'says when what it got is not the report: %j',
    text =>
      expect(() => parseLintOutput(text)).toThrow(
        /^flatpak-builder-lint did not print its JSON report; it printed: /
      )
  )
})

describe('the catalogue', () => {
  const finding = (id: string, level: 'errors' | 'warnings' = 'errors') =>
    lintFindings({ ...parseLintOutput(''), [level]: [id] })[0]

  it('gives a check it does not know a generic entry that links the docs', () => {
    expect(finding('some-future-check')).toEqual({
      id: 'some-future-check',
      level: 'error',
      title: 'some-future-check',
      explanation:
        'flatpak-builder-lint reported some-future-check, a check this version of the action does not explain yet.',
      fix: `See ${LINTER_DOCS}#some-future-check.`,
      details: [],
      docs: `${LINTER_DOCS}#some-future-check`
    })
  })

  // The checks of the linter's docs page (2026), the ones with a name or path in them as the linter
  // writes them for a module "tally", a socket "x11", a path.
  it.each([
    'appid-code-hosting-too-few-components',
    'appid-component-wrong-syntax',
    'appid-ends-with-lowercase-desktop',
    'appid-filename-mismatch',
    'appid-length-more-than-255-chars',
    'appid-less-than-3-components',
    'appid-not-defined',
    'appid-too-many-components-for-app',
    'appid-unprefixed-bundled-extension-org.acme.Tally.Plugin',
    'appid-url-check-internal-error',
    'appid-uses-code-hosting-domain',
    'appstream-external-screenshot-url',
    'appstream-failed-validation',
    'appstream-icon-key-no-type',
    'appstream-id-mismatch-flatpak-id',
    'appstream-latest-release-is-prerelease',
    'appstream-launchable-file-missing',
    'appstream-missing-appinfo',
    'appstream-missing-categories',
    'appstream-missing-developer-name',
    'appstream-missing-icon-file',
    'appstream-missing-icon-key',
    'appstream-missing-project-license',
    'appstream-missing-screenshots',
    'appstream-multiple-components',
    'appstream-no-flathub-manifest-key',
    'appstream-release-tag-missing-timestamp',
    'appstream-remote-icon-not-mirrored',
    'appstream-screenshots-files-not-found-in-ostree',
    'appstream-unsupported-component-type',
    'desktop-file-exec-has-flatpak-run',
    'desktop-file-exec-key-absent',
    'desktop-file-failed-validation',
    'desktop-file-icon-key-absent',
    'desktop-file-icon-key-empty',
    'desktop-file-icon-key-wrong-value',
    'desktop-file-icon-not-installed',
    'desktop-file-is-hidden',
    'desktop-file-is-nodisplay',
    'desktop-file-low-quality-category',
    'desktop-file-terminal-key-not-true',
    'elf-arch-multiple-found',
    'elf-arch-not-found',
    'external-gitmodule-url-found',
    'finish-args-absolute-home-path',
    'finish-args-absolute-run-media-path',
    'finish-args-arbitrary-autostart-access',
    'finish-args-arbitrary-dbus-access',
    'finish-args-arbitrary-xdg-config-rw-access',
    'finish-args-autostart-filesystem-access',
    'finish-args-contains-both-x11-and-fallback',
    'finish-args-contains-both-x11-and-wayland',
    'finish-args-fallback-x11-without-wayland',
    'finish-args-flatpak-spawn-access',
    'finish-args-freedesktop-dbus-system-talk-name',
    'finish-args-freedesktop-dbus-talk-name',
    'finish-args-has-nodevice-dri',
    'finish-args-has-nosocket-x11',
    'finish-args-has-unshare-network',
    'finish-args-home-filesystem-access',
    'finish-args-host-filesystem-access',
    'finish-args-host-ro-filesystem-access',
    'finish-args-incorrect-dbus-gvfs',
    'finish-args-insufficient-required-flatpak',
    'finish-args-metadata-key',
    'finish-args-no-required-flatpak',
    'finish-args-only-wayland',
    'finish-args-own-name-org.example.Other',
    'finish-args-portal-impl-secret-talk-name',
    'finish-args-portal-talk-name',
    'finish-args-reserved-run/host',
    'finish-args-system-own-name-wildcard-org.foo',
    'finish-args-unnecessary-appid-own-name',
    'finish-args-unnecessary-appid-talk-name',
    'finish-args-unnecessary-xdg-data-subdir-mode-access',
    'finish-args-uses-no-talk-name',
    'finish-args-wildcard-gnome-own-name',
    'finish-args-wildcard-kde-system-talk-name',
    'finish-args-x11-without-ipc',
    'flat-manager-branch-repo-mismatch',
    'flathub-json-excluded-all-arches',
    'flatpak-repo-too-large',
    'jsonschema-schema-error',
    'manifest-directory-too-large',
    'manifest-file-is-symlink',
    'manifest-invalid-json',
    'manifest-invalid-yaml',
    'manifest-json-warnings',
    'manifest-toplevel-build-network-access',
    'manifest-unknown-properties',
    'metainfo-launchable-tag-wrong-value',
    'metainfo-missing-component-tag',
    'metainfo-missing-component-type',
    'metainfo-missing-launchable-tag',
    'metainfo-missing-screenshots',
    'metainfo-svg-screenshots',
    'module-tally-autotools-non-release-build',
    'module-tally-checker-tracks-commits',
    'module-tally-cleanup-debug',
    'module-tally-multiple-git-sources-stacked',
    'module-tally-source-dest-filename-is-path',
    'module-tally-source-dir-not-allowed',
    'module-tally-source-git-branch',
    'module-tally-source-git-no-tag-commit-branch',
    'module-tally-source-git-no-url',
    'module-tally-source-git-url-not-http',
    'module-tally-source-md5-deprecated',
    'no-exportable-icon-installed',
    'non-png-icon-in-hicolor-size-folder',
    'non-svg-icon-in-scalable-folder',
    'runtime-is-eol-org.freedesktop.Platform-22.08',
    'toplevel-cleanup-debug',
    'toplevel-command-is-path',
    'toplevel-no-command',
    'toplevel-no-modules',
    'toplevel-unnecessary-branch'
  ])('explains %s', id => {
    const f = finding(id)
    expect(f.explanation).not.toMatch(/does not explain yet/)
    expect(f.fix).not.toBe('')
  })

  it.each([
    'appstream-name-too-long',
    'appstream-screenshot-missing-caption',
    'appstream-summary-too-long',
    'desktop-file-exec-key-empty',
    'finish-args-deprecated-shm',
    'finish-args-redundant-device-all',
    'module-tally-buildsystem-is-plain-cmake',
    'module-tally-source-git-no-commit-with-tag',
    'module-tally-source-sha1-deprecated',
    'runtime-update-available-to-org.gnome.Platform-49',
    'stale-exceptions-found'
  ])('explains the warning %s, and keeps it a warning', id => {
    const f = finding(id, 'warnings')
    expect(f.level).toBe('warning')
    expect(f.explanation).not.toMatch(/does not explain yet/)
  })

  it('puts the name the linter wrote into the title', () => {
    expect(finding('runtime-is-eol-org.freedesktop.Platform-22.08').title).toBe(
      'The runtime org.freedesktop.Platform-22.08 is end-of-life'
    )
    expect(finding('finish-args-has-nosocket-x11').title).toBe('finish-args has --nosocket=x11')
    expect(finding('finish-args-reserved-run/host').title).toBe(
      'finish-args asks for /run/host, which Flatpak reserves'
    )
    expect(finding('finish-args-host-ro-filesystem-access').title).toBe(
      'The app can read the whole host filesystem'
    )
    expect(finding('finish-args-home-filesystem-access').title).toBe(
      'The app can read and write the whole home filesystem'
    )
  })
})
