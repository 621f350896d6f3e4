import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { globMatches, globProblem, licenseFileProblems, licenseFiles } from '../src/pure/desktop/licenses.js'
import type { ProjectMetadata } from '../src/pure/desktop/project-metadata.js'

// A project's files as an sdist lists them: the root, a package, vendored licences, hidden files.
const MEMBERS = [
  'LICENSE',
  'LICENCE.txt',
  'COPYING.LESSER',
  'NOTICE',
  'AUTHORS.rst',
  'README.md',
  'pyproject.toml',
  'licenses/',
  'licenses/MIT.txt',
  'licenses/vendor/',
  'licenses/vendor/six/LICENSE',
  'licenses/vendor/six/NOTICE.md',
  'licenses/.hidden/LICENSE',
  'licenses/.LICENSE.swp',
  'src/tally/__init__.py',
  'src/tally/LICENSE',
  'docs/LICENSE-docs.md',
  'Licence',
  'license.md'
]

const metadata = (over: Partial<ProjectMetadata> = {}): ProjectMetadata => ({
  urls: {},
  authors: [],
  ...over
})
const pep639 = (...patterns: string[]) =>
  metadata({ licenseFiles: { patterns, declaredIn: 'pyproject.toml' } })

describe('licenseFiles', () => {
  it("takes setuptools' defaults at the root when the project names no licence files", () => {
    expect(licenseFiles(metadata(), MEMBERS)).toEqual([
      'AUTHORS.rst',
      'COPYING.LESSER',
      'LICENCE.txt',
      'LICENSE',
      'NOTICE'
    ])
  })

  it('takes the PEP 639 license-files globs instead, and no defaults', () => {
    expect(licenseFiles(pep639('licenses/**/*'), MEMBERS)).toEqual([
      'licenses/MIT.txt',
      'licenses/vendor/six/LICENSE',
      'licenses/vendor/six/NOTICE.md'
    ])
    expect(licenseFiles(pep639('LICENSE', 'licenses/*.txt', '**/LICENSE'), MEMBERS)).toEqual([
      'LICENSE',
      'licenses/MIT.txt',
      'licenses/vendor/six/LICENSE',
      'src/tally/LICENSE'
    ])
    // An empty list is a project that says it has none.
    expect(licenseFiles(pep639(), MEMBERS)).toEqual([])
  })

  it("takes setup.cfg's license_files, and the file of license = {file = ...} besides", () => {
    const cfg = metadata({
      licenseFiles: { patterns: ['COPYING*', 'docs/LICENSE-*'], declaredIn: 'setup.cfg' },
      license: { kind: 'file', path: './license.md', declaredIn: 'pyproject.toml' }
    })
    expect(licenseFiles(cfg, MEMBERS)).toEqual(['COPYING.LESSER', 'docs/LICENSE-docs.md', 'license.md'])
  })

  it('leaves out invalid PEP 639 patterns, directories and duplicates, and reads ./ paths', () => {
    expect(
      licenseFiles(pep639('../LICENSE', 'licenses', 'LICENSE', 'LICEN?E'), [
        './LICENSE',
        'licenses/',
        'licenses/x'
      ])
    ).toEqual(['LICENSE'])
  })
})

describe('licenseFileProblems', () => {
  it('says which PEP 639 patterns are invalid or match nothing, and which licence file is not there', () => {
    const project = metadata({
      licenseFiles: {
        patterns: ['LICENSE', 'LICENSE.md', 'licenses\\*.txt', '[!a]*'],
        declaredIn: 'pyproject.toml'
      },
      license: { kind: 'file', path: 'COPYING.txt', declaredIn: 'pyproject.toml' }
    })
    expect(licenseFileProblems(project, MEMBERS)).toEqual([
      "pyproject.toml: the license-files pattern 'LICENSE.md' matches no file of the project: correct it, or add the file.",
      "pyproject.toml: the license-files pattern 'licenses\\*.txt' is not a valid glob (it has a backslash: paths are separated by /); see https://packaging.python.org/en/latest/specifications/glob-patterns/.",
      "pyproject.toml: the license-files pattern '[!a]*' is not a valid glob (a [...] range holds more than letters, digits, space and _ - .); see https://packaging.python.org/en/latest/specifications/glob-patterns/.",
      'pyproject.toml: the licence file COPYING.txt is not in the project: correct license = {file = ...}, or add the file.'
    ])
  })

  it("names setup.cfg's key, and finds nothing wrong with defaults that match nothing", () => {
    expect(
      licenseFileProblems(
        metadata({ licenseFiles: { patterns: ['LICENSE.txt'], declaredIn: 'setup.cfg' } }),
        MEMBERS
      )
    ).toEqual([
      "setup.cfg: the license_files pattern 'LICENSE.txt' matches no file of the project: correct it, or add the file."
    ])
    expect(licenseFileProblems(metadata(), ['README.md'])).toEqual([])
  })
})

