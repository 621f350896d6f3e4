import { describe, expect, it } from 'vitest'
import {
  aliasStageArgs,
  cacheBranch,
  cacheRepo,
  listRefsArgs,
  mountsUnder,
  pythonManifestPath,
  stateDir,
  workDirOf
} from '../src/pure/state.js'

const manifest = '/w/org.example.Hello.json'

describe('flatpak-builder state', () => {
  it("lives in the action's own directory next to the manifest, with refs named after the manifest's file name", () => {
    expect(workDirOf(manifest)).toBe('/w/.flatpak-python-action/org.example.Hello')
    expect(stateDir(manifest)).toBe('/w/.flatpak-python-action/org.example.Hello/.flatpak-builder')
    expect(cacheRepo(manifest)).toBe('/w/.flatpak-python-action/org.example.Hello/.flatpak-builder/cache')
    expect(cacheBranch('x86_64', manifest)).toBe('x86_64-org.example.Hello.json')
    expect(pythonManifestPath(manifest)).toBe(
      '/w/.flatpak-python-action/org.example.Hello/org.example.Hello.python.json'
    )
  })

  it('lists the refs of one manifest', () => {
    expect(listRefsArgs('/w/.flatpak-builder/cache', 'x86_64-org.example.Hello.python.json')).toEqual([
      'ostree',
      'refs',
      '--repo=/w/.flatpak-builder/cache',
      '--list',
      'x86_64-org.example.Hello.python.json'
    ])
  })

  it("points the full manifest's stages at the Python-only build's commits", () => {
    const from = 'x86_64-org.example.Hello.python.json'
    expect(
      aliasStageArgs(
        '/c',
        [`${from}/init`, `${from}/build-python3`, 'x86_64-other.json/init'],
        from,
        'x86_64-org.example.Hello.json'
      )
    ).toEqual([
      [
        'ostree',
        'refs',
        '--repo=/c',
        '--force',
        '--create=x86_64-org.example.Hello.json/init',
        `${from}/init`
      ],
      [
        'ostree',
        'refs',
        '--repo=/c',
        '--force',
        '--create=x86_64-org.example.Hello.json/build-python3',
        `${from}/build-python3`
      ]
    ])
  })
})

describe('mountsUnder', () => {
  it('finds the mount points below a directory, unescaping what the kernel escapes', () => {
    const mounts = [
      'proc /proc proc rw 0 0',
      'rofiles-fuse /w/.flatpak-builder/rofiles/rofiles-4zZdev fuse.rofiles-fuse rw 0 0',
      'rofiles-fuse /w/my\\040state/.flatpak-builder/rofiles/rofiles-x fuse.rofiles-fuse rw 0 0',
      'rofiles-fuse /w/.flatpak-builder/rofiles-other fuse.rofiles-fuse rw 0 0'
    ].join('\n')
    expect(mountsUnder(mounts, '/w/.flatpak-builder/rofiles')).toEqual([
      '/w/.flatpak-builder/rofiles/rofiles-4zZdev'
    ])
    expect(mountsUnder(mounts, '/w/my state/.flatpak-builder/rofiles')).toEqual([
      '/w/my state/.flatpak-builder/rofiles/rofiles-x'
    ])
  })
})
