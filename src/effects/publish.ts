import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { isRepoFile } from '../pure/commands.js'
import type { Plan } from '../pure/plan.js'
import {
  commitFromArgs,
  flatpakrefFile,
  flatpakrepoFile,
  gpgAgentStopArgs,
  gpgExportArgs,
  gpgImportArgs,
  gpgListArgs,
  initRepoArgs,
  publishedRefs,
  pullPreviousArgs,
  secretKeyFingerprint,
  suggestedRemoteName,
  updateRepoArgs,
  type ReleaseAsset,
  type Signer
} from '../pure/publish.js'
import type { PublishedRelease, SignedRepository } from '../pure/report.js'
import { run, runChecked } from './exec.js'

/**
 * Commits the build to a repository signed with the user's key, with static deltas and a signed
 * summary; with repository-dir, also the .flatpakrepo and .flatpakref users add it with. The key
 * lives in a GNUPGHOME of its own for this step only.
 */
export async function signRepository(plan: Plan): Promise<SignedRepository> {
  const { signingKey, repository } = plan.inputs.publish
  if (!signingKey) throw new Error('signRepository needs gpg-private-key')
  // Made apart and moved into place at the end: repository-from may be the very directory served.
  const staging = path.join(plan.workDir, 'signed-repo')
  const publicKey = path.join(plan.workDir, 'signing-key.gpg')
  const refs = publishedRefs(plan.target, plan.inputs.debugInfo)
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'fpa-gnupg-'))
  try {
    const signer = await importKey(home, signingKey.privateKey, signingKey.passphrase)
    core.info(`Signing with key ${signer.fingerprint}`)
    await runChecked('gpg --export', gpgExportArgs(signer, publicKey))
    await fs.rm(staging, { recursive: true, force: true })
    await runChecked('ostree init', initRepoArgs(staging))
    if (repository?.from) await startFrom(staging, repository.from, publicKey, refs)
    await runChecked('flatpak build-commit-from', commitFromArgs(plan.target.repo, staging, refs, signer))
    await runChecked(
      'flatpak build-update-repo',
      updateRepoArgs(staging, plan.inputs.appId, plan.target.branch, signer)
    )
  } finally {
    await run(gpgAgentStopArgs(home), { silent: true }).catch(() => undefined)
    await fs.rm(home, { recursive: true, force: true })
  }
  if (!repository) return { repo: staging, publicKey }
  const repo = path.join(repository.dir, 'repo')
  await fs.rm(repo, { recursive: true, force: true })
  await fs.mkdir(repository.dir, { recursive: true })
  await fs.cp(staging, repo, { recursive: true })
  await fs.rm(staging, { recursive: true, force: true })
  const files = {
    appId: plan.inputs.appId,
    branch: plan.target.branch,
    repoUrl: `${repository.url}repo/`,
    gpgKey: (await fs.readFile(publicKey)).toString('base64'),
    runtimeRepo: isRepoFile(plan.remote.url) ? plan.remote.url : undefined,
    remoteName: suggestedRemoteName(plan.inputs.appId)
  }
  const flatpakrepo = path.join(repository.dir, `${plan.inputs.appId}.flatpakrepo`)
  const flatpakref = path.join(repository.dir, `${plan.inputs.appId}.flatpakref`)
  await fs.writeFile(flatpakrepo, flatpakrepoFile(files))
  await fs.writeFile(flatpakref, flatpakrefFile(files))
  core.info(
    `Users add the repository with: flatpak remote-add --if-not-exists --from ${files.repoUrl.replace(/repo\/$/, '')}${path.basename(flatpakrepo)}`
  )
  return { repo, publicKey, repoUrl: files.repoUrl, flatpakrepo, flatpakref }
}

