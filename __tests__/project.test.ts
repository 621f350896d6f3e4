import { describe, expect, it } from 'vitest'
import { chooseEntrypoint, describeProject, pythonRangeProblem } from '../src/pure/project.js'

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
