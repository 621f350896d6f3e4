/**
 * Credentials in an index URL (`https://user:TOKEN@host/simple`): what to mask in the log, and the
 * URLs without them for everything the action writes.
 */

/** What must never appear in the log: the password, raw and percent-decoded (or the user, when it is the token). */
export function indexSecrets(url: string): string[] {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return []
  }
  const secret = parsed.password || parsed.username
  if (!secret) return []
  const userinfo = parsed.password ? `${parsed.username}:${parsed.password}` : parsed.username
  return [...new Set([secret, decode(secret), userinfo, decode(userinfo)])]
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The URL without its user and password. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    if (!parsed.username && !parsed.password) return url
    parsed.username = ''
    parsed.password = ''
    return parsed.href
  } catch {
    return url
  }
}

/** The URL for messages: its credentials, if any, as ***. */
export function redactedUrl(url: string): string {
  const bare = withoutCredentials(url)
  return bare === url ? url : bare.replace('://', '://***@')
}

/**
 * The text with every secret in it as ***: the runner masks the log it shows, but the action's
 * own echo of a command (pip's index URL travels in the sandbox's --env) must not rely on that.
 */
export function redacted(text: string, secrets: Iterable<string>): string {
  // Longest first, so user:token is hidden whole, not as user:***.
  const ordered = [...secrets].filter(s => s.length > 0).sort((a, b) => b.length - a.length)
  return ordered.reduce((t, secret) => t.split(secret).join('***'), text)
}
