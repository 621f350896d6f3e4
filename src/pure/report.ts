/**
 * The run record, and everything GitHub sees that follows from it: the outputs, the job summary,
 * whether and under which key the state is saved, what the state keeps and what the artifact
 * holds. Each step of main.ts fills one field with its result; nothing here runs anything.
 */
import * as path from 'node:path'
import type { BuilderLogSummary, ModuleResult } from './builder-log.js'
import { completeKey, partialKey, type CacheKeyParts } from './cache-keys.js'
import type { SignedSource } from './commands.js'
import { Output } from './constants.js'
import type { KeptResolution } from './kept.js'
import { LOCK_NAMES } from './requirements-lock.js'
import { pythonOnlyManifest, sourceHashes, type FileInstall } from './manifest.js'
import type { Plan } from './plan.js'
import { releaseAssets, type ReleaseAsset } from './publish.js'
import type { RuntimeCache } from './runtime-cache.js'
import { cacheBranch, type KeepInState } from './state.js'

export interface AppArchiveResult {
  sha256: string
  files: number
}

/** The app's MetaInfo file, desktop file, icon and licences, as the app module installs them. */
export interface DesktopFiles {
  installs: FileInstall[]
  /** What the action wrote because the project gave none: outputs, for the user to commit. */
  written: { metainfo?: string; desktopFile?: string }
}

export interface Restored {
  /** Key of the restored entry; undefined on a miss or without a cache service. */
  matchedKey?: string
  /** The stage refs of the state (ref → commit) right after the restore, to tell if anything was built. */
  stages: Record<string, string>
  seconds: number
}

export interface Resolved extends KeptResolution {
  /** File name of the resolution kept with the state. */
  kept: string
  reused: boolean
}

export interface WrittenManifests {
  /** Hash of everything the full build reads from the manifest files. */
  digest: string
  /** sha256 of every source, which names flatpak-builder's downloads. */
  sources: string[]
  requirementsModule?: string
  lock?: string
  /** The manifest to submit to Flathub, when the run knows the repository and commit. */
  submission?: string
  /** flathub.json beside it, when the app is for fewer arches than Flathub builds. */
  flathubJson?: string
}

/** What Flathub's linter and the action's own checks found. */
export interface LintResult {
  /** Ids of the action's own checks that failed (warnings). */
  own: string[]
  linter: 'ran' | 'unavailable' | 'off'
  /** The linter's errors, `kind: id`. */
  errors: string[]
}

export interface Bundle {
  path: string
  sha256: string
  /** The file with the bundle's sha256, as sha256sum writes it. */
  checksum: string
  size: number
  /** Name of the bundle kept with the state, to reuse while the app is unchanged (never a signed one). */
  kept?: string
  reused: boolean
}

/** What the smoke run under the Platform leaves. */
export interface SmokeResult {
  /** A PNG of the app's window, for an app with one. */
  screenshot?: string
}

/** The signed repository the bundle is made from; with repository-dir, the deployment users add. */
export interface SignedRepository extends SignedSource {
  flatpakrepo?: string
  flatpakref?: string
}

export interface PublishedRelease {
  url: string
  assets: { name: string; url: string }[]
}

export interface UploadedArtifact {
  id: number
  url: string
  size: number
  seconds: number
}

export type Saved =
  | { saved: true; key: string; size: number; seconds: number }
  | { saved: false; reason: string; seconds: number; size?: number; warning?: string }

/** What each step of the run gave; a field stays undefined when its step did not finish. */
export interface RunRecord {
  plan?: Plan
  archive?: AppArchiveResult
  desktop?: DesktopFiles
  keys?: CacheKeyParts
  restored?: Restored
  runtime?: RuntimeCache
  pythonVersion?: string
  resolved?: Resolved
  manifests?: WrittenManifests
  build?: BuilderLogSummary
  bundle?: Bundle
  smoke?: SmokeResult
  lint?: LintResult
  artifact?: UploadedArtifact
  signed?: SignedRepository
  release?: PublishedRelease
  saved?: Saved
  runtimeSaved?: Saved
  /** The error that ended the run, as the user reads it. */
  failure?: string
}

