import * as core from '@actions/core'
import type { ModuleResult } from './builder-log.js'

export interface SummaryFacts {
  appId: string
  python: string
  modules: ModuleResult[]
  bundlePath: string
  bundleSize: number
  bundleReused: boolean
  /** Undefined when caching is off. */
  cache?: { matchedKey?: string; hit: boolean; savedKey?: string; size?: number }
  artifactUrl?: string
  seconds: number
  /** Of those, the time outside child processes and transfers. */
  ownSeconds: number
}

type Row = [string, string]

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

/** The job summary as rows of (what, value). */
export function summaryRows(facts: SummaryFacts): Row[] {
  const bundle = `${megabytes(facts.bundleSize)}${facts.bundleReused ? ', reused: app unchanged' : ''}`
  return [
    ['App', facts.appId],
    ['Python', facts.python],
    ...facts.modules.map((m): Row => [
      `Module ${m.name}`,
      m.cached ? 'from cache' : `built in ${m.seconds} s`
    ]),
    ['Bundle', `${facts.bundlePath} (${bundle})`],
    ...cacheRows(facts.cache),
    ...(facts.artifactUrl ? [['Artifact', facts.artifactUrl] as Row] : []),
    ['Time', `${facts.seconds.toFixed(0)} s (${facts.ownSeconds.toFixed(1)} s in the action itself)`]
  ]
}

function cacheRows(cache: SummaryFacts['cache']): Row[] {
  if (!cache) return [['Cache', 'off']]
  return [
    ['Cache restored', cache.matchedKey ? `${cache.matchedKey}${cache.hit ? ' (exact)' : ''}` : 'nothing'],
    ['Cache saved', cache.savedKey ?? 'nothing new'],
    ...(cache.size !== undefined ? [['Cache size', megabytes(cache.size)] as Row] : [])
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
