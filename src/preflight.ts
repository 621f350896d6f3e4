import * as core from '@actions/core'
import * as exec from '@actions/exec'
import * as io from '@actions/io'
import * as fs from 'node:fs/promises'
import { toolVersion } from './flatpak.js'

/** What the runner has, found before any work. */
export interface Toolchain {
  flatpak: string
  flatpakBuilder: string
  /** flatpak-builder can use rofiles-fuse (needs a usable /dev/fuse and fusermount). */
  rofilesFuse: boolean
}

/** Debian/Ubuntu packages the action needs on the runner. */
export const APT_PACKAGES = [
  'flatpak',
  'flatpak-builder',
  'binutils',
  'elfutils',
  'debugedit',
  'ostree',
  'zstd'
]

/** The argv that installs the packages, through sudo unless we are root; undefined when neither works. */
export function aptInstallArgs(isRoot: boolean, hasSudo: boolean): string[] | undefined {
  const install = ['apt-get', 'install', '--yes', '--no-install-recommends', ...APT_PACKAGES]
  if (isRoot) return install
  return hasSudo ? ['sudo', '--non-interactive', '--preserve-env=DEBIAN_FRONTEND', ...install] : undefined
}

async function fuseUsable(): Promise<boolean> {
  try {
    await fs.access('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK)
  } catch {
    return false
  }
  return Boolean((await io.which('fusermount3', false)) || (await io.which('fusermount', false)))
}

async function installWithApt(): Promise<void> {
  const isRoot = process.getuid?.() === 0
  const hasSudo =
    !isRoot &&
    (await io.which('sudo', false)) !== '' &&
    (await exec.exec('sudo', ['--non-interactive', 'true'], { ignoreReturnCode: true, silent: true })) === 0
  const install = (await io.which('apt-get', false)) ? aptInstallArgs(isRoot, hasSudo) : undefined
  if (!install) {
    throw new Error(
      `flatpak and flatpak-builder are not installed, and this runner cannot install them (it needs apt-get and root or passwordless sudo). ` +
        `Install these packages before this step: ${APT_PACKAGES.join(' ')}.`
    )
  }
  core.info(`Installing ${APT_PACKAGES.join(' ')} with apt-get${isRoot ? '' : ' through sudo'}.`)
  const env = { ...(process.env as Record<string, string>), DEBIAN_FRONTEND: 'noninteractive' }
  const update = isRoot ? ['apt-get', 'update'] : ['sudo', '--non-interactive', 'apt-get', 'update']
  await exec.exec(update[0], update.slice(1), { env })
  await exec.exec(install[0], install.slice(1), { env })
}

/** Finds flatpak, flatpak-builder and ostree (installing them with apt when missing and possible) and FUSE. */
export async function preflight(): Promise<Toolchain> {
  const versions = (): Promise<Array<string | undefined>> =>
    Promise.all(['flatpak', 'flatpak-builder', 'ostree'].map(tool => toolVersion(tool)))
  let [flatpak, flatpakBuilder, ostree] = await versions()
  if (!flatpak || !flatpakBuilder || !ostree) {
    await installWithApt()
    ;[flatpak, flatpakBuilder, ostree] = await versions()
    if (!flatpak || !flatpakBuilder || !ostree) {
      throw new Error('flatpak, flatpak-builder or ostree is still missing after apt-get install.')
    }
  }
  const rofilesFuse = await fuseUsable()
  core.info(`flatpak ${flatpak}, flatpak-builder ${flatpakBuilder}, ostree ${ostree}`)
  core.info(
    rofilesFuse
      ? 'FUSE works: flatpak-builder uses rofiles-fuse.'
      : 'No usable /dev/fuse: building with --disable-rofiles-fuse.'
  )
  return { flatpak, flatpakBuilder, rofilesFuse }
}