/** The key of the complete state: set once the full build has finished. */
export function completeStateKey(record: RunRecord): string | undefined {
  return record.keys && record.build && record.manifests
    ? completeKey(record.keys, record.manifests.digest)
    : undefined
}

/** The restored state is exactly this build's. */
export function cacheHit(record: RunRecord): boolean {
  const matched = record.restored?.matchedKey
  return matched !== undefined && matched === completeStateKey(record)
}

export type SaveDecision = { save: true; key: string } | { save: false; reason: string }

/**
 * Whether and under which key to save. Entries are immutable, so an exact hit is never saved
 * again; a failed build saves what it built under a partial key, never as a complete state.
 * `stages` are the state's stage commits now; `runId` names a partial state uniquely.
 */
export function saveDecision(record: RunRecord, stages: Record<string, string>, runId: string): SaveDecision {
  const { plan, keys } = record
  if (!plan || !keys) return { save: false, reason: 'the run stopped before the state was restored' }
  const { cache } = plan.inputs
  if (!cache.enabled) return { save: false, reason: 'cache is false' }
  if (cache.save === 'never') return { save: false, reason: 'save-cache is never' }
  if (cache.save === 'on-success' && record.failure !== undefined) {
    return { save: false, reason: 'save-cache is on-success and the run failed' }
  }
  const complete = completeStateKey(record)
  const matched = record.restored?.matchedKey
  if (complete) {
    return matched === complete
      ? { save: false, reason: `the restored state is this build's already (${matched})` }
      : { save: true, key: complete }
  }
  const stagesChanged = JSON.stringify(stages) !== JSON.stringify(record.restored?.stages ?? {})
  return stagesChanged
    ? { save: true, key: partialKey(keys, runId) }
    : { save: false, reason: 'the failed build added nothing to the state it started from' }
}

/**
 * What the saved state keeps: the stages of this manifest and its Python-only manifest, the
 * downloads they name, and our own files that this run used (see kept.ts).
 */
export function stateToKeep(plan: Plan, record: RunRecord): KeepInState {
  const { arch } = plan.target
  return {
    branches: [cacheBranch(arch, plan.target.manifest), cacheBranch(arch, plan.pythonManifest)],
    // Before the manifest is written, only the Python-only manifest's sources are known to be used.
    downloads: record.manifests?.sources ?? sourceHashes(pythonOnlyManifest(plan.identity)),
    own: [record.resolved?.kept, record.bundle?.kept].filter((name): name is string => name !== undefined)
  }
}

export type ArtifactUpload =
  | { upload: true; name: string; files: string[]; stagingDir: string; retentionDays?: number }
  | { upload: false; reason: string; warning: boolean }

/** What the artifact holds, or why nothing is uploaded. */
export function artifactUpload(record: RunRecord, serviceAvailable: boolean): ArtifactUpload {
  const { plan, bundle, manifests } = record
  if (!plan || !bundle) return { upload: false, reason: 'there is no bundle', warning: false }
  const { artifact, bundlePath } = plan.inputs
  if (artifact.upload === 'none') return { upload: false, reason: 'upload-artifact is false', warning: false }
  if (!serviceAvailable) {
    return {
      upload: false,
      reason: `there is no artifact service here (ACTIONS_RUNTIME_TOKEN or ACTIONS_RESULTS_URL is unset: not on GitHub Actions?). The bundle is at ${bundlePath}`,
      warning: true
    }
  }
  const files = [bundlePath, ...(record.smoke?.screenshot ? [record.smoke.screenshot] : [])]
  if (artifact.upload === 'with-manifest' && manifests) {
    files.push(plan.target.manifest)
    if (manifests.requirementsModule && manifests.lock)
      files.push(manifests.requirementsModule, manifests.lock)
    if (manifests.submission) files.push(manifests.submission)
    if (manifests.flathubJson) files.push(manifests.flathubJson)
    const written: DesktopFiles['written'] = record.desktop?.written ?? {}
    files.push(...[written.metainfo, written.desktopFile].filter((f): f is string => f !== undefined))
  }
  return {
    upload: true,
    name: artifact.name,
    files,
    stagingDir: path.join(plan.workDir, 'artifact'),
    retentionDays: artifact.retentionDays
  }
}

