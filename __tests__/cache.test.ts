import { describe, expect, it } from 'vitest'
import { mountsUnder } from '../src/cache.js'

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
