/** A line of flatpak-builder's output and when it was printed (ms). */
export interface TimedLine {
  at: number
  text: string
}

export interface ModuleResult {
  name: string
  /** Taken from flatpak-builder's cache rather than built. */
  cached: boolean
  seconds: number
}

export interface BuilderLogSummary {
  modules: ModuleResult[]
  /** The module whose build or download failed, when one did. */
  failedModule?: string
  /** flatpak-builder's own `error: ...` line. */
  error?: string
}

const CACHE_HIT = /^Cache hit for ([^,]+), skipping build/
const BUILDING = /^Building module (\S+) in /
// Anything that starts the next step ends the module before it.
const NEXT_STEP =
  /^(Cache hit for |Building module |Cleaning up|Finishing app|Exporting |Everything cached|Pruning cache)/
// flatpak-builder's own failures: `Error: module x: ...`, or a failed download.
const ERROR = /^(?:Error: (.*)|(Failed to download sources: .*))$/
const MODULE_IN_ERROR = /module ([^:\s]+):/

/**
 * The lines summarizeBuilderLog reads. flatpak-builder prints ~10,000 lines for CPython alone:
 * only these (and a tail) are kept while it runs.
 */
export function isLandmark(text: string): boolean {
  const t = text.trim()
  return NEXT_STEP.test(t) || CACHE_HIT.test(t) || BUILDING.test(t) || ERROR.test(t)
}

/** Which modules flatpak-builder built or took from its cache, and how long each took. */
export function summarizeBuilderLog(lines: TimedLine[]): BuilderLogSummary {
  const modules: ModuleResult[] = []
  let current: { result: ModuleResult; start: number } | undefined
  let error: string | undefined
  let failedModule: string | undefined
  const close = (at: number): void => {
    if (current) current.result.seconds = Math.round((at - current.start) / 100) / 10
    current = undefined
  }
  for (const line of lines) {
    const text = line.text.trim()
    if (NEXT_STEP.test(text)) close(line.at)
    const hit = CACHE_HIT.exec(text)
    const building = BUILDING.exec(text)
    if (hit || building) {
      const result = { name: (hit ?? building)![1], cached: Boolean(hit), seconds: 0 }
      modules.push(result)
      current = { result, start: line.at }
    }
    const err = ERROR.exec(text)
    if (err) {
      error = err[1] ?? err[2]
      failedModule = MODULE_IN_ERROR.exec(error)?.[1] ?? current?.result.name
    }
  }
  close(lines.at(-1)?.at ?? 0)
  return { modules, failedModule, error }
}

/** The last `count` lines printed since the failed module started, or the log's last lines. */
export function failureTail(lines: TimedLine[], failedModule: string | undefined, count: number): string[] {
  const start = failedModule
    ? lines.findLastIndex(l => l.text.trim().startsWith(`Building module ${failedModule} `))
    : -1
  return lines
    .slice(Math.max(start, 0))
    .slice(-count)
    .map(l => l.text)
}
