// Settings for the runner's own Python must not reach pip or Python in the sandbox: flatpak passes
// most of the environment through.
const HOST_PYTHON_SETTINGS = /^(PIP_|PYTHON)/i

export function childEnvironment(
  host: NodeJS.ProcessEnv,
  extra: Record<string, string> = {}
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && !HOST_PYTHON_SETTINGS.test(name)) env[name] = value
  }
  return { ...env, ...extra }
}

/**
 * Wall time during which at least one program was running. Programs can run side by side (the
 * requirements and the app's build dependencies resolve in parallel), so their durations are not
 * summed: that would count the overlap twice and make the action's own time negative.
 */
export class BusyClock {
  private running = 0
  private since = 0
  private milliseconds = 0

  begin(now: number): void {
    if (this.running++ === 0) this.since = now
  }

  end(now: number): void {
    if (--this.running === 0) this.milliseconds += now - this.since
  }

  seconds(now: number): number {
    return (this.milliseconds + (this.running > 0 ? now - this.since : 0)) / 1000
  }
}
