import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { Input } from '../pure/constants.js'
import { InputErrors, type InputError, type Inputs } from '../pure/inputs.js'
import {
  chooseEntrypoint,
  describeProject,
  pythonVersionErrors,
  type App,
  type Entrypoint,
  type Project,
  type ProjectFiles
} from '../pure/project.js'
import { vcsRequirements } from '../pure/requirements.js'

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

/** Reads the app's project and requirements; everything wrong with them is reported like a bad input. */
export async function inspectApp(inputs: Inputs): Promise<App> {
  const fail = (input: string, message: string): never => {
    throw new InputErrors([{ input, message }])
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
  if (inputs.python.kind === 'cpython')
    errors.push(...pythonVersionErrors(project, inputs.python.release.version))
  const entrypoint = chooseEntrypoint(project, inputs.entrypoint)
  if (typeof entrypoint === 'string') errors.push({ input: Input.Entrypoint, message: entrypoint })
  let requirements: string | undefined
  if (inputs.requirements) {
    requirements = await fs.readFile(inputs.requirements, 'utf8').catch(() => undefined)
    if (requirements === undefined) {
      errors.push({
        input: Input.Requirements,
        message: `requirements '${inputs.requirements}' is not a readable file: give the path of a requirements file, relative to the workspace.`
      })
    }
    for (const line of vcsRequirements(requirements ?? '')) {
      errors.push({
        input: Input.Requirements,
        message: `requirements line '${line}' is a VCS checkout, which has no file hash to pin: publish it to an index, or require a release archive.`
      })
    }
  }
  if (errors.length > 0) throw new InputErrors(errors)
  const chosen = entrypoint as Entrypoint
  core.info(`Project ${project.name ?? '(unnamed)'} in ${inputs.appPath}`)
  core.info(
    chosen.kind === 'module'
      ? `Entrypoint: python3 -m ${chosen.module}`
      : `Entrypoint: console script ${chosen.script}`
  )
  return { project, files, entrypoint: chosen, requirements }
}
