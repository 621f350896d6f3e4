import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { Input } from '../pure/constants.js'
import { desktopFileProblems, generateDesktopFile, readDesktopFile } from '../pure/desktop/desktop-file.js'
import { iconFacts, iconInstallPath, iconProblems } from '../pure/desktop/icon.js'
import { licenseFileProblems, licenseFiles } from '../pure/desktop/licenses.js'
import { generateMetainfo, metainfoProblems, readMetainfo } from '../pure/desktop/metainfo.js'
import { projectMetadata } from '../pure/desktop/project-metadata.js'
import { InputErrors, type InputError } from '../pure/inputs.js'
import { isPlainPath, type FileInstall } from '../pure/manifest.js'
import type { Plan } from '../pure/plan.js'
import type { DesktopFiles } from '../pure/report.js'
import { inert } from '../pure/text.js'
import { run } from './exec.js'

/** A validator's verdict on a file: its output when it refuses it. */
async function validate(argv: [string, ...string[]]): Promise<string | undefined> {
  const result = await run(argv, { silent: true })
  return result.exitCode === 0 ? undefined : result.lines.map(l => `    ${l.text}`).join('\n')
}

/** A file of the project, by its path within it, for the app module to install from the project. */
function projectInstall(
  plan: Plan,
  input: string,
  file: string,
  to: string,
  errors: InputError[]
): FileInstall {
  const inProject = path.relative(plan.inputs.appPath, file)
  if (!isPlainPath(inProject)) {
    errors.push({
      input,
      message: `${input} '${inProject}' has characters a build command cannot take as they are: use letters, digits, '.', '_', '+', '-' and '/'.`
    })
  }
  return { from: { project: inProject }, to }
}

/**
 * The app's MetaInfo file, desktop file, icon and licence files: the user's, checked with the real
 * validators before any build, or written from the project's metadata (outputs the user can commit).
 * `members` are the files of the app's archive, among which the licence files are found.
 */
export async function prepareDesktopFiles(plan: Plan, members: string[]): Promise<DesktopFiles> {
  const { inputs, app } = plan
  const { appId, command, desktop } = inputs
  const metadata = projectMetadata(app.files)
  const errors: InputError[] = []
  const installs: FileInstall[] = []
  const written: DesktopFiles['written'] = {}

  if (desktop.metainfo) {
    const refused = await validate(['appstreamcli', 'validate', '--no-net', '--explain', desktop.metainfo])
    if (refused)
      errors.push({
        input: Input.Metainfo,
        message: `metainfo: appstreamcli validate refuses it:\n${refused}`
      })
    try {
      const facts = readMetainfo(await fs.readFile(desktop.metainfo, 'utf8'))
      for (const message of metainfoProblems(facts, { appId, desktopFile: desktop.gui, command })) {
        errors.push({ input: Input.Metainfo, message })
      }
    } catch (error) {
      errors.push({ input: Input.Metainfo, message: (error as Error).message })
    }
    installs.push(
      projectInstall(plan, Input.Metainfo, desktop.metainfo, `share/metainfo/${appId}.metainfo.xml`, errors)
    )
  } else {
    const { xml, missing } = generateMetainfo({
      appId,
      kind: desktop.gui ? 'desktop-application' : 'console-application',
      command,
      metadata
    })
    written.metainfo = path.join(plan.workDir, `${appId}.metainfo.xml`)
    await fs.writeFile(written.metainfo, xml)
    const refused = await validate(['appstreamcli', 'validate', '--no-net', '--explain', written.metainfo])
    if (refused)
      throw new Error(
        `The MetaInfo file the action wrote does not validate (a bug of the action):\n${refused}`
      )
    installs.push({
      from: { inline: xml, name: `${appId}.metainfo.xml` },
      to: `share/metainfo/${appId}.metainfo.xml`
    })
    core.warning(
      `The project gives no MetaInfo file: the action wrote ${written.metainfo} from its metadata. Flathub still needs what the project does not say: ${missing.join('; ')}. Add them, commit the file and set metainfo to it.`,
      { title: `Input ${Input.Metainfo}` }
    )
  }

  if (desktop.desktopFile) {
    const refused = await validate(['desktop-file-validate', desktop.desktopFile])
    if (refused)
      errors.push({
        input: Input.DesktopFile,
        message: `desktop-file: desktop-file-validate refuses it:\n${refused}`
      })
    const entry = readDesktopFile(await fs.readFile(desktop.desktopFile, 'utf8'))
    for (const message of desktopFileProblems(entry, { appId, command })) {
      errors.push({ input: Input.DesktopFile, message })
    }
    installs.push(
      projectInstall(
        plan,
        Input.DesktopFile,
        desktop.desktopFile,
        `share/applications/${appId}.desktop`,
        errors
      )
    )
  } else if (desktop.gui) {
    const text = generateDesktopFile({
      appId,
      name: metadata.name ?? appId.split('.').at(-1)!,
      summary: metadata.summary,
      command
    })
    written.desktopFile = path.join(plan.workDir, `${appId}.desktop`)
    await fs.writeFile(written.desktopFile, text)
    const refused = await validate(['desktop-file-validate', written.desktopFile])
    if (refused)
      throw new Error(
        `The desktop file the action wrote does not validate (a bug of the action):\n${refused}`
      )
    installs.push({
      from: { inline: text, name: `${appId}.desktop` },
      to: `share/applications/${appId}.desktop`
    })
    core.info(`The project gives no desktop file: the action wrote ${written.desktopFile}.`)
  }

  if (desktop.icon) {
    const facts = iconFacts(await fs.readFile(desktop.icon), desktop.icon)
    const { errors: refused, warnings } = iconProblems(facts)
    errors.push(...refused.map(message => ({ input: Input.Icon, message })))
    for (const warning of warnings) core.warning(warning, { title: `Input ${Input.Icon}` })
    if (refused.length === 0) {
      installs.push(projectInstall(plan, Input.Icon, desktop.icon, iconInstallPath(appId, facts), errors))
    }
  } else if (desktop.gui) {
    // The AppStream catalogue is composed with the app's icon: without one the build's finish fails.
    errors.push({
      input: Input.Icon,
      message: `icon is needed for an app with a window: give an SVG, or a square PNG of at least 256×256, in the project.`
    })
  }

  const licenses = licenseFiles(metadata, members)
  for (const problem of licenseFileProblems(metadata, members)) core.warning(inert(problem))
  if (licenses.length === 0) {
    core.warning(
      'The project has no licence file (LICENSE, COPYING, or license-files in pyproject.toml): Flathub wants it installed with the app.'
    )
  }
  for (const file of licenses) {
    if (!isPlainPath(file)) {
      core.warning(
        `Not installing the licence file ${inert(file)}: its name has characters a build command cannot take.`
      )
      continue
    }
    installs.push({ from: { project: file }, to: `share/licenses/${appId}/${path.basename(file)}` })
  }

  if (errors.length > 0) throw new InputErrors(errors)
  return { installs, written }
}
