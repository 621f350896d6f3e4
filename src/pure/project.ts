import { satisfies, validRange } from '@renovatebot/pep440'
import { parse as parseToml } from 'smol-toml'
import { Input } from './constants.js'
import type { InputError } from './inputs.js'
import type { DeclaredDependencies } from './lock/declared.js'
import { parseRequirement, RequirementError } from './lock/requirement.js'
import type { RequirementsLock } from './requirements-lock.js'

/** The files of a Python project that tell its name, scripts and Python range. */
export interface ProjectFiles {
  pyproject?: string
  setupCfg?: string
  setupPy?: string
  /** Packages that have a __main__.py (runnable with python3 -m), in the root or under src/. */
  mainModules: string[]
}

export interface Project {
  name?: string
  /** Console scripts the project installs into bin/. */
  scripts: string[]
  requiresPython?: string
  mainModules: string[]
  /** The dependencies it declares (PEP 621, setup.cfg, or the literal lists of setup.py), and where. */
  declared: DeclaredDependencies & { file?: string }
  /**
   * The dependencies are in pyproject.toml itself. When a setup.py or a `dynamic` entry computes
   * them, any file of the project can change them.
   */
  staticDependencies: boolean
}

/** How the launcher starts the app. */
export type Entrypoint = { kind: 'module'; module: string } | { kind: 'script'; script: string }

type Table = Record<string, unknown>

