import * as core from '@actions/core'
import * as io from '@actions/io'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { Input } from '../pure/constants.js'
import { lintFindings, parseLintOutput, type LintFinding, type LintOutput } from '../pure/desktop/lint.js'
import { ownChecks } from '../pure/desktop/own-checks.js'
import type { Plan } from '../pure/plan.js'
import type { LintResult } from '../pure/report.js'
import { run } from './exec.js'

const BUILDER_APP = 'org.flatpak.Builder'

/**
 * Flathub's linter, where it can be had: flatpak-builder-lint on PATH (as in Flathub's linter
 * image), else org.flatpak.Builder, installed from the remote when it is not there, as Flathub's
 * documentation runs it.
 */
async function findLinter(plan: Plan): Promise<string[] | undefined> {
  if (await io.which('flatpak-builder-lint', false)) return ['flatpak-builder-lint']
  const viaBuilder = ['flatpak', 'run', '--command=flatpak-builder-lint', BUILDER_APP]
  if ((await run(['flatpak', 'info', BUILDER_APP], { silent: true })).exitCode === 0) return viaBuilder
  const installed = await run(
    ['flatpak', 'install', '--user', '--noninteractive', '--assumeyes', plan.remote.name, BUILDER_APP],
    { silent: true }
  )
  return installed.exitCode === 0 ? viaBuilder : undefined
}

async function exists(file: string): Promise<boolean> {
  return (await fs.stat(file).catch(() => undefined)) !== undefined
}

async function refused(argv: [string, ...string[]]): Promise<string[]> {
  const result = await run(argv, { silent: true })
  return result.exitCode === 0 ? [] : result.lines.map(l => l.text)
}

/** The action's own checks of the build directory: the files Flathub needs, where it wants them. */
async function checkBuiltApp(plan: Plan): Promise<LintOutput> {
  const { appId, desktop, finishArgs } = plan.inputs
  const share = path.join(plan.target.buildDir, 'files', 'share')
  // flatpak-builder 1.2.x moves it to share/appdata at its finish step; Flathub looks in both.
  const metainfoAt = [
    path.join(share, 'metainfo', `${appId}.metainfo.xml`),
    path.join(share, 'appdata', `${appId}.appdata.xml`)
  ]
  const desktopFile = path.join(share, 'applications', `${appId}.desktop`)
  const icons = path.join(share, 'icons', 'hicolor')
  const iconDirs = await fs.readdir(icons).catch(() => [])
  const icon = (
    await Promise.all(
      iconDirs.map(async size =>
        (await fs.readdir(path.join(icons, size, 'apps')).catch(() => [])).some(f =>
          f.startsWith(`${appId}.`)
        )
      )
    )
  ).some(Boolean)
  const catalogue =
    (await exists(path.join(share, 'app-info', 'xmls', `${appId}.xml.gz`))) ||
    (await exists(path.join(share, 'swcatalog', 'xml', `${appId}.xml.gz`)))
  const metainfo = (await Promise.all(metainfoAt.map(async f => ((await exists(f)) ? f : undefined)))).find(
    Boolean
  )
  const hasMetainfo = metainfo !== undefined
  const hasDesktopFile = await exists(desktopFile)
  return ownChecks({
    gui: desktop.gui,
    finishArgs,
    metainfo: hasMetainfo,
    metainfoRefused: metainfo ? await refused(['appstreamcli', 'validate', '--no-net', metainfo]) : [],
    desktopFile: hasDesktopFile,
    desktopFileRefused: hasDesktopFile ? await refused(['desktop-file-validate', desktopFile]) : [],
    icon,
    catalogue
  })
}

function annotate(finding: LintFinding, asError: boolean, source: string): void {
  const text = [
    `${finding.title}: ${finding.explanation}`,
    `Fix: ${finding.fix}`,
    ...finding.details.slice(0, 10).map(d => `  ${d}`),
    finding.docs
  ].join('\n')
  const title = `${source}: ${finding.id}`
  if (asError) core.error(text, { title })
  else core.warning(text, { title })
}

/**
 * Runs Flathub's linter on the manifest to submit and on the exported repository, when it can be
 * had, and the action's own checks of the build directory always. Each finding is an annotation
 * that says what it means and what to change; with flathub-lint: error, the linter's errors fail
 * the run (after the bundle is made).
 */
export async function lintForFlathub(plan: Plan, submissionManifest?: string): Promise<LintResult> {
  const mode = plan.inputs.flathubLint
  const own = lintFindings(await checkBuiltApp(plan))
  for (const finding of own) annotate(finding, false, 'The action checks')
  if (own.length === 0)
    core.info(
      'The action checks the build directory: MetaInfo, desktop file, icon, catalogue and finish-args are as Flathub wants them.'
    )
  if (mode === 'off') return { own: own.map(f => f.id), linter: 'off', errors: [] }
  const linter = await findLinter(plan)
  if (!linter) {
    core.notice(
      `Flathub's linter cannot be had here (no flatpak-builder-lint on PATH, and ${BUILDER_APP} is neither installed nor on the remote ${plan.remote.name}): only the action's own checks ran. Run it where Flathub's runtimes are reachable, or in ghcr.io/flathub-infra/flatpak-builder-lint.`,
      { title: `Input ${Input.FlathubLint}` }
    )
    return { own: own.map(f => f.id), linter: 'unavailable', errors: [] }
  }
  const targets: [string, string][] = [['repo', plan.target.repo]]
  if (submissionManifest) targets.unshift(['manifest', submissionManifest])
  const errors: string[] = []
  for (const [kind, target] of targets) {
    const [program, ...args] = linter
    const result = await run([program, ...args, kind, target], { silent: true })
    let findings: LintFinding[]
    try {
      findings = lintFindings(parseLintOutput(result.lines.map(l => l.text).join('\n')))
    } catch (error) {
      core.warning(`Flathub's linter (${kind} ${target}) gave no report: ${(error as Error).message}`)
      continue
    }
    for (const finding of findings) {
      annotate(finding, finding.level === 'error' && mode === 'error', `flatpak-builder-lint ${kind}`)
      if (finding.level === 'error') errors.push(`${kind}: ${finding.id}`)
    }
    core.info(
      `flatpak-builder-lint ${kind}: ${findings.length === 0 ? 'clean' : findings.map(f => `${f.id} (${f.level})`).join(', ')}`
    )
  }
  if (errors.length > 0 && mode === 'error') {
    throw new Error(
      `Flathub's linter found ${errors.length} error${errors.length > 1 ? 's' : ''} (${errors.join(', ')}): see the annotations for what each means and how to fix it, or set flathub-lint: warning.`
    )
  }
  return { own: own.map(f => f.id), linter: 'ran', errors }
}
