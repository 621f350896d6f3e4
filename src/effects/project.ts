import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { Input } from '../pure/constants.js'
import { InputErrors, type InputError, type Inputs } from '../pure/inputs.js'
import { parseRequirementsFile } from '../pure/lock/requirements-file.js'
import {
  isLockFile,
  lockInputErrors,
  readRequirementsLock,
  type RequirementsLock
} from '../pure/requirements-lock.js'
import { isWithin, pathProblems } from '../pure/paths.js'
import {
  chooseEntrypoint,
  declaredReferenceProblems,
  describeProject,
  pythonVersionErrors,
  type RequirementsText,
  type App,
  type Entrypoint,
  type Project,
  type ProjectFiles
} from '../pure/project.js'
import { inert } from '../pure/text.js'
import { buildDirState, realPathOf, realPaths, repositoryState } from './paths.js'
import type { Runner } from './runner.js'

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}

async function packagesWithMain(dir: string, prefix = ''): Promise<string[]> {
  let entries
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch {
    return []
  }
  const found: string[] = []
  for (const entry of entries.filter(e => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(entry.name)) continue
    const main = await readIfExists(path.join(dir, entry.name, '__main__.py'))
    if (main !== undefined) found.push(prefix + entry.name)
  }
  return found
}

/** Reads the project files of appPath; undefined when it holds neither pyproject.toml nor setup.py. */
export async function readProjectFiles(appPath: string): Promise<ProjectFiles | undefined> {
  const [pyproject, setupCfg, setupPy] = await Promise.all(
    ['pyproject.toml', 'setup.cfg', 'setup.py'].map(f => readIfExists(path.join(appPath, f)))
  )
  if (pyproject === undefined && setupPy === undefined) return undefined
  const mainModules = [
    ...(await packagesWithMain(appPath)),
    ...(await packagesWithMain(path.join(appPath, 'src')))
  ]
  return { pyproject, setupCfg, setupPy, mainModules }
}

/**
 * Reads the requirements input and, following -r and -c, every file it includes (a pylock.toml or
 * uv.lock includes nothing): each must be in the workspace. What the files are, and every line
 * that can never be pinned, is then readRequirementsLock's to say.
 */
async function readRequirements(
  top: string,
  workspace: string
): Promise<{ files: RequirementsText[]; lock?: RequirementsLock; errors: string[] }> {
  const files: RequirementsText[] = []
  const errors: string[] = []
  const relative = (file: string) => path.relative(workspace, file)
  const queue: { file: string; role: RequirementsText['role']; from?: string }[] = [
    { file: top, role: 'requirements' }
  ]
  while (queue.length > 0) {
    const { file, role, from } = queue.shift()!
    if (files.some(f => f.path === file)) continue
    const real = await realPathOf(file)
    const named = from ? `${relative(file)} (included by ${relative(from)})` : `'${file}'`
    if (!isWithin(real, await realPathOf(workspace))) {
      errors.push(
        `requirements file ${named} is outside the workspace: keep every requirements file in the repository.`
      )
      continue
    }
    const text = await fs.readFile(file, 'utf8').catch(() => undefined)
    if (text === undefined) {
      errors.push(
        from
          ? `requirements file ${named} is not a readable file.`
          : `requirements '${file}' is not a readable file: give the path of a requirements file or lock, relative to the workspace.`
      )
      continue
    }
    files.push({ path: file, text, role })
    if (isLockFile(file, text)) continue
    for (const include of parseRequirementsFile(text, relative(file)).includes)
      queue.push({ file: path.join(workspace, include.resolved), role: include.kind, from: file })
  }
  if (errors.length > 0 || files.length === 0) return { files, errors }
  const { lock, problems } = readRequirementsLock(files, relative)
  return { files, lock, errors: problems }
}

/** Reads the app's project and requirements; everything wrong with them is reported like a bad input. */
export async function inspectApp(inputs: Inputs, runner: Runner): Promise<App> {
  const fail = (input: string, message: string): never => {
    throw new InputErrors([{ input, message }])
  }
  const pathErrors = pathProblems(
    await realPaths(inputs, runner),
    await buildDirState(inputs.buildDir),
    await repositoryState(inputs)
  )
  if (pathErrors.length > 0) throw new InputErrors(pathErrors)
  const stats = await fs.stat(inputs.appPath).catch(() => undefined)
  if (stats && !stats.isDirectory()) {
    return fail(
      Input.AppPath,
      `app-path '${inputs.appPath}' is a file: point it at the directory of your Python project.`
    )
  }
  const files = await readProjectFiles(inputs.appPath)
  if (!files) {
    return fail(
      Input.AppPath,
      `app-path '${inputs.appPath}' holds neither pyproject.toml nor setup.py: point it at your Python project.`
    )
  }
  let project: Project
  try {
    project = describeProject(files)
  } catch (e) {
    return fail(Input.AppPath, `app-path '${inputs.appPath}': ${(e as Error).message}`)
  }
  const errors: InputError[] = []
  if (project.name !== undefined && project.name.trim() === '') {
    errors.push({
      input: Input.AppPath,
      message: `app-path '${inputs.appPath}': ${project.declared.file ?? (files.pyproject !== undefined ? 'pyproject.toml' : 'setup.py')} gives the project an empty name: name it.`
    })
  }
  if (inputs.python.kind === 'cpython')
    errors.push(...pythonVersionErrors(project, inputs.python.release.version))
  const entrypoint = chooseEntrypoint(project, inputs.entrypoint)
  if (typeof entrypoint === 'string') errors.push({ input: Input.Entrypoint, message: entrypoint })
  for (const message of declaredReferenceProblems(project.declared))
    errors.push({ input: Input.AppPath, message })
  let requirements: RequirementsText[] | undefined
  let lock: RequirementsLock | undefined
  if (inputs.requirements) {
    const read = await readRequirements(inputs.requirements, runner.workspace)
    requirements = read.files
    lock = read.lock
    errors.push(...read.errors.map(message => ({ input: Input.Requirements, message })))
  }
  errors.push(...lockInputErrors(inputs, lock))
  if (errors.length > 0) throw new InputErrors(errors)
  const chosen = entrypoint as Entrypoint
  core.info(`Project ${inert(project.name ?? '(unnamed)')} in ${inputs.appPath}`)
  core.info(
    chosen.kind === 'module'
      ? `Entrypoint: python3 -m ${chosen.module}`
      : `Entrypoint: console script ${chosen.script}`
  )
  return { project, files, entrypoint: chosen, requirements, lock }
}
