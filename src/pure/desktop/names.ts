/**
 * Names of the inputs the desktop feature adds, as action.yml will declare them. They live here
 * until the feature is wired in; then they belong with the others in ../constants.ts.
 */
export const DesktopInput = {
  /** The app's own MetaInfo file; without it the action writes one from the project's metadata. */
  Metainfo: 'metainfo',
  /** The app's own desktop file; without it the action writes one for a desktop application. */
  DesktopFile: 'desktop-file',
  /** The app's icon, an SVG or a square PNG. */
  Icon: 'icon'
} as const