function table(value: unknown): Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Table) : {}
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** `console_scripts = \n  a = m:f` from setup.cfg's [options.entry_points]. */
function setupCfgScripts(setupCfg: string): string[] {
  const section = /^\[options\.entry_points\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(setupCfg)?.[1] ?? ''
  const block = /^(?:console|gui)_scripts\s*=([^\n]*\n(?:[ \t]+[^\n]*\n?)*)/m.exec(section)?.[1] ?? ''
  return [...block.matchAll(/^\s*([A-Za-z0-9_.+-]+)\s*=/gm)].map(m => m[1])
}

/** setup.py is code; these read the literal forms nearly every project uses. */
function setupPyScripts(setupPy: string): string[] {
  const block = /(?:console|gui)_scripts['"]\s*:\s*\[([^\]]*)\]/.exec(setupPy)?.[1] ?? ''
  return [...block.matchAll(/['"]\s*([A-Za-z0-9_.+-]+)\s*=/g)].map(m => m[1])
}

function iniSection(ini: string, section: string): string {
  return (
    new RegExp(`^\\[${section.replace('.', '\\.')}\\]\\s*$([\\s\\S]*?)(?=^\\[|(?![\\s\\S]))`, 'm').exec(
      ini
    )?.[1] ?? ''
  )
}

function iniValue(ini: string, section: string, key: string): string | undefined {
  return new RegExp(`^${key}\\s*=\\s*(.+)$`, 'm').exec(iniSection(ini, section))?.[1].trim()
}

/** What the project declares; throws with a readable message when pyproject.toml is not valid TOML. */
export function describeProject(files: ProjectFiles): Project {
  let pyproject: Table = {}
  if (files.pyproject !== undefined) {
    try {
      pyproject = parseToml(files.pyproject)
    } catch (e) {
      throw new Error(`pyproject.toml is not valid TOML: ${(e as Error).message.split('\n')[0]}`, {
        cause: e
      })
    }
  }
  const project = table(pyproject.project)
  const scripts = [
    ...Object.keys(table(project.scripts)),
    // A desktop app's launcher is a gui script: installed in bin/ all the same.
    ...Object.keys(table(project['gui-scripts'])),
    ...(files.setupCfg ? setupCfgScripts(files.setupCfg) : []),
    ...(files.setupPy ? setupPyScripts(files.setupPy) : [])
  ]
  const requiresPython =
    str(project['requires-python']) ??
    (files.setupCfg ? iniValue(files.setupCfg, 'options', 'python_requires') : undefined) ??
    (files.setupPy ? /python_requires\s*=\s*['"]([^'"]+)['"]/.exec(files.setupPy)?.[1] : undefined)
  const name =
    str(project.name) ??
    (files.setupCfg ? iniValue(files.setupCfg, 'metadata', 'name') : undefined) ??
    (files.setupPy ? /\bname\s*=\s*['"]([^'"]+)['"]/.exec(files.setupPy)?.[1] : undefined)
  const dynamic = Array.isArray(project.dynamic) ? project.dynamic : []
  const staticDependencies =
    files.setupPy === undefined &&
    files.pyproject !== undefined &&
    !dynamic.includes('dependencies') &&
    !dynamic.includes('optional-dependencies')
  return {
    name,
    scripts: [...new Set(scripts)],
    requiresPython,
    mainModules: files.mainModules,
    declared: declaredDependencies(project, files, name),
    staticDependencies
  }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/** setup.cfg's `install_requires =`, one requirement per (indented) line. */
function setupCfgList(setupCfg: string, section: string, key: string): string[] {
  const value =
    new RegExp(`^${key}\\s*=([^\\n]*\\n(?:[ \\t]+[^\\n]*\\n?)*)`, 'm').exec(
      iniSection(setupCfg, section)
    )?.[1] ?? ''
  return value
    .split('\n')
    .map(line => line.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
}

/** setup.py is code; this reads the literal `install_requires=[...]` nearly every project writes. */
function setupPyList(setupPy: string): string[] {
  const block = /install_requires\s*=\s*\[([^\]]*)\]/.exec(setupPy)?.[1] ?? ''
  return [...block.matchAll(/['"]([^'"]+)['"]/g)].map(m => m[1])
}

function declaredDependencies(
  project: Table,
  files: ProjectFiles,
  name: string | undefined
): DeclaredDependencies & { file?: string } {
  if (
    Array.isArray(project.dependencies) ||
    Object.keys(table(project['optional-dependencies'])).length > 0
  ) {
    return {
      name,
      file: 'pyproject.toml',
      dependencies: strings(project.dependencies),
      'optional-dependencies': Object.fromEntries(
        Object.entries(table(project['optional-dependencies'])).map(([extra, list]) => [extra, strings(list)])
      )
    }
  }
  if (files.setupCfg && /^install_requires\s*=/m.test(files.setupCfg)) {
    return {
      name,
      file: 'setup.cfg',
      dependencies: setupCfgList(files.setupCfg, 'options', 'install_requires')
    }
  }
  if (files.setupPy && /install_requires\s*=/.test(files.setupPy)) {
    return { name, file: 'setup.py', dependencies: setupPyList(files.setupPy) }
  }
  return { name }
}

/**
 * Declared dependencies that can never be pinned: direct references (`name @ https://…`,
 * `name @ git+https://…`, `name @ file:///…`), which pip would fetch as they are, with no file
 * from an index to hash.
 */
export function declaredReferenceProblems(declared: Project['declared']): string[] {
  const all = [
    ...(declared.dependencies ?? []),
    ...Object.values(declared['optional-dependencies'] ?? {}).flat()
  ]
  const problems: string[] = []
  for (const text of all) {
    try {
      const requirement = parseRequirement(text)
      if (requirement.url) {
        problems.push(
          `${declared.file} declares '${text}', a direct reference with no file from an index to pin: publish ${requirement.name} to an index and require it by name and version.`
        )
      }
    } catch (error) {
      if (!(error instanceof RequirementError)) throw error
      problems.push(`${declared.file} declares '${text}', which pip cannot read: ${error.message}`)
    }
  }
  return problems
}

/**
 * The entrypoint named by the input, or the one the project makes obvious: its only console script,
 * else its only package with a __main__.py. Returns an error message when there is no single choice.
 */
export function chooseEntrypoint(
  project: Pick<Project, 'scripts' | 'mainModules'>,
  requested: string | undefined
): Entrypoint | string {
  if (requested !== undefined) {
    if (project.scripts.includes(requested)) return { kind: 'script', script: requested }
    if (/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(requested)) {
      return { kind: 'module', module: requested }
    }
    return `entrypoint '${requested}' is not a console script of the project (${project.scripts.join(', ') || 'it declares none'}) nor a Python module name.`
  }
  if (project.scripts.length === 1) return { kind: 'script', script: project.scripts[0] }
  if (project.mainModules.length === 1) return { kind: 'module', module: project.mainModules[0] }
  const found = [
    ...project.scripts.map(s => `console script ${s}`),
    ...project.mainModules.map(m => `module ${m}`)
  ]
  return found.length > 0
    ? `the project has several entry points (${found.join(', ')}): set entrypoint to one of them.`
    : 'the project has no console script and no package with a __main__.py: set entrypoint to the module to run with python3 -m.'
}

/**
 * Why the project's requires-python rules out a Python version, or undefined when it allows it (or
 * declares no range).
 */
export function pythonRangeProblem(
  project: Pick<Project, 'requiresPython'>,
  version: string
): string | undefined {
  const range = project.requiresPython
  if (range === undefined) return undefined
  if (!validRange(range)) return `the project's requires-python '${range}' is not a valid version specifier.`
  return satisfies(version, range)
    ? undefined
    : `Python ${version} is outside the project's requires-python '${range}': pick a python-version in that range, or change requires-python.`
}

/** The one form of a Python outside requires-python: an error of the python-version input. */
export function pythonVersionErrors(project: Pick<Project, 'requiresPython'>, version: string): InputError[] {
  const problem = pythonRangeProblem(project, version)
  return problem ? [{ input: Input.PythonVersion, message: `python-version: ${problem}` }] : []
}

/** Module names must not collide with the Python modules before it. */
export function appModuleName(project: Project, command: string): string {
  const name = (project.name ?? command).toLowerCase().replace(/[^a-z0-9]+/g, '-')
  return name.startsWith('python3') ? `app-${name}` : name
}

/** A requirements file as read, by its absolute path. */
export interface RequirementsText {
  path: string
  text: string
  /** How the file that includes it includes it (-r or -c); the top file is `requirements`. */
  role: 'requirements' | 'constraints'
}

export interface App {
  project: Project
  files: ProjectFiles
  entrypoint: Entrypoint
  /** The requirements file, then every file it includes (-r, -c), when there is one. */
  requirements?: RequirementsText[]
  /** What the requirements are: resolved by pip, or a lock used as it is. */
  lock?: RequirementsLock
}
