import * as core from '@actions/core'
import type { ModuleResult } from './builder-log.js'

export interface SummaryFacts {
  appId: string
  python: string
  modules: ModuleResult[]
  bundlePath: string
  bundleSize: number
  seconds: number
}

type Row = [string, string]

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

/** The job summary as rows of (what, value). */
export function summaryRows(facts: SummaryFacts): Row[] {
  return [
    ['App', facts.appId],
    ['Python', facts.python],
    ...facts.modules.map((m): Row => [
      `Module ${m.name}`,
      m.cached ? 'from cache' : `built in ${m.seconds} s`
    ]),
    ['Bundle', `${facts.bundlePath} (${megabytes(facts.bundleSize)})`],
    ['Action time', `${facts.seconds.toFixed(0)} s`]
  ]
}

/** Writes the job summary; a summary that cannot be written is only a warning. */
export async function writeSummary(facts: SummaryFacts): Promise<void> {
  try {
    await core.summary
      .addHeading(`Flatpak of ${facts.appId}`, 2)
      .addTable([
        [
          { data: 'What', header: true },
          { data: 'Value', header: true }
        ],
        ...summaryRows(facts)
      ])
      .write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
