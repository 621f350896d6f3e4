import { describe, expect, it } from 'vitest'
import { normalizedUrlLabel, projectMetadata } from '../src/pure/desktop/project-metadata.js'

const TALLY = `
[project]
name = "tally"
version = "1.4.0"
description = "Count things and keep a tally"
readme = "README.md"
license = "MIT"
license-files = ["LICEN[CS]E*", "licenses/**/*.txt"]
authors = [{ name = "Ada Lovelace", email = "ada@acme.org" }, { name = "Charles Babbage" }]

[project.urls]
Homepage = "https://acme.org/tally"
"Bug Tracker" = "https://github.com/acme/tally/issues"
Repository = "https://github.com/acme/tally"
Documentation = "https://tally.readthedocs.io"
Changelog = "https://github.com/acme/tally/blob/main/CHANGES.md"
Donate = "https://acme.org/donate"
Chat = "https://matrix.to/#/#tally:acme.org"
`

describe('projectMetadata', () => {
  it('reads everything a PEP 621 / PEP 639 pyproject.toml says', () => {
    expect(projectMetadata({ pyproject: TALLY })).toEqual({
      name: 'tally',
      summary: 'Count things and keep a tally',
      readme: 'README.md',
      license: { kind: 'spdx', expression: 'MIT', declaredIn: 'pyproject.toml' },
      licenseFiles: { patterns: ['LICEN[CS]E*', 'licenses/**/*.txt'], declaredIn: 'pyproject.toml' },
      urls: {
        homepage: 'https://acme.org/tally',
        issues: 'https://github.com/acme/tally/issues',
        source: 'https://github.com/acme/tally',
        documentation: 'https://tally.readthedocs.io',
        changelog: 'https://github.com/acme/tally/blob/main/CHANGES.md',
        donate: 'https://acme.org/donate'
      },
      authors: [{ name: 'Ada Lovelace', email: 'ada@acme.org' }, { name: 'Charles Babbage' }],
      version: '1.4.0'
    })
  })

  it.each([
    [
      'license = { text = "BSD-3-Clause" }',
      { kind: 'text', text: 'BSD-3-Clause', declaredIn: 'pyproject.toml' }
    ],
    ['license = { file = "COPYING" }', { kind: 'file', path: 'COPYING', declaredIn: 'pyproject.toml' }],
    [
      'license = "GPL-3.0-or-later OR MIT"',
      { kind: 'spdx', expression: 'GPL-3.0-or-later OR MIT', declaredIn: 'pyproject.toml' }
    ],
    ['license = ""', undefined]
  ])('reads the licence form %s', (line, license) => {
    expect(projectMetadata({ pyproject: `[project]\nname = "a"\n${line}\n` }).license).toEqual(license)
  })

  it('reads the readme of the table form, and knows a dynamic version is not written down', () => {
    const metadata = projectMetadata({
      pyproject:
        '[project]\nname = "a"\nversion = "9"\ndynamic = ["version"]\nreadme = { file = "README.rst", content-type = "text/x-rst" }\n'
    })
    expect(metadata.readme).toBe('README.rst')
    expect(metadata.version).toBeUndefined()
  })

  it('reads setup.cfg: metadata, project_urls, license_files and the file: directives', () => {
    const setupCfg = [
      '[metadata]',
      'name = cfgapp',
      'version = attr: cfgapp.__version__',
      'description = A setup.cfg',
      '  application',
      'long_description = file: README.md, CHANGES.md',
      'author = Grace Hopper',
      'author_email = grace@navy.mil',
      'url = https://cfgapp.example.org',
      'license = MIT',
      'license_files =',
      '    LICENSE',
      '    NOTICE, AUTHORS.rst',
      'project_urls =',
      '    Source Code = https://git.example.org/cfgapp',
      '    Tracker = https://git.example.org/cfgapp/issues',
      '',
      '[options]',
      'name = not-this-one'
    ].join('\n')
    expect(projectMetadata({ setupCfg })).toEqual({
      name: 'cfgapp',
      // A continued value is one line in a summary.
      summary: 'A setup.cfg application',
      readme: 'README.md',
      license: { kind: 'text', text: 'MIT', declaredIn: 'setup.cfg' },
      licenseFiles: { patterns: ['LICENSE', 'NOTICE', 'AUTHORS.rst'], declaredIn: 'setup.cfg' },
      urls: {
        homepage: 'https://cfgapp.example.org',
        source: 'https://git.example.org/cfgapp',
        issues: 'https://git.example.org/cfgapp/issues'
      },
      authors: [{ name: 'Grace Hopper', email: 'grace@navy.mil' }],
      version: undefined
    })
  })

  it('reads the literal keywords of setup.py, and not the ones whose names only end the same', () => {
    const setupPy = `from setuptools import setup
setup(
    name='pyapp',
    version="0.3",
    long_description=open('README.md').read(),
    description='Made with setup.py',
    download_url='https://example.org/dl',
    url='https://pyapp.example.org',
    author='Alan Turing',
    license='GPL-3.0-or-later',
    license_files=['COPYING', 'licenses/*'],
    project_urls={'Bug Reports': 'https://example.org/bugs', "Source": "https://example.org/src"},
)`
    expect(projectMetadata({ setupPy })).toEqual({
      name: 'pyapp',
      summary: 'Made with setup.py',
      readme: undefined,
      license: { kind: 'text', text: 'GPL-3.0-or-later', declaredIn: 'setup.py' },
      licenseFiles: { patterns: ['COPYING', 'licenses/*'], declaredIn: 'setup.py' },
      urls: {
        issues: 'https://example.org/bugs',
        source: 'https://example.org/src',
        homepage: 'https://pyapp.example.org'
      },
      authors: [{ name: 'Alan Turing' }],
      version: '0.3'
    })
  })

  it('prefers pyproject.toml, then setup.cfg, then setup.py, field by field', () => {
    const metadata = projectMetadata({
      pyproject: '[project]\nname = "from-toml"\ndynamic = ["description"]\n',
      setupCfg: '[metadata]\nname = from-cfg\ndescription = from cfg\n',
      setupPy: "setup(name='from-py', description='from py', license='MIT')"
    })
    expect(metadata).toMatchObject({ name: 'from-toml', summary: 'from cfg' })
    expect(metadata.license).toEqual({ kind: 'text', text: 'MIT', declaredIn: 'setup.py' })
  })

  it('tolerates projects that say almost nothing, and fields of the wrong type', () => {
    expect(projectMetadata({ pyproject: '[build-system]\nrequires = ["setuptools"]\n' })).toEqual({
      name: undefined,
      summary: undefined,
      readme: undefined,
      license: undefined,
      licenseFiles: undefined,
      urls: {},
      authors: [],
      version: undefined
    })
    const odd = projectMetadata({
      pyproject:
        '[project]\nname = 3\nauthors = ["not a table", { email = "only@mail.org" }]\nurls = { Homepage = 7, Source = "not a url" }\nlicense-files = []\n'
    })
    expect(odd).toMatchObject({ name: undefined, urls: {}, authors: [{ email: 'only@mail.org' }] })
    // An empty list is a project that says it has no licence files: no defaults apply.
    expect(odd.licenseFiles).toEqual({ patterns: [], declaredIn: 'pyproject.toml' })
  })

  it('says what is wrong with a broken pyproject.toml', () => {
    expect(() => projectMetadata({ pyproject: '[project\nname=' })).toThrow(
      /pyproject\.toml is not valid TOML/
    )
  })
})

describe('normalizedUrlLabel', () => {
  // The examples of https://packaging.python.org/en/latest/specifications/well-known-project-urls/
  it.each([
    ['Homepage', 'homepage'],
    ['Home-page', 'homepage'],
    ['Home page', 'homepage'],
    ['Change_Log', 'changelog'],
    ["What's New?", 'whatsnew'],
    ['github', 'github']
  ])('%s → %s', (label, normalized) => expect(normalizedUrlLabel(label)).toBe(normalized))
})
