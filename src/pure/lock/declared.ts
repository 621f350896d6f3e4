import { satisfies } from '@renovatebot/pep440'
import { evaluateMarker, MarkerError, type MarkerEnvironment } from './markers.js'
import { normalizeName } from './names.js'
import { parseRequirement, RequirementError } from './requirement.js'

// The project's own declared dependencies against a lock: a lock made for another version of
// pyproject.toml would install something else than the project asks for.

/** The parts of `[project]` that declare dependencies (PEP 621). */
export interface DeclaredDependencies {
  name?: string
  dependencies?: readonly string[]
  'optional-dependencies'?: Readonly<Record<string, readonly string[]>>
}

/** A locked package as far as this check needs: hashed pins and lock packages both fit. */
export interface LockedVersion {
  /** Normalized, or not: it is normalized here. */
  name: string
  version?: string
}

export interface UnmetDependency {
  /** Normalized. */
  name: string
  /** The declared requirement, as written. */
  requirement: string
  kind: 'missing' | 'mismatch' | 'invalid'
  message: string
}

/**
 * Every declared dependency (`dependencies`, plus `optional-dependencies` of the selected extras)
 * whose marker holds for the target and that the locked set lacks, or holds at a version outside
 * the requirement's specifier. An extra that names the project itself (`all = ["app[cli,gui]"]`)
 * selects those extras too. `lockName` names the lock in messages.
 */
export function unmetDependencies(
  project: DeclaredDependencies,
  extras: readonly string[],
  locked: readonly LockedVersion[],
  env: MarkerEnvironment,
  lockName = 'the lock'
): UnmetDependency[] {
  const self = project.name ? normalizeName(project.name) : undefined
  const versions = new Map<string, string | undefined>()
  for (const pkg of locked) versions.set(normalizeName(pkg.name), pkg.version)
  const optional = Object.fromEntries(
    Object.entries(project['optional-dependencies'] ?? {}).map(([extra, list]) => [
      normalizeName(extra),
      list
    ])
  )

  const unmet: UnmetDependency[] = []
  const queue: { requirement: string; extra: string }[] = (project.dependencies ?? []).map(requirement => ({
    requirement,
    extra: ''
  }))
  const selected = new Set<string>()
  const select = (extra: string) => {
    const name = normalizeName(extra)
    if (selected.has(name)) return
    selected.add(name)
    if (!optional[name]) {
      unmet.push({
        name: self ?? '',
        requirement: `[${extra}]`,
        kind: 'invalid',
        message: `The project has no extra '${extra}' in [project.optional-dependencies] (it has ${Object.keys(optional).join(', ') || 'none'}).`
      })
      return
    }
    for (const requirement of optional[name]) queue.push({ requirement, extra: name })
  }
  extras.forEach(select)

  while (queue.length > 0) {
    const { requirement, extra } = queue.shift()!
    let parsed
    try {
      parsed = parseRequirement(requirement)
    } catch (error) {
      if (!(error instanceof RequirementError)) throw error
      unmet.push({ name: '', requirement, kind: 'invalid', message: `pyproject.toml: ${error.message}` })
      continue
    }
    if (parsed.marker) {
      try {
        if (!evaluateMarker(parsed.marker, { ...env, extra })) continue
      } catch (error) {
        if (!(error instanceof MarkerError)) throw error
        unmet.push({
          name: parsed.normalizedName,
          requirement,
          kind: 'invalid',
          message: `pyproject.toml: ${error.message}`
        })
        continue
      }
    }
    if (parsed.normalizedName === self) {
      parsed.extras.forEach(select)
      continue
    }
    const where = extra ? ` (extra '${extra}')` : ''
    if (!versions.has(parsed.normalizedName)) {
      unmet.push({
        name: parsed.normalizedName,
        requirement,
        kind: 'missing',
        message: `pyproject.toml requires '${requirement}'${where}, but ${lockName} does not install ${parsed.normalizedName} for this target. The lock is out of date: re-lock it.`
      })
      continue
    }
    const version = versions.get(parsed.normalizedName)
    if (
      parsed.specifier &&
      version !== undefined &&
      !satisfies(version, parsed.specifier, { prereleases: true })
    ) {
      unmet.push({
        name: parsed.normalizedName,
        requirement,
        kind: 'mismatch',
        message: `pyproject.toml requires '${requirement}'${where}, but ${lockName} installs ${parsed.normalizedName} ${version}. The lock is out of date: re-lock it.`
      })
    }
  }
  return unmet
}
