import { describe, expect, it } from 'vitest'
import {
  chooseEntrypoint,
  declaredReferenceProblems,
  describeProject,
  pythonRangeProblem
} from '../src/pure/project.js'

describe('describeProject', () => {
  it('reads name, scripts and requires-python from pyproject.toml', () => {
    const project = describeProject({
      pyproject:
        '[project]\nname = "hello"\nrequires-python = ">=3.11"\n[project.scripts]\nhello-cli = "hello.cli:main"\n',
      mainModules: ['hello']
    })
    expect(project).toEqual({
      name: 'hello',
      scripts: ['hello-cli'],
      requiresPython: '>=3.11',
      mainModules: ['hello'],
      declared: { name: 'hello' },
      staticDependencies: true
    })
  })

  it('reads setup.cfg and the literal forms of setup.py', () => {
    expect(
      describeProject({
        setupCfg:
          '[metadata]\nname = cfgapp\n\n[options]\npython_requires = >=3.9\n\n[options.entry_points]\nconsole_scripts =\n    cfg-app = cfgapp.main:run\n    other = cfgapp:x\n',
        mainModules: []
      })
    ).toEqual({
      name: 'cfgapp',
      scripts: ['cfg-app', 'other'],
      requiresPython: '>=3.9',
      mainModules: [],
      declared: { name: 'cfgapp' },
      // setup.cfg alone: setuptools reads it, and may read more.
      staticDependencies: false
    })
    expect(
      describeProject({
        setupPy:
          "from setuptools import setup, find_packages\nsetup(name='hello', python_requires='>=3.12', packages=find_packages(), install_requires=['requests'],\n  entry_points={'console_scripts': ['hello = hello.__main__:main']})\n",
        mainModules: ['hello']
      })
    ).toEqual({
      name: 'hello',
      scripts: ['hello'],
      requiresPython: '>=3.12',
      mainModules: ['hello'],
      declared: { name: 'hello', file: 'setup.py', dependencies: ['requests'] },
      staticDependencies: false
    })
  })

  it.each([
    ['[project]\nname = "a"\ndependencies = ["x"]\n', undefined, true],
    ['[project]\nname = "a"\ndynamic = ["dependencies"]\n', undefined, false],
    ['[project]\nname = "a"\ndynamic = ["optional-dependencies", "version"]\n', undefined, false],
    ['[project]\nname = "a"\ndynamic = ["version"]\n', undefined, true],
    ['[build-system]\nrequires = ["setuptools"]\n', 'from setuptools import setup\nsetup()\n', false]
  ])('knows whether the dependencies are static: %j with setup.py %j', (pyproject, setupPy, expected) => {
    expect(describeProject({ pyproject, setupPy, mainModules: [] }).staticDependencies).toBe(expected)
  })

  it('says what is wrong with a broken pyproject.toml', () => {
    expect(() => describeProject({ pyproject: '[project\nname=', mainModules: [] })).toThrow(
      /pyproject\.toml is not valid TOML/
    )
  })
})

describe('chooseEntrypoint', () => {
  const project = (scripts: string[], mainModules: string[]) => ({ scripts, mainModules })
  it.each([
    [project([], ['hello']), undefined, { kind: 'module', module: 'hello' }],
    [project(['hello-cli'], ['hello']), undefined, { kind: 'script', script: 'hello-cli' }],
    [project(['a', 'b'], []), 'b', { kind: 'script', script: 'b' }],
    [project([], []), 'hello.cli', { kind: 'module', module: 'hello.cli' }]
  ])('%o with %s', (p, requested, expected) => expect(chooseEntrypoint(p, requested)).toEqual(expected))

  it.each([
    [project(['a', 'b'], []), undefined, /several entry points \(console script a, console script b\)/],
    [project([], []), undefined, /no console script and no package with a __main__\.py/],
    [project([], []), 'not-a-module!', /not a console script of the project \(it declares none\)/]
  ])('explains when there is no single choice', (p, requested, message) => {
    expect(chooseEntrypoint(p, requested)).toMatch(message)
  })
})

describe('pythonRangeProblem', () => {
  it.each([
    [undefined, '3.11.2', undefined],
    ['>=3.9', '3.11.2', undefined],
    ['>=3.9,<3.12', '3.11.2', undefined],
    ['>=3.12', '3.11.2', "Python 3.11.2 is outside the project's requires-python '>=3.12'"],
    ['~=3.12.0', '3.13.1', "Python 3.13.1 is outside the project's requires-python '~=3.12.0'"],
    ['>= three', '3.11.2', "the project's requires-python '>= three' is not a valid version specifier"]
  ])('requires-python %j with %s', (range, version, problem) => {
    const found = pythonRangeProblem({ requiresPython: range }, version)
    if (problem === undefined) expect(found).toBeUndefined()
    else expect(found).toContain(problem)
  })
})

describe('declared dependencies that can never be pinned', () => {
  it.each([
    ['[project]\nname = "a"\ndependencies = ["b @ https://example.org/b-1.tar.gz"]\n', undefined, undefined],
    [
      '[project]\nname = "a"\n[project.optional-dependencies]\ngui = ["c @ git+https://example.org/c.git"]\n',
      undefined,
      undefined
    ],
    [undefined, '[options]\ninstall_requires =\n    d>=1\n    e @ file:///srv/e-1.whl\n', undefined],
    [
      undefined,
      undefined,
      "from setuptools import setup\nsetup(name='a', install_requires=['f @ https://example.org/f.zip'])\n"
    ]
  ])('are refused before any work: %j %j %j', (pyproject, setupCfg, setupPy) => {
    const { declared } = describeProject({ pyproject, setupCfg, setupPy, mainModules: [] })
    const problems = declaredReferenceProblems(declared)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(
      /^(pyproject\.toml|setup\.cfg|setup\.py) declares '.* @ .*', a direct reference with no file from an index to pin/
    )
  })

  it('lets requirements by name and version through, markers and extras included', () => {
    const { declared } = describeProject({
      pyproject: '[project]\nname = "a"\ndependencies = ["b>=1; python_version < \'3.12\'", "c[x]==2"]\n',
      mainModules: []
    })
    expect(declared.dependencies).toHaveLength(2)
    expect(declaredReferenceProblems(declared)).toEqual([])
  })
})
