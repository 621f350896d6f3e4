import type { LintOutput } from './lint.js'

/** What the action found in the build directory and the repository after the build. */
export interface BuiltAppFacts {
  gui: boolean
  finishArgs: string[]
  /** /app/share/metainfo/<app-id>.metainfo.xml is there. */
  metainfo: boolean
  /** appstreamcli's lines when it refuses the installed MetaInfo file. */
  metainfoRefused: string[]
  desktopFile: boolean
  desktopFileRefused: string[]
  /** An icon named by the app-id under /app/share/icons/hicolor. */
  icon: boolean
  /** The catalogue flatpak-builder composed at its finish step (share/app-info or share/swcatalog). */
  catalogue: boolean
}

/**
 * The action's own checks of what it built, in the ids of Flathub's linter, so that they read the
 * same where the linter cannot be had. What the project or the inputs decide (finish-args) is a
 * check here too: the linter would report it.
 */
export function ownChecks(facts: BuiltAppFacts): LintOutput {
  const errors: string[] = []
  if (!facts.metainfo) errors.push('appstream-metainfo-missing')
  else if (facts.metainfoRefused.length > 0) errors.push('appstream-failed-validation')
  if (facts.metainfo && !facts.catalogue) errors.push('appstream-missing-appinfo-file')
  if (facts.gui && !facts.desktopFile) errors.push('desktop-file-not-installed')
  else if (facts.desktopFileRefused.length > 0) errors.push('desktop-file-failed-validation')
  if (facts.gui && !facts.icon) errors.push('no-exportable-icon-installed')
  if (facts.finishArgs.length === 0) errors.push('finish-args-not-defined')
  return {
    errors,
    warnings: [],
    info: [],
    appstream: facts.metainfoRefused,
    desktopfile: facts.desktopFileRefused,
    jsonschema: []
  }
}
