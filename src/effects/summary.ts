import * as core from '@actions/core'
import { outputs, summaryRows, timeAccount, timeLine, type RunRecord } from '../pure/report.js'
import { childSeconds } from './exec.js'

/**
 * Publishes what the run found, also after a failure: every output once, the time account and
 * the job summary. A summary that cannot be written is only a warning.
 */
export async function publish(record: RunRecord, startedAt: number): Promise<void> {
  for (const [name, value] of Object.entries(outputs(record))) core.setOutput(name, value)
  const time = timeAccount(record, (Date.now() - startedAt) / 1000, childSeconds())
  core.info(timeLine(time))
  try {
    await core.summary
      .addHeading(`Flatpak of ${record.plan?.inputs.appId ?? 'an app'}`, 2)
      .addTable([
        [
          { data: 'What', header: true },
          { data: 'Value', header: true }
        ],
        ...summaryRows(record, time)
      ])
      .write()
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
