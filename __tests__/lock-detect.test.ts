import { describe, expect, it } from 'vitest'
import { detectLockFormat } from '../src/pure/lock/detect.js'
import { fixture } from './fixtures/locks/targets.js'

describe('detectLockFormat', () => {
  it.each([
    ['uv.lock', 'uv.lock'],
    ['app/uv.lock', 'uv.lock'],
    ['pylock.toml', 'pylock'],
    ['pylock.flatpak.toml', 'pylock'],
    ['sub\\pylock.dev.toml', 'pylock'],
    ['requirements.txt', 'requirements'],
    ['requirements/base.in', 'requirements'],
    // The spec's name rule: one optional name part, lower case prefix and suffix.
    ['pylock.a.b.toml', undefined],
    ['Pylock.toml', undefined],
    ['pyproject.toml', undefined],
    ['poetry.lock', undefined]
  ])('by name: %s → %s', (path, format) => expect(detectLockFormat(path)).toBe(format))

  it.each([
    ['pylock.toml', 'pylock'],
    ['uv.lock', 'uv.lock'],
    ['requirements-uv-export.txt', 'requirements'],
    ['requirements-pip-compile.txt', 'requirements'],
    ['requirements-dev.txt', 'requirements']
  ])('by content: the %s fixture under another name → %s', (name, format) =>
    expect(detectLockFormat('locked', fixture(name))).toBe(format)
  )

  it.each([
    ['[tool.poetry]\nname = "x"\n', undefined],
    ['[metadata]\nlock-version = "2.0"\n', undefined],
    ['--index-url=https://pypi.org/simple\nrequests\n', 'requirements'],
    ['', 'requirements']
  ])('by content: %j → %s', (text, format) => expect(detectLockFormat('deps', text)).toBe(format))

  it('trusts the name over the content', () =>
    expect(detectLockFormat('uv.lock', 'requests\n')).toBe('uv.lock'))
})