/** Imports the key; with a passphrase, gpg (as ostree's gpgme runs it) reads it from a file beside the key. */
async function importKey(home: string, privateKey: string, passphrase: string): Promise<Signer> {
  await fs.chmod(home, 0o700)
  await runChecked('gpg --import of gpg-private-key', gpgImportArgs(home), {
    input: privateKey,
    silent: true
  })
  const listed = await runChecked('gpg --list-secret-keys', gpgListArgs(home), { silent: true })
  const fingerprint = secretKeyFingerprint(listed.lines.map(l => l.text).join('\n'))
  if (!fingerprint) throw new Error('gpg-private-key holds no secret key gpg can use.')
  if (passphrase !== '') {
    const file = path.join(home, 'passphrase')
    await fs.writeFile(file, passphrase, { mode: 0o600 })
    await fs.writeFile(path.join(home, 'gpg.conf'), `pinentry-mode loopback\npassphrase-file ${file}\n`)
    await fs.writeFile(path.join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\n')
  }
  return { home, fingerprint }
}

/** Takes the previous deployment's tips, so its users update by delta; without it, a fresh start. */
async function startFrom(repo: string, from: string, publicKey: string, refs: string[]): Promise<void> {
  const [add, pull, remove] = pullPreviousArgs(repo, from, publicKey, refs)
  await runChecked('ostree remote add', add)
  const pulled = await run(pull)
  await runChecked('ostree remote delete', remove)
  if (pulled.exitCode !== 0) {
    core.warning(
      `repository-from: could not take the previous deployment from ${from} (${pulled.lines.at(-1)?.text ?? 'no output'}); this deployment starts a new history, so users update without a delta once.`
    )
    await fs.rm(repo, { recursive: true, force: true })
    await runChecked('ostree init', initRepoArgs(repo))
  }
}

const REQUEST_TIMEOUT_MS = 600_000

/**
 * Uploads the bundle, its checksum and the manifest to submit to the GitHub Release of the tag,
 * creating the release when there is none and replacing assets of the same name (a rerun).
 */
export async function publishRelease(
  tag: string,
  assets: ReleaseAsset[],
  token: string,
  env: NodeJS.ProcessEnv
): Promise<PublishedRelease> {
  if (token === '') {
    throw new Error(
      'github-token is empty, so the release cannot be published: leave github-token unset (the job token) or give a token that may write contents.'
    )
  }
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  if (!owner || !repo) throw new Error('GITHUB_REPOSITORY is not set: the release has no repository.')
  const octokit = getOctokit(token, {
    baseUrl: env.GITHUB_API_URL || 'https://api.github.com',
    request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }
  })
  try {
    let release
    try {
      release = (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error
      core.info(`No release of ${tag} yet: creating it.`)
      release = (await octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name: tag })).data
    }
    const existing = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
      owner,
      repo,
      release_id: release.id,
      per_page: 100
    })
    for (const old of existing.filter(a => assets.some(asset => asset.name === a.name))) {
      core.info(`Replacing ${old.name}`)
      await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: old.id })
    }
    const uploaded: PublishedRelease['assets'] = []
    for (const asset of assets) {
      const data = await fs.readFile(asset.file)
      const { data: made } = await octokit.rest.repos.uploadReleaseAsset({
        // The release's upload_url has the right origin on github.com and on GHES alike.
        url: release.upload_url,
        owner,
        repo,
        release_id: release.id,
        name: asset.name,
        // octokit sends a Buffer as it is, with its Content-Length (the upload server needs both).
        data: data as unknown as string,
        headers: { 'content-type': asset.contentType }
      })
      core.info(`${asset.name}: ${made.browser_download_url}`)
      uploaded.push({ name: asset.name, url: made.browser_download_url })
    }
    return { url: release.html_url, assets: uploaded }
  } catch (error) {
    throw new Error(releaseProblem(error, tag), { cause: error })
  }
}

/** What went wrong with the Releases API, and what to do about it. */
function releaseProblem(error: unknown, tag: string): string {
  const { status, message } = error as { status?: number; message?: string }
  const what = `Publishing to the release of ${tag} failed`
  if (status === 401) return `${what}: GitHub refused github-token (${message}). Give a valid token.`
  if (status === 403) {
    return `${what}: the token may not write releases (${message}). Give the job \`permissions: contents: write\`, or a github-token that has it.`
  }
  return `${what}: ${status ? `HTTP ${status}: ` : ''}${message ?? String(error)}`
}
