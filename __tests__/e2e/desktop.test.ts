/**
 * A desktop app from its repository to a bundle Flathub takes: the GTK example on the GTK runtime
 * pair (which stands in for the GNOME runtime: PyGObject comes from the runtime), its window shown
 * on a display of the action's own, a screenshot of it, its files where Flathub wants them, and a
 * manifest to submit.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import {
  copyApp,
  gtkExampleInputs,
  GTK_EXAMPLE_APP,
  runAction,
  writeFiles,
  type ActionRun
} from './action.js'

const f = inject('fixtures')
const APP_ID = 'org.example.GtkHello'
const gtkInputs = (app = GTK_EXAMPLE_APP): Record<string, string> => gtkExampleInputs(f, app)
const GTK_APP = GTK_EXAMPLE_APP

// A tag build of a repository on GitHub: the manifest to submit takes its source from there.
const GITHUB = {
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'flatpak-python-action/flatpak-python-action',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/tags/v1.0.0'
}

const env = { ...process.env, FLATPAK_USER_DIR: f.flatpakUserDir }
const identify = (format: string, file: string): string =>
  execFileSync('identify', ['-format', format, file], { encoding: 'utf8' })

describe('the GTK example', () => {
  let run: ActionRun
  let files: string

  beforeAll(async () => {
    run = await runAction(f, gtkInputs(), { env: GITHUB })
    files = path.join(
      path.dirname(run.outputs['manifest-path']),
      '.flatpak-python-action',
      APP_ID,
      'build-dir',
      'files'
    )
  })

  it('builds, and shows its window in the SDK and under the Platform', () => {
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.groups['Smoke run in the SDK']).toMatch(/gtk-hello in the SDK showed window 0x[0-9a-f]+/)
    expect(run.groups['Smoke run under the Platform']).toMatch(
      /gtk-hello under org\.example\.GtkPlatform showed window/
    )
  })

  it('takes a screenshot of the window: a PNG with more than one colour', () => {
    const shot = run.outputs['screenshot-path']
    expect(fs.readFileSync(shot).subarray(1, 4).toString()).toBe('PNG')
    expect(Number(identify('%k', shot))).toBeGreaterThan(1)
    console.log(`Screenshot: ${identify('%wx%h', shot)}, ${fs.statSync(shot).size} bytes`)
    expect(run.summary).toContain(shot)
  })

  it('installs MetaInfo, desktop file, icon and licence where Flathub wants them, and they validate', () => {
    // flatpak-builder 1.2.x moves it to share/appdata at its finish step (Flathub reads both).
    const metainfo = [
      path.join(files, 'share', 'metainfo', `${APP_ID}.metainfo.xml`),
      path.join(files, 'share', 'appdata', `${APP_ID}.appdata.xml`)
    ].find(file => fs.existsSync(file))!
    const desktop = path.join(files, 'share', 'applications', `${APP_ID}.desktop`)
    execFileSync('appstreamcli', ['validate', '--no-net', metainfo])
    execFileSync('desktop-file-validate', [desktop])
    expect(
      fs.existsSync(path.join(files, 'share', 'icons', 'hicolor', 'scalable', 'apps', `${APP_ID}.svg`))
    ).toBe(true)
    expect(fs.readFileSync(path.join(files, 'share', 'licenses', APP_ID, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License/
    )
    expect(run.groups['Flathub lint']).toContain(
      'MetaInfo, desktop file, icon, catalogue and finish-args are as Flathub wants them'
    )
  })

  it('composes the AppStream catalogue, which the exported repository holds', () => {
    const repo = run.outputs['repo-path']
    const refs = execFileSync('ostree', ['refs', `--repo=${repo}`], { encoding: 'utf8' }).split('\n')
    const appstream = refs.find(ref => /^appstream2?\/x86_64$/.test(ref))
    expect(appstream).toBeDefined()
    const listing = execFileSync('ostree', ['ls', '-R', `--repo=${repo}`, appstream!], { encoding: 'utf8' })
    expect(listing).toMatch(/appstream\.xml/)
    expect(listing).toMatch(new RegExp(`icons/128x128/${APP_ID.replace(/\./g, '\\.')}\\.png`))
  })

  it('writes a manifest to submit: the repository at its tag and commit, no local paths, a sha256 on every download', () => {
    const file = run.outputs['submission-manifest-path']
    expect(file).toBe(path.join(path.dirname(run.outputs['manifest-path']), 'flathub', `${APP_ID}.json`))
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { modules: Array<Record<string, unknown>> }
    const app = manifest.modules.at(-1) as { sources: Array<Record<string, unknown>> }
    expect(app.sources[0]).toEqual({
      type: 'git',
      url: 'https://github.com/flatpak-python-action/flatpak-python-action.git',
      tag: 'v1.0.0',
      commit: GITHUB.GITHUB_SHA,
      dest: 'project'
    })
    const text = fs.readFileSync(file, 'utf8')
    expect(text).not.toMatch(/"path":|"type": "dir"/)
    for (const module of manifest.modules) {
      for (const source of (module.sources as Array<Record<string, unknown>> | undefined) ?? []) {
        if (source.url && source.type !== 'git')
          expect(source.sha256, String(source.url)).toMatch(/^[0-9a-f]{64}$/)
      }
    }
    // flatpak-builder reads it as a manifest, modules included.
    const shown = execFileSync('flatpak-builder', ['--show-manifest', file], { env, encoding: 'utf8' })
    expect(JSON.parse(shown)).toMatchObject({ id: APP_ID, command: 'gtk-hello' })
  })
})

describe('the desktop files are checked before any build, naming the input', () => {
  const refused = async (
    change: Record<string, string>,
    inputs: Record<string, string> = {}
  ): Promise<ActionRun> => {
    const app = await copyApp(GTK_APP)
    await writeFiles(app, change)
    const run = await runAction(f, { ...gtkInputs(app), ...inputs })
    expect(run.code).toBe(1)
    expect(run.log).not.toContain('Building module')
    return run
  }

  it('a MetaInfo file that does not validate', async () => {
    const run = await refused({
      [`data/${APP_ID}.metainfo.xml`]: '<component type="desktop-application"><id>org.example.GtkHello</id>'
    })
    expect(run.errors.join('\n')).toMatch(/::error title=Input metainfo::metainfo: /)
  })

  it("a MetaInfo file whose id is another app's", async () => {
    const app = fs.readFileSync(path.join(GTK_APP, 'data', `${APP_ID}.metainfo.xml`), 'utf8')
    const run = await refused({
      [`data/${APP_ID}.metainfo.xml`]: app.replace(
        '<id>org.example.GtkHello</id>',
        '<id>org.example.Other</id>'
      )
    })
    expect(run.errors.join('\n')).toMatch(
      /::error title=Input metainfo::metainfo: its <id> is 'org\.example\.Other' but app-id is 'org\.example\.GtkHello'/
    )
  })

  it('a desktop file whose Exec is another program', async () => {
    const desktop = fs.readFileSync(path.join(GTK_APP, 'data', `${APP_ID}.desktop`), 'utf8')
    const run = await refused({ [`data/${APP_ID}.desktop`]: desktop.replace('Exec=gtk-hello', 'Exec=xterm') })
    expect(run.errors.join('\n')).toMatch(
      /::error title=Input desktop-file::desktop-file: Exec runs 'xterm', but the app's command is 'gtk-hello'/
    )
  })

  it('a 64×64 PNG icon', async () => {
    const app = await copyApp(GTK_APP)
    execFileSync('convert', ['-size', '64x64', 'xc:#3584e4', path.join(app, 'data', 'icon.png')])
    const run = await runAction(f, { ...gtkInputs(app), icon: path.join(app, 'data', 'icon.png') })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /::error title=Input icon::icon: the PNG is 64×64, and Flathub needs at least 128×128/
    )
    expect(run.log).not.toContain('Building module')
  })
})

describe('a smoke run with a display fails', () => {
  it('on an app that crashes at start, with its traceback', async () => {
    const app = await copyApp(GTK_APP)
    await writeFiles(app, { 'gtkhello/__main__.py': 'raise RuntimeError("crashed on purpose")\n' })
    const run = await runAction(f, gtkInputs(app))
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /gtk-hello in the SDK exited \(1\) before it showed a window\. Its last lines:[\s\S]*RuntimeError: crashed on purpose/
    )
  })

  it('on an app that never shows a window, at smoke-timeout', async () => {
    const app = await copyApp(GTK_APP)
    await writeFiles(app, { 'gtkhello/__main__.py': 'import time\ndef main():\n    time.sleep(3600)\n' })
    const started = Date.now()
    const run = await runAction(f, { ...gtkInputs(app), 'smoke-timeout': '10' })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /gtk-hello in the SDK showed no window within smoke-timeout \(10 s\)/
    )
    expect(Date.now() - started).toBeLessThan(5 * 60_000)
  })
})
