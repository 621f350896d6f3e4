/**
 * Publishing: what goes to a GitHub Release, and the commands and files of a GPG-signed Flatpak
 * repository users can add. Nothing here runs anything; effects/publish.ts does.
 */
import * as path from 'node:path'
import type { Argv, BuildTarget } from './commands.js'

/** The release the bundle goes to: none, the tag the workflow runs for, or a tag the input names. */
export type ReleaseChoice = { kind: 'off' } | { kind: 'ref' } | { kind: 'tag'; tag: string }

export interface RepositoryOutput {
  /** The directory to deploy: repo/, <app-id>.flatpakrepo, <app-id>.flatpakref. */
  dir: string
  /** Where `dir` will be served, ending in '/'. */
  url: string
  /** A previous deployment's repository (http(s) or file URL) to start from, so users update by delta. */
  from?: string
}

export interface SigningKey {
  /** The armored private key, as exported by `gpg --export-secret-keys --armor`. */
  privateKey: string
  passphrase: string
}

/** The tag to publish to, or why nothing is published. */
export function releaseTag(
  choice: ReleaseChoice,
  ref: string | undefined
): { tag: string } | { skip: string } {
  if (choice.kind === 'off') return { skip: 'release is false' }
  if (choice.kind === 'tag') return { tag: choice.tag }
  const tag = ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined
  return tag ? { tag } : { skip: `the workflow runs for ${ref ?? 'no ref'}, not a tag` }
}

/** A tag name git accepts (git check-ref-format, as far as a release needs). */
export function isTagName(tag: string): boolean {
  return /^[A-Za-z0-9._/+-]{1,200}$/.test(tag) && !/(^|\/)\.|\.\.|\/\/|\.lock(\/|$)|[/.]$|^-|^\//.test(tag)
}

/** The bundle's checksum file, in the form `sha256sum --check` reads. */
export function checksumFile(sha256: string, bundlePath: string): string {
  return `${sha256}  ${path.basename(bundlePath)}\n`
}

export interface ReleaseAsset {
  file: string
  name: string
  contentType: string
}

/** What a release gets: the bundle, its checksum and, when there is one, the manifest to submit. */
export function releaseAssets(bundle: string, checksum: string, submission?: string): ReleaseAsset[] {
  const asset = (file: string, contentType: string): ReleaseAsset => ({
    file,
    name: path.basename(file),
    contentType
  })
  return [
    asset(bundle, 'application/vnd.flatpak'),
    asset(checksum, 'text/plain'),
    ...(submission ? [asset(submission, 'application/json')] : [])
  ]
}

/** The default address of a repository deployed to the GitHub Pages of `owner/repo`. */
export function pagesUrl(repository: string): string {
  const [owner, repo] = repository.split('/')
  return repo === `${owner}.github.io`
    ? `https://${owner.toLowerCase()}.github.io/`
    : `https://${owner.toLowerCase()}.github.io/${repo}/`
}

/** The refs the repository publishes: the app and, when debug-info is on, its .Debug extension. */
export function publishedRefs(target: BuildTarget, debugInfo: boolean): string[] {
  const ref = (id: string): string => `app/${id}/${target.arch}/${target.branch}`
  return [
    ref(target.appId),
    ...(debugInfo ? [`runtime/${target.appId}.Debug/${target.arch}/${target.branch}`] : [])
  ]
}

/** The fingerprint of the one secret key in `gpg --list-secret-keys --with-colons`. */
export function secretKeyFingerprint(colons: string): string | undefined {
  return colons
    .split('\n')
    .map(line => line.split(':'))
    .find(r => r[0] === 'fpr')?.[9]
}

export interface Signer {
  home: string
  fingerprint: string
}

const sign = (signer: Signer): string[] => [
  `--gpg-sign=${signer.fingerprint}`,
  `--gpg-homedir=${signer.home}`
]

export function gpgImportArgs(home: string): Argv {
  return ['gpg', '--homedir', home, '--batch', '--import']
}

export function gpgListArgs(home: string): Argv {
  return ['gpg', '--homedir', home, '--batch', '--list-secret-keys', '--with-colons']
}

export function gpgExportArgs(signer: Signer, file: string): Argv {
  return [
    'gpg',
    '--homedir',
    signer.home,
    '--batch',
    '--yes',
    '--output',
    file,
    '--export',
    signer.fingerprint
  ]
}

export function gpgAgentStopArgs(home: string): Argv {
  return ['gpgconf', '--homedir', home, '--kill', 'gpg-agent']
}

/** The commands that start the deployment from the previous one, keeping only its tips, signatures checked. */
export function pullPreviousArgs(repo: string, from: string, publicKey: string, refs: string[]): Argv[] {
  return [
    ['ostree', `--repo=${repo}`, 'remote', 'add', `--gpg-import=${publicKey}`, 'previous', from],
    ['ostree', `--repo=${repo}`, 'pull', '--mirror', '--depth=0', 'previous', ...refs],
    ['ostree', `--repo=${repo}`, 'remote', 'delete', 'previous']
  ]
}

export function initRepoArgs(repo: string): Argv {
  return ['ostree', `--repo=${repo}`, 'init', '--mode=archive-z2']
}

/** Signed commits of the build's refs on top of what the deployment has. */
export function commitFromArgs(source: string, repo: string, refs: string[], signer: Signer): Argv {
  return ['flatpak', 'build-commit-from', `--src-repo=${source}`, ...sign(signer), repo, ...refs]
}

/** Deltas from each ref's previous commit and from nothing, a history of two commits, a signed summary. */
export function updateRepoArgs(repo: string, title: string, branch: string, signer: Signer): Argv {
  return [
    'flatpak',
    'build-update-repo',
    '--generate-static-deltas',
    '--prune',
    '--prune-depth=2',
    ...sign(signer),
    `--title=${title}`,
    `--default-branch=${branch}`,
    repo
  ]
}

export interface RepoFiles {
  appId: string
  branch: string
  /** The repository's own address: <site>/repo/. */
  repoUrl: string
  /** base64 of the binary public key. */
  gpgKey: string
  /** A .flatpakrepo of the runtime's remote, so installing from the .flatpakref finds the runtime. */
  runtimeRepo?: string
  remoteName: string
}

/** The .flatpakrepo users add with `flatpak remote-add --from`. */
export function flatpakrepoFile(files: RepoFiles): string {
  return [
    '[Flatpak Repo]',
    `Title=${files.appId}`,
    `Url=${files.repoUrl}`,
    `DefaultBranch=${files.branch}`,
    `GPGKey=${files.gpgKey}`,
    ''
  ].join('\n')
}

/** The .flatpakref users install the app with: `flatpak install --from`. */
export function flatpakrefFile(files: RepoFiles): string {
  return [
    '[Flatpak Ref]',
    `Name=${files.appId}`,
    `Branch=${files.branch}`,
    `Title=${files.appId}`,
    `Url=${files.repoUrl}`,
    ...(files.runtimeRepo ? [`RuntimeRepo=${files.runtimeRepo}`] : []),
    'IsRuntime=false',
    `SuggestRemoteName=${files.remoteName}`,
    `GPGKey=${files.gpgKey}`,
    ''
  ].join('\n')
}

/** A remote name for the app's repository: its id's parts joined by '-', as flatpak accepts. */
export function suggestedRemoteName(appId: string): string {
  return appId.toLowerCase().replace(/[^a-z0-9-]+/g, '-')
}
