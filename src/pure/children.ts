// What programs the action runs get of the runner's environment: what they need to find their
// tools and installations, talk to a proxy and use a locale. Never the runner's tokens and URLs
// (ACTIONS_*, GITHUB_*), the inputs (INPUT_*), or the runner's pip and Python settings.
const PASSED =
  /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TMPDIR|TERM|FLATPAK_[A-Z_]+|XDG_[A-Z_]+|DBUS_[A-Z_]+|SUDO_[A-Z]+|(http|https|no|all)_proxy|(HTTP|HTTPS|NO|ALL)_PROXY)$/

export function childEnvironment(
  host: Record<string, string | undefined>,
  extra: Record<string, string> = {}
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(host)) {
    if (value !== undefined && PASSED.test(name)) env[name] = value
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
