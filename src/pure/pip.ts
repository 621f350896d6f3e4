/** The environment, arguments and version rules of the pip that resolves in the sandbox. */
import data from './pip-releases.json' with { type: 'json' }

/** The pip wheel that resolves and installs: pinned like CPython, never the index's newest. */
export interface PipPin {
  version: string
  file: string
  sha256: string
}

/** The pips of pip-releases.json, newest last. */
export const PIP_RELEASES: PipPin[] = Object.entries(data.releases).map(([version, { file, sha256 }]) => ({
  version,
  file,
  sha256
}))

/** The requirement that makes pip download exactly this wheel, or fail. */
export function pipPinLine(pin: PipPin): string {
  return `pip==${pin.version} --hash=sha256:${pin.sha256}\n`
}

// Report format 1 (pip >= 23.0) is the first stable one.
export const MIN_PIP = [23, 0]

// Proxies of the runner reach pip; nothing else of its environment does.
const PROXY_VARIABLES = ['http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']

export interface PackageIndex {
  url: string
  extraUrl?: string
}

export function pipEnvironment(
  index: PackageIndex,
  host: Record<string, string | undefined>
): Record<string, string> {
  const env: Record<string, string> = {
    PIP_CONFIG_FILE: '/dev/null',
    PIP_INDEX_URL: index.url,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PIP_NO_CACHE_DIR: '1',
    PIP_ROOT_USER_ACTION: 'ignore',
    PYTHONDONTWRITEBYTECODE: '1'
  }
  if (index.extraUrl) env.PIP_EXTRA_INDEX_URL = index.extraUrl
  for (const name of PROXY_VARIABLES) if (host[name]) env[name] = host[name]!
  return env
}

/** `pip-26.2.2-py3-none-any.whl` → [26, 2, 2]. */
export function wheelVersion(filename: string): number[] {
  return filename.split('-')[1].split('.').map(Number)
}

export function atLeast(version: number[], minimum: number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    if ((version[i] ?? 0) !== minimum[i]) return (version[i] ?? 0) > minimum[i]
  }
  return true
}

/** The argv of pip install --dry-run --report for `args`, from the pip given. */
export function reportArgs(pip: string[], report: string, args: string[]): string[] {
  return [...pip, 'install', '--dry-run', '--ignore-installed', '--quiet', '--report', report, ...args]
}