describe('globProblem', () => {
  it.each([
    'LICEN[CS]E*',
    'AUTHORS*',
    'licenses/LICENSE.MIT',
    'licenses/LICENSE.CC0',
    'LICENSE.txt',
    'licenses/*',
    'licenses/**/*.txt',
    'LICENSE [a-z0-9_.-]',
    'Lizenz-Ü.txt'
  ])('%s is valid', pattern => expect(globProblem(pattern)).toBeUndefined())

  // The invalid examples of the PyPA glob spec, and more.
  it.each([
    ['..\\LICENSE.MIT', 'it has a backslash: paths are separated by /'],
    ['LICEN{CSE*', "it has '{'"],
    ['../LICENSE', 'it has a .. part: patterns stay inside the project'],
    ['/LICENSE', 'it starts with /: patterns are relative to the project'],
    ['LICENSE***', 'it has more than two * in a row'],
    ['LICEN[!C]SE', 'a [...] range holds more than letters, digits, space and _ - .'],
    ['', 'it is empty']
  ])('%j: %s', (pattern, problem) => expect(globProblem(pattern)).toBe(problem))
})

describe('globMatches', () => {
  it.each([
    ['LICEN[CS]E*', 'LICENSE', true],
    ['LICEN[CS]E*', 'LICENCE.txt', true],
    ['LICEN[CS]E*', 'LICENZE', false],
    ['LICEN[CS]E*', 'licenses/LICENSE', false],
    ['LICEN[CS]E*', 'license', false],
    ['*', 'LICENSE', true],
    ['*', 'licenses/MIT.txt', false],
    ['*', '.LICENSE', false],
    ['.*', '.LICENSE', true],
    ['?ICENSE', 'LICENSE', true],
    ['?ICENSE', 'ICENSE', false],
    ['[a-c]', 'b', true],
    ['[a-c]', '-', false],
    ['[-a]', '-', true],
    ['licenses/**', 'licenses/vendor/six/LICENSE', true],
    ['licenses/**/LICENSE', 'licenses/LICENSE', true],
    ['licenses/**/LICENSE', 'licenses/.hidden/LICENSE', false],
    ['**/LICENSE', 'LICENSE', true],
    ['**/LICENSE', 'a/b/c/LICENSE', true],
    ['a**b', 'axxb', true],
    ['a**b', 'ax/xb', false],
    ['LICENSE.txt', 'LICENSEXtxt', false]
  ])('%s %s → %s', (pattern, path, matches) => expect(globMatches(pattern, path)).toBe(matches))

  // The reference: Python's glob.glob(pattern, recursive=True), which PEP 639's reference
  // implementation and setuptools use, on the same files on disk.
  const root = mkdtempSync(join(tmpdir(), 'glob-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const files = MEMBERS.filter(m => !m.endsWith('/'))
  for (const file of files) {
    mkdirSync(join(root, dirname(file)), { recursive: true })
    writeFileSync(join(root, file), '')
  }
  it.each([
    'LICEN[CS]E*',
    'COPYING*',
    '*',
    '*.md',
    '.*',
    '?ICENSE',
    '**',
    '**/*',
    '**/LICENSE',
    'licenses/**',
    'licenses/**/*',
    'licenses/*/six/*',
    'licenses/.*',
    'licenses/.hidden/*',
    '[LN]*',
    'L[a-z]cence',
    'src/**/LICEN[CS]E*'
  ])('matches the files Python 3 glob finds for %s', pattern => {
    const python = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import glob, os, sys; print("\\n".join(sorted(p for p in glob.glob(sys.argv[1], root_dir=sys.argv[2], recursive=True) if os.path.isfile(os.path.join(sys.argv[2], p)))))',
        pattern,
        root
      ],
      { encoding: 'utf8' }
    )
    if (python.error)
      throw new Error(`python3 could not run (${python.error.message}): apt-get install python3`)
    expect(python.status, python.stderr).toBe(0)
    const expected = python.stdout.split('\n').filter(Boolean)
    expect(files.filter(f => globMatches(pattern, f)).sort()).toEqual(expected)
  })
})