/** What the release of the tag gets: the bundle, its checksum and the manifest to submit. */
export function releaseFiles(record: RunRecord): ReleaseAsset[] {
  const { bundle, manifests } = record
  return bundle ? releaseAssets(bundle.path, bundle.checksum, manifests?.submission) : []
}

/** Every output the run can set, from what it found; those it never reached are left out. */
export function outputs(record: RunRecord): Record<string, string> {
  const { plan, manifests, saved } = record
  const out: Record<string, string> = {}
  const set = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) out[name] = String(value)
  }
  set(Output.PythonVersion, record.pythonVersion)
  if (plan && manifests) set(Output.ManifestPath, plan.target.manifest)
  set(Output.RequirementsManifestPath, manifests?.requirementsModule)
  set(Output.RequirementsLockPath, manifests?.lock)
  if (plan && record.build) set(Output.RepoPath, plan.target.repo)
  if (plan && record.bundle) set(Output.BundlePath, plan.inputs.bundlePath)
  set(Output.ScreenshotPath, record.smoke?.screenshot)
  set(Output.MetainfoPath, record.desktop?.written.metainfo)
  set(Output.SubmissionManifestPath, manifests?.submission)
  set(Output.DesktopFilePath, record.desktop?.written.desktopFile)
  if (record.keys && plan?.inputs.cache.enabled) {
    set(Output.CacheHit, String(cacheHit(record)))
    set(Output.CacheMatchedKey, record.restored?.matchedKey ?? '')
    set(Output.CacheKey, (saved?.saved ? saved.key : undefined) ?? completeStateKey(record) ?? '')
    set(Output.CacheSize, saved?.size)
  }
  set(Output.ArtifactId, record.artifact?.id)
  set(Output.ArtifactUrl, record.artifact?.url)
  set(Output.BundleSha256, record.bundle?.sha256)
  set(Output.FlatpakrepoPath, record.signed?.flatpakrepo)
  set(Output.FlatpakrefPath, record.signed?.flatpakref)
  const { release } = record
  if (plan && release) {
    const assetUrl = (file: string | undefined): string | undefined =>
      file && release.assets.find(a => a.name === path.basename(file))?.url
    set(Output.ReleaseUrl, release.url)
    set(Output.ReleaseBundleUrl, assetUrl(plan.inputs.bundlePath))
    set(Output.ReleaseChecksumUrl, assetUrl(record.bundle?.checksum))
    set(Output.ReleaseManifestUrl, assetUrl(manifests?.submission))
  }
  return out
}

/** Where the time of a run went, in seconds. */
export interface TimeAccount {
  total: number
  /** Wall time during which a program the action ran was running. */
  children: number
  /** Cache and artifact transfers. */
  transfers: number
  /** The rest: the action itself. */
  own: number
}

export function timeAccount(record: RunRecord, total: number, children: number): TimeAccount {
  const seconds = (transfer?: { seconds: number }): number => transfer?.seconds ?? 0
  // The state and the runtime are restored side by side, and saved side by side.
  const transfers =
    Math.max(seconds(record.restored), seconds(record.runtime?.restored)) +
    Math.max(seconds(record.saved), seconds(record.runtimeSaved)) +
    seconds(record.artifact)
  return { total, children, transfers, own: total - children - transfers }
}

export function timeLine(time: TimeAccount): string {
  return (
    `Took ${time.total.toFixed(1)} s: ${time.children.toFixed(1)} s in flatpak, flatpak-builder, ostree and pip, ` +
    `${time.transfers.toFixed(1)} s in cache and artifact transfers, ${time.own.toFixed(1)} s in the action itself.`
  )
}

