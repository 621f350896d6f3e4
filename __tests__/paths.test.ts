import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { realPathOf } from '../src/effects/paths.js'
import { commonDirectory, pathProblems, type RealPaths } from '../src/pure/paths.js'

const ok: RealPaths = {
  workspace: '/home/runner/work/app/app',
  tempDir: '/home/runner/work/_temp',
  home: '/home/runner',
  appPath: '/home/runner/work/app/app',
  requirements: '/home/runner/work/app/app/requirements.txt',
  bundlePath: '/home/runner/work/app/app/org.example.App.flatpak',
  manifestPath: '/home/runner/work/_temp/flatpak-python/org.example.App.json',
  buildDir: '/home/runner/work/_temp/flatpak-python/.flatpak-python-action/org.example.App/build-dir',
  workDir: '/home/runner/work/_temp/flatpak-python/.flatpak-python-action/org.example.App',
  projectFiles: { metainfo: '/home/runner/work/app/app/data/org.example.App.metainfo.xml' }
}

describe('where path inputs may point', () => {
  it('takes the defaults and paths in the workspace or the temp dir', () => {
    expect(pathProblems(ok, 'missing')).toEqual([])
    expect(
      pathProblems({ ...ok, manifestPath: `${ok.workspace}/flatpak/org.example.App.json` }, 'empty')
    ).toEqual([])
    expect(pathProblems(ok, 'flatpak-build-dir')).toEqual([])
  })

  it.each<[string, Partial<RealPaths>, string, RegExp]>([
    ['app-path outside', { appPath: '/etc' }, 'app-path', /app-path '\/etc' is outside the workspace/],
    ['app-path through ..', { appPath: '/home/runner/work/app' }, 'app-path', /outside the workspace/],
    [
      'requirements through a symlink',
      { requirements: '/root/.ssh/id_rsa' },
      'requirements',
      /outside the workspace/
    ],
    [
      'bundle in the temp dir',
      { bundlePath: '/home/runner/work/_temp/a.flatpak' },
      'bundle',
      /outside the workspace/
    ],
    [
      'manifest-path elsewhere',
      { manifestPath: '/tmp/m.json' },
      'manifest-path',
      /outside the workspace .* and the runner's temp dir/
    ],
    ['build-dir elsewhere', { buildDir: '/var/build' }, 'build-dir', /outside the workspace/],
    [
      'build-dir the workspace',
      { buildDir: '/home/runner/work/app/app' },
      'build-dir',
      /is or contains the workspace/
    ],
    ['build-dir above it', { buildDir: '/home/runner/work' }, 'build-dir', /is or contains the workspace/],
    [
      'build-dir the temp dir',
      { buildDir: '/home/runner/work/_temp' },
      'build-dir',
      /is or contains the runner's temp dir/
    ],
    ['build-dir the home', { buildDir: '/home/runner' }, 'build-dir', /is or contains the workspace/],
    ['build-dir /', { buildDir: '/' }, 'build-dir', /is or contains the workspace/],
    [
      "build-dir the manifest's directory",
      { buildDir: '/home/runner/work/_temp/flatpak-python' },
      'build-dir',
      /is or contains the manifest's directory/
    ],
    [
      'a metainfo file outside app-path',
      { projectFiles: { metainfo: '/home/runner/work/app/other/x.metainfo.xml' } },
      'metainfo',
      /metainfo '.*x\.metainfo\.xml' is outside app-path/
    ],
    [
      'build-dir an app source directory',
      { appPath: '/home/runner/work/app/app/src/app', buildDir: '/home/runner/work/app/app/src' },
      'build-dir',
      /is or contains app-path/
    ]
  ])('refuses %s', (_, over, input, message) => {
    const errors = pathProblems({ ...ok, ...over }, 'missing')
    expect(errors.filter(e => e.input === input).map(e => e.message)).toContainEqual(
      expect.stringMatching(message)
    )
  })

  it('refuses a build-dir that holds files other than a flatpak build', () => {
    expect(pathProblems(ok, 'other')).toEqual([
      {
        input: 'build-dir',
        message: expect.stringContaining('a directory with files that are not a flatpak build')
      }
    ])
  })

  it('commonDirectory is the deepest directory holding them all', () => {
    expect(commonDirectory(['/w/req/a.txt', '/w/req/b/c.txt', '/w/common.txt'])).toBe('/w')
    expect(commonDirectory(['/w/req/a.txt'])).toBe('/w/req')
  })
})

describe('realPathOf', () => {
  it('follows symlinks as far as the path exists, also one whose target does not exist yet', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'real-path-'))
    fs.mkdirSync(path.join(dir, 'workspace'))
    fs.symlinkSync(path.join(dir, 'outside', 'stolen.flatpak'), path.join(dir, 'workspace', 'app.flatpak'))
    fs.symlinkSync(path.join(dir, 'outside'), path.join(dir, 'workspace', 'link'))
    expect(await realPathOf(path.join(dir, 'workspace', 'app.flatpak'))).toBe(
      path.join(dir, 'outside', 'stolen.flatpak')
    )
    expect(await realPathOf(path.join(dir, 'workspace', 'link', 'a', 'b.txt'))).toBe(
      path.join(dir, 'outside', 'a', 'b.txt')
    )
    expect(await realPathOf(path.join(dir, 'workspace', 'new', 'c.txt'))).toBe(
      path.join(dir, 'workspace', 'new', 'c.txt')
    )
  })
})
