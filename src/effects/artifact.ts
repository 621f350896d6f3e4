import { DefaultArtifactClient } from '@actions/artifact'
import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import type { ArtifactUpload, UploadedArtifact } from '../pure/report.js'
import { within } from './exec.js'

/** The runner gives a token and the service's URL; outside GitHub Actions there are neither. */
export function artifactServiceAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL)
}

/** The artifact's page: $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/artifacts/<id>. */
export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string {
  const server = env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/artifacts/${id}`
}

/**
 * Uploads the files as one artifact. They are gathered in one directory first, because the
 * artifact keeps paths relative to a common root. The bundle is compressed already: the zip only
 * stores it (compression level 0).
 */
export async function uploadArtifact(
  upload: ArtifactUpload,
  env: NodeJS.ProcessEnv,
  timeout: number
): Promise<UploadedArtifact | undefined> {
  if (!upload.upload) {
    if (upload.warning) core.warning(`Not uploading an artifact: ${upload.reason}.`)
    else core.info(`Not uploading an artifact: ${upload.reason}.`)
    return undefined
  }
  const { name, files, stagingDir, retentionDays } = upload
  const started = Date.now()
  await fs.rm(stagingDir, { recursive: true, force: true })
  await fs.mkdir(stagingDir, { recursive: true })
  const staged: string[] = []
  for (const file of files) {
    const target = path.join(stagingDir, path.basename(file))
    await fs.link(file, target).catch(() => fs.copyFile(file, target))
    staged.push(target)
  }
  let id: number | undefined
  let size: number | undefined
  try {
    ;({ id, size } = await within(
      timeout,
      'the artifact service',
      new DefaultArtifactClient().uploadArtifact(name, staged, stagingDir, {
        compressionLevel: 0,
        ...(retentionDays ? { retentionDays } : {})
      })
    ))
  } catch (error) {
    throw new Error(
      `Uploading artifact '${name}' failed: ${(error as Error).message}. The bundle is still at ${files[0]}.`,
      { cause: error }
    )
  }
  if (id === undefined) throw new Error(`The artifact service gave no ID for artifact '${name}'.`)
  const url = artifactUrl(env, id)
  core.info(`Uploaded ${name} (${size ?? 0} bytes): ${url}`)
  return { id, size: size ?? 0, url, seconds: (Date.now() - started) / 1000 }
}