export type Row = [string, string]

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`
}

function moduleRow(m: ModuleResult): Row {
  return [`Module ${m.name}`, m.cached ? 'from cache' : `built in ${m.seconds} s`]
}

function cacheRows(record: RunRecord): Row[] {
  const { plan, restored, saved } = record
  if (!plan || !record.keys) return []
  if (!plan.inputs.cache.enabled) return [['Cache', 'off']]
  const matched = restored?.matchedKey
  return [
    ['Cache restored', matched ? `${matched}${cacheHit(record) ? ' (exact)' : ''}` : 'nothing'],
    ['Cache saved', saved?.saved ? saved.key : 'nothing new'],
    ...(saved?.size !== undefined ? [['Cache size', megabytes(saved.size)] as Row] : []),
    ...runtimeRows(record)
  ]
}

function runtimeRows(record: RunRecord): Row[] {
  const { runtime, runtimeSaved } = record
  if (!runtime) return []
  if (!runtime.plan.use) return [['Runtime cache', `not used: ${runtime.plan.reason}`]]
  const matched = runtime.restored?.matchedKey
  const from = matched ? `restored ${matched}` : 'installed from the remote'
  return [
    [
      'Runtime cache',
      runtimeSaved?.saved ? `${from}; saved as ${runtimeSaved.key} (${megabytes(runtimeSaved.size)})` : from
    ]
  ]
}

function lintSummary(lint: LintResult): string {
  const linter =
    lint.linter === 'ran'
      ? lint.errors.length === 0
        ? "Flathub's linter: clean"
        : `Flathub's linter: ${lint.errors.join(', ')}`
      : lint.linter === 'off'
        ? "Flathub's linter: off"
        : "Flathub's linter: not available here"
  return `${linter}; the action's checks: ${lint.own.length === 0 ? 'clean' : lint.own.join(', ')}`
}

/** The job summary as rows of (what, value). */
export function summaryRows(record: RunRecord, time: TimeAccount): Row[] {
  const { plan, bundle } = record
  const rows: Row[] = []
  if (plan) rows.push(['App', plan.inputs.appId])
  if (record.failure !== undefined) rows.push(['Result', `failed: ${record.failure.split('\n')[0]}`])
  if (plan && record.pythonVersion) {
    rows.push([
      'Python',
      plan.inputs.python.kind === 'runtime' ? `${record.pythonVersion} (runtime)` : record.pythonVersion
    ])
  }
  const resolution = record.resolved?.resolution
  if (resolution) {
    const count = resolution.requirements.files.length
    rows.push([
      'Requirements',
      `${count} file${count === 1 ? '' : 's'}, versions from ${LOCK_NAMES[resolution.from]}${record.resolved!.reused ? ' (kept: nothing it read changed)' : ''}`
    ])
  }
  rows.push(...(record.build?.modules ?? []).map(moduleRow))
  if (plan && bundle) {
    const size = `${megabytes(bundle.size)}${bundle.reused ? ', reused: app unchanged' : ''}`
    rows.push([
      'Bundle',
      `${plan.inputs.bundlePath} (${size}${record.signed ? ', signed' : ''}), sha256 ${bundle.sha256}`
    ])
  }
  if (record.smoke?.screenshot) rows.push(['Screenshot', record.smoke.screenshot])
  if (record.manifests?.submission) rows.push(['Manifest for Flathub', record.manifests.submission])
  if (record.lint) rows.push(['Flathub lint', lintSummary(record.lint)])
  rows.push(...cacheRows(record))
  if (record.artifact) rows.push(['Artifact', record.artifact.url])
  if (record.signed?.flatpakrepo)
    rows.push(['Repository', `${record.signed.repo} (signed; users add ${record.signed.flatpakrepo})`])
  if (record.release) rows.push(['Release', record.release.url])
  rows.push(['Time', `${time.total.toFixed(0)} s (${time.own.toFixed(1)} s in the action itself)`])
  return rows
}
