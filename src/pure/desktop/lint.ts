import { Input } from '../constants.js'

/**
 * Flathub's linter, flatpak-builder-lint, read and explained in terms of this action's inputs.
 * Its checks: https://docs.flathub.org/docs/for-app-authors/linter
 */

export const LINTER_DOCS = 'https://docs.flathub.org/docs/for-app-authors/linter'

/** What `flatpak-builder-lint --json` prints: the ids it found, and what it says about them. */
export interface LintOutput {
  errors: string[]
  warnings: string[]
  /** Its `info` lines, `id: text`, split. */
  info: { id: string; text: string }[]
  /** appstreamcli's lines, when the MetaInfo file failed validation. */
  appstream: string[]
  /** desktop-file-validate's lines, when the desktop file failed validation. */
  desktopfile: string[]
  /** The manifest's JSON schema errors. */
  jsonschema: string[]
  message?: string
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

/**
 * The linter's JSON report. It prints nothing at all when it finds nothing, so empty text is a
 * clean report. Throws when the text is not its report (it crashed, or printed a usage message).
 */
export function parseLintOutput(text: string): LintOutput {
  let parsed: unknown = {}
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      const start = text.trim().split('\n')[0].slice(0, 200)
      throw new Error(`flatpak-builder-lint did not print its JSON report; it printed: ${start}`)
    }
  }
  const report = parsed as Record<string, unknown>
  return {
    errors: strings(report.errors),
    warnings: strings(report.warnings),
    info: strings(report.info).map(line => {
      const at = line.indexOf(': ')
      return at === -1 ? { id: '', text: line } : { id: line.slice(0, at), text: line.slice(at + 2) }
    }),
    appstream: strings(report.appstream),
    desktopfile: strings(report.desktopfile),
    jsonschema: strings(report.jsonschema),
    ...(typeof report.message === 'string' ? { message: report.message } : {})
  }
}

/** One check the linter reported, with what it means and what to change. */
export interface LintFinding {
  id: string
  level: 'error' | 'warning'
  title: string
  explanation: string
  fix: string
  /** What the linter said about this check: its info lines, or the validator's lines. */
  details: string[]
  /** The check on the linter's docs page. */
  docs: string
}

type Text = string | ((name: string) => string)

interface CatalogueEntry {
  /** The check's id, or a pattern for the ids that carry a module, socket, path or name. */
  id: string | RegExp
  /** Its heading on the docs page, when that is not the id itself. */
  anchor?: string
  title: Text
  explanation: Text
  fix: Text
}

const FINISH_ARGS = Input.FinishArgs
const METAINFO = Input.Metainfo
const DESKTOP_FILE = Input.DesktopFile
const ICON = Input.Icon

// What a graphical app usually needs, said once.
const GUI_FINISH_ARGS = '--socket=wayland, --socket=fallback-x11, --share=ipc and --device=dri'

const permission = (what: string, instead: string): Pick<CatalogueEntry, 'explanation' | 'fix'> => ({
  explanation: `${FINISH_ARGS} gives the app ${what}. Flathub refuses it, or grants it only as an exception it reviews by hand.`,
  fix: `Remove it from ${FINISH_ARGS}; ${instead}`
})

const ACTION_MODULE = (name: string) =>
  `The action writes the modules python3, python3-requirements and the app's own (${name} here): if it wrote this, report it as a bug of flatpak-python-action.`

/**
 * Every check of flatpak-builder-lint this action explains: all the ids in the recorded outputs in
 * __tests__/fixtures/lint/, and the ones the linter's docs page lists.
 */
export const LINT_CATALOGUE: CatalogueEntry[] = [
  // The app-id, and the network check on its domain.
  {
    id: 'appid-url-not-reachable',
    title: "The app-id's domain or repository does not answer",
    explanation:
      'Flathub derives a web address from the app-id (https://acme.org for org.acme.Tally, the repository for io.github.user.App) and needs it to answer over HTTPS, as proof that the app belongs to whoever controls it.',
    fix: `Serve that address, or choose an ${Input.AppId} whose domain or code-hosting repository you control (io.github.<user>.<App> for a GitHub project).`
  },
  {
    id: 'appid-url-check-internal-error',
    title: 'The linter could not work out a web address from the app-id',
    explanation:
      "An internal error of the linter while it derived the address to check from the app-id's domain.",
    fix: `Check that ${Input.AppId} is reverse DNS (org.example.App); otherwise report it to flatpak-builder-lint.`
  },
  ...[
    ['appid-not-defined', 'The manifest has no app-id', 'The manifest has neither id nor app-id.'],
    [
      'appid-less-than-3-components',
      'The app-id has fewer than three parts',
      'An app-id has at least three dot-separated parts.'
    ],
    [
      'appid-too-many-components-for-app',
      'The app-id has too many parts',
      'An application ID has at most five parts.'
    ],
    [
      'appid-length-more-than-255-chars',
      'The app-id is longer than 255 characters',
      'An app-id is at most 255 characters.'
    ],
    [
      'appid-component-wrong-syntax',
      'A part of the app-id has a character Flathub refuses',
      'Each part holds only A-Z, a-z, 0-9 and _; a - only in the last part; no part starts with a digit.'
    ],
    [
      'appid-ends-with-lowercase-desktop',
      'The app-id ends in .desktop',
      'An app-id must not end in a generic word like .desktop, .app or .linux.'
    ],
    [
      'appid-uses-code-hosting-domain',
      'The app-id names a code-hosting site the wrong way round',
      'Apps hosted on github.com, gitlab.com or codeberg.org use the io.github., io.gitlab. or page.codeberg. prefixes; com.github. and the like are the sites’ own.'
    ],
    [
      'appid-code-hosting-too-few-components',
      'A code-hosting app-id needs four parts',
      'An app-id on a code-hosting domain names the user and the project: io.github.<user>.<App>.'
    ]
  ].map(([id, title, explanation]) => ({
    id,
    title,
    explanation: `${explanation} See https://docs.flathub.org/docs/for-app-authors/requirements#application-id.`,
    fix: `Choose an ${Input.AppId} that follows Flathub's rules; the MetaInfo <id>, the desktop file and the icon follow it.`
  })),
  {
    id: 'appid-filename-mismatch',
    title: "The manifest's file name is not the app-id",
    explanation: 'Flathub needs the manifest to be named <app-id>.json (or .yml).',
    fix: `Leave ${Input.ManifestPath} at its default, or end it in /<app-id>.json.`
  },
  {
    id: /^appid-unprefixed-bundled-extension-(.+)$/,
    anchor: 'appid-unprefixed-bundled-extension-extension_id',
    title: name => `The bundled extension ${name} is not named after the app`,
    explanation: 'A bundled extension’s id starts with the app-id.',
    fix: 'The action bundles no extension: report this as a bug of flatpak-python-action.'
  },

  // MetaInfo and the AppStream catalogue.
  {
    id: 'appstream-metainfo-missing',
    title: 'The app has no MetaInfo file',
    explanation:
      'Flathub lists an app from its MetaInfo file, share/metainfo/<app-id>.metainfo.xml: its name, summary, description, licence, screenshots and releases.',
    fix: `Give your own file as ${METAINFO}, or let the action write one from the project's metadata (it says what it could not fill in).`
  },
  {
    id: 'appstream-missing-appinfo-file',
    title: 'No AppStream catalogue was made',
    explanation:
      'flatpak-builder composes the catalogue (share/app-info) from the MetaInfo file; with no MetaInfo file, or one whose id, file name and launchable do not match the app-id, there is none.',
    fix: `Give ${METAINFO} (or let the action write it) with <id> the app-id; this goes away with appstream-metainfo-missing.`
  },
  {
    id: 'appstream-missing-appinfo',
    title: 'No AppStream catalogue directory was made',
    explanation: 'The build has no files/share/app-info: the MetaInfo file was missing, or compose failed.',
    fix: `Give ${METAINFO} (or let the action write it) with <id> and the launchable matching the app-id.`
  },
  {
    id: 'appstream-failed-validation',
    title: 'The MetaInfo file does not validate',
    explanation:
      "Flathub runs appstreamcli validate on the MetaInfo file and takes its warnings as errors too; it also raises some notes to errors (content-rating-missing, releases-info-missing, desktop-app-launchable-omitted, unknown-tag…). The validator's lines are below.",
    fix: `Correct the file you give as ${METAINFO}; check it with flatpak run --command=flatpak-builder-lint org.flatpak.Builder appstream <file>.`
  },
  {
    id: 'appstream-id-mismatch-flatpak-id',
    title: 'The MetaInfo <id> is not the app-id',
    explanation: "Flathub needs the MetaInfo file's <id> to be exactly the app-id.",
    fix: `Write <id><app-id></id> in ${METAINFO}, or change ${Input.AppId}.`
  },
  {
    id: 'appstream-launchable-file-missing',
    title: "The MetaInfo file's launchable names a desktop file the app does not install",
    explanation:
      'The MetaInfo file has <launchable type="desktop-id"><app-id>.desktop</launchable>, but share/applications/<app-id>.desktop is not in the build.',
    fix: `Give ${DESKTOP_FILE}, or let the action write one for a desktop application; a console application needs type="console-application" and no launchable.`
  },
  {
    id: 'appstream-missing-developer-name',
    title: 'The MetaInfo file names no developer',
    explanation: 'Flathub needs a <developer id="reverse.dns"><name>…</name></developer>.',
    fix: `Add authors = [{ name = "…" }] to the project's [project] table and let the action write the file, or add <developer> to ${METAINFO}.`
  },
  {
    id: 'appstream-missing-project-license',
    title: 'The MetaInfo file has no project licence',
    explanation: 'Flathub needs <project_license> with an SPDX expression.',
    fix: `Declare the licence the PEP 639 way, license = "MIT" in [project], and let the action write the file, or add <project_license> to ${METAINFO}.`
  },
  {
    id: 'appstream-missing-icon-file',
    title: 'No 128 px icon was made for the catalogue',
    explanation:
      'appstreamcli compose makes the store icon from a PNG of at least 128×128 or an SVG installed under share/icons/hicolor, found through the desktop file.',
    fix: `Give ${ICON}, an SVG or a square PNG of at least 256×256, and a desktop file whose Icon= is the app-id.`
  },
  {
    id: 'appstream-missing-icon-key',
    title: 'The catalogue has no icon',
    explanation: 'appstreamcli compose found no icon for the app; other errors usually say why.',
    fix: `Give ${ICON} and a desktop file whose Icon= is the app-id.`
  },
  {
    id: 'appstream-icon-key-no-type',
    title: 'An icon in the catalogue has no type',
    explanation: 'A MetaInfo <icon> needs type="stock" or type="remote".',
    fix: `Correct the <icon> of ${METAINFO}, or drop it and give ${ICON}.`
  },
  {
    id: 'appstream-remote-icon-not-mirrored',
    title: 'A remote icon was not mirrored to Flathub',
    explanation:
      'Flathub mirrors remote icons when it builds the app; this comes up for apps built elsewhere.',
    fix: `Give ${ICON} to install the icon instead of linking it.`
  },
  {
    id: 'appstream-missing-screenshots',
    title: 'The catalogue has no screenshots',
    explanation:
      'Flathub needs screenshots for a graphical app; they come from the MetaInfo file and are fetched when the catalogue is composed.',
    fix: `Add <screenshots> with image URLs (from a tag or a commit) to ${METAINFO}.`
  },
  {
    id: 'appstream-screenshots-not-mirrored-in-ostree',
    title: 'The repository has no screenshots ref',
    explanation:
      'An app uploaded to Flathub from outside its build service must bring its screenshots as a screenshots/<arch> ref. Flathub makes that ref itself when it builds the submitted manifest, so this only matters for a direct upload of this repository.',
    fix: 'Submit the manifest to Flathub, which builds the app and mirrors its screenshots itself; nothing to change in the action for that.'
  },
  {
    id: 'appstream-screenshots-files-not-found-in-ostree',
    title: 'Screenshots of the catalogue are not in the screenshots ref',
    explanation:
      'The catalogue names mirrored screenshots that the repository’s screenshots ref does not hold; this matters only for a direct upload.',
    fix: 'Submit the manifest to Flathub, which mirrors the screenshots itself.'
  },
  {
    id: 'appstream-external-screenshot-url',
    title: 'Screenshots are not mirrored to Flathub',
    explanation:
      'Flathub serves screenshots from dl.flathub.org/media, mirrored when it builds the app; this comes up for apps built elsewhere, or when mirroring failed.',
    fix: 'Submit the manifest to Flathub (or rebuild there if mirroring failed).'
  },
  {
    id: 'appstream-unsupported-component-type',
    title: 'The MetaInfo component type is not one Flathub takes',
    explanation:
      'Flathub takes desktop-application, console-application, addon and runtime (and the old desktop).',
    fix: `Use <component type="desktop-application"> or type="console-application" in ${METAINFO}.`
  },
  {
    id: 'appstream-multiple-components',
    title: 'The catalogue has more than one component',
    explanation: 'The composed catalogue should describe the app alone.',
    fix: `Install one MetaInfo file, ${METAINFO}, for the app.`
  },
  {
    id: 'appstream-no-flathub-manifest-key',
    title: 'The MetaInfo file does not say where the manifest is',
    explanation:
      'An app uploaded directly to Flathub names its manifest in <custom><value key="flathub::manifest">…</value></custom>; an app Flathub builds does not need it.',
    fix: `Submit the manifest to Flathub, or add the flathub::manifest key to ${METAINFO} for a direct upload.`
  },
  {
    id: 'appstream-release-tag-missing-timestamp',
    title: 'A release has no date',
    explanation: 'Each <release> needs date="YYYY-MM-DD", from which the catalogue’s timestamp is made.',
    fix: `Add the date to each <release> of ${METAINFO}.`
  },
  {
    id: 'appstream-latest-release-is-prerelease',
    title: 'The newest release is a pre-release',
    explanation: 'Flathub stable takes only stable releases.',
    fix: `Make the newest <release> of ${METAINFO} a stable one.`
  },
  {
    id: 'appstream-missing-categories',
    title: 'The catalogue has no categories',
    explanation:
      'Categories come from the desktop file; generic ones (GTK, Qt, GNOME, KDE, Application) are dropped, so none may be left.',
    fix: `Give the desktop file a main category (Utility, Office, Development…), in ${DESKTOP_FILE} or in what the action writes.`
  },
  {
    id: 'appstream-name-too-long',
    title: 'The name is longer than 20 characters',
    explanation: 'Software centres cut long names.',
    fix: `Shorten <name> in ${METAINFO}, or the name the action writes.`
  },
  {
    id: 'appstream-summary-too-long',
    title: 'The summary is longer than 35 characters',
    explanation: 'Software centres cut long summaries.',
    fix: `Shorten <summary> in ${METAINFO}, or the project's [project].description the action takes it from.`
  },
  {
    id: 'appstream-screenshot-missing-caption',
    title: 'A screenshot has no caption',
    explanation: 'Each screenshot should say what it shows.',
    fix: `Add <caption> to each <screenshot> of ${METAINFO}.`
  },
  {
    id: 'metainfo-missing-component-tag',
    title: 'The MetaInfo file has no <component>',
    explanation: 'A MetaInfo file starts with <component type="…">.',
    fix: `Correct ${METAINFO}, or let the action write the file.`
  },
  {
    id: 'metainfo-missing-component-type',
    title: 'The MetaInfo component has no type',
    explanation: 'The <component> needs a type attribute.',
    fix: `Write <component type="desktop-application"> or type="console-application" in ${METAINFO}.`
  },
  {
    id: 'metainfo-launchable-tag-wrong-value',
    title: "The MetaInfo launchable is not the app's desktop file",
    explanation: 'The desktop-id launchable is <app-id>.desktop.',
    fix: `Write <launchable type="desktop-id"><app-id>.desktop</launchable> in ${METAINFO}.`
  },
  {
    id: 'metainfo-missing-launchable-tag',
    title: 'The MetaInfo file has no launchable',
    explanation: 'A desktop application names its desktop file in <launchable type="desktop-id">.',
    fix: `Add <launchable type="desktop-id"><app-id>.desktop</launchable> to ${METAINFO}.`
  },
  {
    id: 'metainfo-missing-screenshots',
    title: 'The MetaInfo file has no screenshots',
    explanation: 'A graphical app needs at least one screenshot under screenshots/screenshot/image.',
    fix: `Add <screenshots> to ${METAINFO}.`
  },
  {
    id: 'metainfo-svg-screenshots',
    title: 'A screenshot is an SVG',
    explanation: 'Screenshots are PNG or JPEG images.',
    fix: `Link PNG screenshots in ${METAINFO}.`
  },

  // The desktop file.
  {
    id: 'desktop-file-not-installed',
    title: 'The app installs no desktop file',
    explanation:
      'A graphical app installs share/applications/<app-id>.desktop, so launchers can show and start it; a console application may do without.',
    fix: `Give ${DESKTOP_FILE}, or let the action write one for a desktop application; for an app that runs in a terminal, make the MetaInfo type console-application.`
  },
  {
    id: 'desktop-file-failed-validation',
    title: 'The desktop file does not validate',
    explanation: "Flathub runs desktop-file-validate on the app's desktop files; its lines are below.",
    fix: `Correct ${DESKTOP_FILE}; check it with desktop-file-validate.`
  },
  {
    id: 'desktop-file-exec-key-absent',
    title: 'The desktop file has no Exec',
    explanation: 'A desktop file needs Exec=, even with DBusActivatable=true.',
    fix: `Add Exec=<command> to ${DESKTOP_FILE}.`
  },
  {
    id: 'desktop-file-exec-key-empty',
    title: "The desktop file's Exec is empty",
    explanation: 'Flatpak puts a fallback in, but Exec should name the command.',
    fix: `Write Exec=<command> in ${DESKTOP_FILE}.`
  },
  {
    id: 'desktop-file-exec-has-flatpak-run',
    title: "The desktop file's Exec runs flatpak run",
    explanation: 'Flatpak rewrites Exec into a flatpak run line itself when it installs the app.',
    fix: `Write Exec=<command> in ${DESKTOP_FILE}.`
  },
  {
    id: 'desktop-file-icon-key-absent',
    title: 'The desktop file has no Icon',
    explanation: 'A graphical app’s desktop file names its icon.',
    fix: `Write Icon=<app-id> in ${DESKTOP_FILE} and give ${ICON}.`
  },
  {
    id: 'desktop-file-icon-key-empty',
    title: "The desktop file's Icon is empty",
    explanation: 'Icon= must name the icon.',
    fix: `Write Icon=<app-id> in ${DESKTOP_FILE}.`
  },
  {
    id: 'desktop-file-icon-key-wrong-value',
    title: "The desktop file's Icon is not named after the app-id",
    explanation: 'Flatpak exports only icons named <app-id>, <app-id>.foo or <app-id>-foo.',
    fix: `Write Icon=<app-id> in ${DESKTOP_FILE}; the action installs ${ICON} under that name.`
  },
  {
    id: 'desktop-file-icon-not-installed',
    title: "The desktop file's icon is not installed",
    explanation: 'The icon Icon= names is not under share/icons/hicolor with that name.',
    fix: `Give ${ICON}; the action installs it as <app-id>.svg or .png.`
  },
  {
    id: 'desktop-file-is-hidden',
    title: 'The desktop file hides the app',
    explanation: 'Hidden=true hides the app from every launcher.',
    fix: `Remove Hidden=true from ${DESKTOP_FILE}.`
  },
  {
    id: 'desktop-file-is-nodisplay',
    title: 'The desktop file keeps the app out of menus',
    explanation: 'NoDisplay=true is allowed only for console applications.',
    fix: `Remove NoDisplay=true from ${DESKTOP_FILE}, or make the MetaInfo type console-application.`
  },
  {
    id: 'desktop-file-terminal-key-not-true',
    title: "A console application's desktop file does not open a terminal",
    explanation: 'A console application that shows in menus needs Terminal=true.',
    fix: `Write Terminal=true in ${DESKTOP_FILE}.`
  },
  {
    id: 'desktop-file-low-quality-category',
    title: 'The desktop file names only generic categories',
    explanation: 'GTK, Qt, KDE, GNOME and Application say nothing of what the app does and are dropped.',
    fix: `Add a main category (Utility, Office, Development, Graphics…) to ${DESKTOP_FILE}.`
  },

  // Icons.
  {
    id: 'no-exportable-icon-installed',
    title: 'The app installs no icon',
    explanation:
      'Flatpak exports icons named after the app-id from share/icons/hicolor/<size>/apps or scalable/apps; the build has none.',
    fix: `Give ${ICON}, an SVG or a square PNG of at least 256×256; the action installs it under the app-id.`
  },
  {
    id: 'non-svg-icon-in-scalable-folder',
    title: 'A non-SVG icon is in the scalable folder',
    explanation: 'share/icons/hicolor/scalable holds only SVG icons.',
    fix: `Give ${ICON} as an SVG, or as a PNG, which goes to its size's folder.`
  },
  {
    id: 'non-png-icon-in-hicolor-size-folder',
    title: 'A non-PNG icon is in a size folder',
    explanation: 'share/icons/hicolor/<size> folders hold only PNG icons.',
    fix: `Give ${ICON} as a PNG, or as an SVG, which goes to scalable.`
  },

  // finish-args.
  {
    id: 'finish-args-not-defined',
    title: 'The app has no sandbox permissions',
    explanation:
      'The manifest has no finish-args. Flathub needs the permissions written down; an app with none at all is allowed only as a console application that needs nothing.',
    fix: `Set ${FINISH_ARGS} to what the app needs: ${GUI_FINISH_ARGS} for a graphical app; for a console app the one it uses, like --filesystem=xdg-documents or --share=network.`
  },
  {
    id: 'finish-args-arbitrary-dbus-access',
    title: 'The app can talk to the whole session or system bus',
    ...permission(
      '--socket=session-bus or --socket=system-bus',
      'ask for the bus names it uses with --talk-name=.'
    )
  },
  {
    id: 'finish-args-flatpak-spawn-access',
    title: 'The app can run commands on the host',
    ...permission('--talk-name=org.freedesktop.Flatpak', 'use a portal for what the app does on the host.')
  },
  {
    id: 'finish-args-incorrect-dbus-gvfs',
    title: 'The app asks for org.gtk.vfs, which does nothing',
    explanation: '--talk-name=org.gtk.vfs grants nothing; GVFS needs other names.',
    fix: `Remove it from ${FINISH_ARGS}; see https://docs.flatpak.org/en/latest/sandbox-permissions.html#gvfs-access.`
  },
  {
    id: 'finish-args-unnecessary-appid-own-name',
    title: 'The app asks to own its own bus name',
    explanation: 'Flatpak lets an app own its app-id on the bus already.',
    fix: `Remove --own-name=<app-id> from ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-unnecessary-appid-(mpris-own|talk)-name$/,
    anchor: 'finish-args-unnecessary-appid-own-name',
    title: 'The app asks for a bus name Flatpak grants anyway',
    explanation: 'Flatpak grants its own app-id’s names (and its MPRIS name) already.',
    fix: `Remove that --own-name or --talk-name from ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-absolute-home-path',
    title: 'A filesystem permission names /home',
    explanation: '/home/<user> paths work on one machine only.',
    fix: `Write --filesystem=~/dir or --filesystem=home/dir in ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-absolute-run-media-path',
    title: 'A filesystem permission names one removable drive',
    explanation: '/run/media/<user>/<drive> is specific to one user and one device.',
    fix: `Write --filesystem=/run/media in ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-((?:home|host|host-etc|host-os)(?:-ro)?)-filesystem-access$/,
    anchor: 'finish-args-home-filesystem-access',
    title: name =>
      `The app can read${name.endsWith('-ro') ? '' : ' and write'} the whole ${name.replace(/-ro$/, '')} filesystem`,
    ...permission(
      'a whole filesystem',
      'use the file chooser portal, or a narrower directory like --filesystem=xdg-documents.'
    )
  },
  {
    id: 'finish-args-redundant-home-and-host',
    title: 'The app asks for home and host',
    explanation: '--filesystem=host includes home.',
    fix: `Keep one of them in ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-fallback-x11-without-wayland',
    title: 'The app has Wayland but no X11 fallback',
    explanation: 'Without --socket=fallback-x11 the app does not start in an X11 session.',
    fix: `Add --socket=fallback-x11 to ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-only-wayland',
    title: 'The app has Wayland and no X11 at all',
    explanation: 'It would not start in an X11 session.',
    fix: `Add --socket=fallback-x11 to ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-contains-both-x11-and-wayland',
    title: 'The app asks for X11 and Wayland',
    explanation:
      'An app with native Wayland uses --socket=wayland with --socket=fallback-x11; one without uses --socket=x11 alone.',
    fix: `Keep --socket=wayland and --socket=fallback-x11, or --socket=x11 alone, in ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-contains-both-x11-and-fallback',
    title: 'The app asks for X11 and the X11 fallback',
    explanation: '--socket=fallback-x11 is only for apps that also use Wayland.',
    fix: `Keep one of them in ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-x11-without-ipc',
    title: 'The app uses X11 without --share=ipc',
    explanation: 'X11 apps need SysV IPC for shared memory.',
    fix: `Add --share=ipc to ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-deprecated-shm',
    title: '--device=shm is deprecated',
    explanation: 'It is no longer needed.',
    fix: `Remove --device=shm from ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-redundant-device-all',
    title: 'The app asks for all devices and one device',
    explanation: '--device=all includes every other device.',
    fix: `Keep one of them in ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-(portal|portal-impl-\w+)-(system-)?talk-name$/,
    anchor: 'finish-args-portal-talk-name',
    title: 'The app asks for a portal bus name',
    explanation:
      'Portals are allowed to every app; asking for them does nothing, and the portal backends are not for apps.',
    fix: `Remove --talk-name=org.freedesktop.portal.* (and impl.portal.*) from ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-freedesktop-dbus-(system-)?talk-name$/,
    anchor: 'finish-args-freedesktop-dbus-talk-name',
    title: 'The app asks to talk to the D-Bus daemon itself',
    ...permission('org.freedesktop.DBus', 'apps reach the bus without it.')
  },
  {
    id: /^finish-args-wildcard-(\w+)-(system-)?(talk|own)-name$/,
    anchor: 'finish-args-wildcard-freedesktop-talk-name',
    title: name => `The app asks for every org.${name}.* bus name`,
    ...permission('a wildcard over a well-known bus namespace', 'name the exact bus names it uses.')
  },
  {
    id: /^finish-args-(system-)?own-name-(.+)$/,
    anchor: 'finish-args-own-name-cpt',
    title: 'The app asks to own a bus name that is not its own',
    ...permission('a bus name outside its app-id', 'own names under the app-id only.')
  },
  {
    id: /^finish-args-arbitrary-xdg-(\w+)-(\w+-)?access$/,
    anchor: 'finish-args-arbitrary-xdg-data-mode-access',
    title: name => `The app can reach the whole host xdg-${name} directory`,
    ...permission(
      'the host’s XDG data, config or cache directory',
      'Flatpak gives each app its own under ~/.var/app.'
    )
  },
  {
    id: /^finish-args-unnecessary-xdg-(\w+)-(.+)-access$/,
    anchor: 'finish-args-unnecessary-xdg-data-subdir-mode-access',
    title: name => `The app reaches into the host xdg-${name} directory`,
    ...permission(
      'a folder of the host’s XDG directories',
      'Flatpak gives each app its own under ~/.var/app.'
    )
  },
  {
    id: /^finish-args-has-nosocket-(.+)$/,
    anchor: 'finish-args-has-nosocket-socket_name',
    title: name => `finish-args has --nosocket=${name}`,
    explanation: 'Taking away a socket the app never had does nothing in a build.',
    fix: `Remove it from ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-has-nodevice-(.+)$/,
    anchor: 'finish-args-has-nodevice-device_name',
    title: name => `finish-args has --nodevice=${name}`,
    explanation: 'Taking away a device the app never had does nothing in a build.',
    fix: `Remove it from ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-has-unshare-(.+)$/,
    anchor: 'finish-args-has-unshare-subsystem',
    title: name => `finish-args has --unshare=${name}`,
    explanation: 'Unsharing what the app never shared does nothing in a build.',
    fix: `Remove it from ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-reserved-(.+)$/,
    anchor: 'finish-args-reserved-dir_name',
    title: name => `finish-args asks for /${name}, which Flatpak reserves`,
    explanation: 'Flatpak or the runtime provide these paths; asking for them does nothing.',
    fix: `Remove that --filesystem from ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-uses-no-talk-name',
    title: 'finish-args takes bus names away',
    explanation: '--no-talk-name and --no-system-talk-name are not allowed.',
    fix: `Remove them from ${FINISH_ARGS}.`
  },
  {
    id: 'finish-args-metadata-key',
    title: 'finish-args uses --metadata',
    explanation: 'Flathub does not allow --metadata in finish-args.',
    fix: `Remove it from ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-(no|insufficient)-required-flatpak$/,
    anchor: 'finish-args-no-required-flatpak',
    title: 'A permission needs a newer Flatpak than the app asks for',
    explanation: 'Permissions like --device=input or --device=usb need Flatpak 1.16 or later.',
    fix: `Add --require-version=1.16.0 to ${FINISH_ARGS}.`
  },
  {
    id: /^finish-args-(arbitrary-autostart|autostart-filesystem)-access$/,
    anchor: 'finish-args-arbitrary-autostart-access',
    title: 'The app can write autostart entries',
    ...permission('~/.config/autostart', 'use the Background portal to start with the session.')
  },
  {
    id: /^finish-args-(.+)$/,
    title: name => `finish-args has a permission Flathub questions (${name})`,
    ...permission('a permission Flathub reviews', 'keep only what the app needs, and prefer portals.')
  },

  // Modules and the manifest.
  {
    id: /^module-(.+)-build-network-access$/,
    anchor: 'module-module_name-build-network-access',
    title: name => `The module ${name} reaches the network while it builds`,
    explanation:
      "Flathub builds without the network: a module with --share=network in its build-args is refused. The action gives its modules the network only when build-network is on, so that pip can resolve and download the app's requirements.",
    fix: `Leave ${Input.BuildNetwork} off (false): the action then pins every requirement by sha256 as a source that flatpak-builder downloads before the build, as Flathub needs.`
  },
  {
    id: 'manifest-toplevel-build-network-access',
    title: 'The whole build reaches the network',
    explanation:
      'Flathub builds without the network; --share=network in the top-level build-args is refused.',
    fix: `Leave ${Input.BuildNetwork} off (false).`
  },
  {
    id: /^module-(.+)-source-(sha1|md5)-deprecated$/,
    anchor: 'module-module_name-source-sha1-deprecated',
    title: name => `A source of the module ${name} is checked with an old hash`,
    explanation: 'Sources are checked with sha256 or sha512.',
    fix: ACTION_MODULE
  },
  {
    id: /^module-(.+)-source-(git-.+|dest-filename-is-path|dir-not-allowed)$/,
    anchor: 'module-module_name-source-git-branch',
    title: name => `A source of the module ${name} is not pinned the way Flathub needs`,
    explanation:
      'Flathub needs git sources pinned to a commit or tag over https, file names without directories, and no local directories.',
    fix: ACTION_MODULE
  },
  {
    id: /^module-(.+)-(buildsystem-is-plain-cmake|checker-tracks-commits|cleanup-debug|multiple-git-sources-stacked|cmake-no-debuginfo)$/,
    anchor: 'module-module_name-cleanup-debug',
    title: name => `The module ${name} does something Flathub advises against`,
    explanation: 'See the check on the docs page.',
    fix: ACTION_MODULE
  },
  {
    id: /^module-(.+)-(autotools|cmake)-.+$/,
    anchor: 'module-module_name-autotools-non-release-build',
    title: name => `The module ${name} is built in a way Flathub does not take`,
    explanation: 'Flathub needs release builds, without a --prefix or CMAKE_INSTALL_PREFIX of their own.',
    fix: ACTION_MODULE
  },
  {
    id: 'toplevel-no-command',
    title: 'The manifest has no command',
    explanation: 'Every app manifest names the command that starts it.',
    fix: 'The action always writes command: report this as a bug of flatpak-python-action.'
  },
  {
    id: 'toplevel-command-is-path',
    title: "The manifest's command is a path",
    explanation: 'The command is a name in /app/bin, not a path.',
    fix: `Set ${Input.Command} to a name, like tally.`
  },
  {
    id: 'toplevel-no-modules',
    title: 'The manifest has no modules',
    explanation: 'A manifest builds at least one module.',
    fix: 'The action always writes modules: report this as a bug of flatpak-python-action.'
  },
  {
    id: 'toplevel-cleanup-debug',
    title: 'The manifest cleans up /lib/debug',
    explanation: 'flatpak-builder makes the debug extension from /lib/debug.',
    fix: 'The action does not clean /lib/debug: report this as a bug of flatpak-python-action.'
  },
  {
    id: 'toplevel-unnecessary-branch',
    title: 'The manifest sets a branch',
    explanation: "Flathub sets an app's branch itself when it builds it.",
    fix: `Leave ${Input.Branch} at its default in the manifest you submit to Flathub.`
  },
  {
    id: /^manifest-(unknown-properties|json-warnings|invalid-json|invalid-yaml|file-is-symlink|directory-too-large)$/,
    anchor: 'manifest-unknown-properties',
    title: name => `The manifest is not what flatpak-builder reads (${name})`,
    explanation: 'The manifest has properties or a form flatpak-builder does not take.',
    fix: 'The action writes the manifest: report this as a bug of flatpak-python-action.'
  },
  {
    id: /^jsonschema-(schema|validation)-error$/,
    anchor: 'jsonschema-validation-error',
    title: 'The manifest does not fit the manifest schema',
    explanation: "The linter checks the manifest against flatpak-builder's JSON schema; its lines are below.",
    fix: 'The action writes the manifest: report this as a bug of flatpak-python-action, with the lines below.'
  },
  {
    id: /^runtime-is-eol-(.+)$/,
    anchor: 'runtime-is-eol-id-branch',
    title: name => `The runtime ${name} is end-of-life`,
    explanation:
      'It gets no more security updates; Flathub refuses new apps on it, and old ones once it is three releases old.',
    fix: `Set ${Input.RuntimeVersion} to a current version of ${Input.Runtime}.`
  },
  {
    id: /^runtime-update-available-to-(.+)$/,
    anchor: 'runtime-update-available-to-id-branch',
    title: name => `A newer runtime is available: ${name}`,
    explanation: 'A newer branch of the runtime is on Flathub.',
    fix: `Set ${Input.RuntimeVersion} to it when the app works there.`
  },
  {
    id: /^elf-arch-(not-found|multiple-found)$/,
    anchor: 'elf-arch-not-found',
    title: 'Binaries in the app are not for its architecture',
    explanation: 'Every ELF file should be built for the architecture of the build.',
    fix: `Check ${Input.Arch}, and that no requirement brings wheels for another architecture.`
  },
  {
    id: 'flatpak-repo-too-large',
    title: 'The repository is too large for Flathub',
    explanation: 'Flathub takes at most 10 GB for an app.',
    fix: 'Leave large data out of the app, or fetch it as extra-data.'
  },
  {
    id: /^(flathub-json-.+|flat-manager-.+|external-gitmodule-url-found|stale-exceptions-found)$/,
    anchor: 'flathub-json-excluded-all-arches',
    title: name => `A check of Flathub's own repository and upload (${name})`,
    explanation:
      "It is about flathub.json, Flathub's upload service or the app's repository on Flathub, not what the action builds.",
    fix: 'Follow the docs page when you submit the app to Flathub.'
  }
]

// The request itself failed: no answer came, so nothing is known about the address. Anything
// else (an HTTP status, a TLS error) is the server's answer.
const REQUEST_FAILED =
  /\| Request exception: (ConnectionError|ConnectTimeout|ReadTimeout|Timeout|ProxyError) \|/

/** The checks that need the network, and whether this run could reach it. */
function offline(id: string, details: string[]): boolean {
  return id === 'appid-url-not-reachable' && details.length > 0 && details.every(d => REQUEST_FAILED.test(d))
}

function lookUp(id: string): { entry?: CatalogueEntry; name: string } {
  for (const entry of LINT_CATALOGUE) {
    if (typeof entry.id === 'string' ? entry.id === id : entry.id.test(id)) {
      const match = typeof entry.id === 'string' ? undefined : entry.id.exec(id)
      return { entry, name: match?.[1] ?? id }
    }
  }
  return { name: id }
}

const text = (t: Text, name: string) => (typeof t === 'string' ? t : t(name))

/** One finding per check the linter reported, errors first, each with what it means and what to change. */
export function lintFindings(output: LintOutput): LintFinding[] {
  const reported = [
    ...output.errors.map(id => ({ id, level: 'error' as const })),
    ...output.warnings.map(id => ({ id, level: 'warning' as const }))
  ].filter((r, i, all) => all.findIndex(o => o.id === r.id) === i)
  const findings = reported.map(({ id, level }): LintFinding => {
    const details = [
      ...output.info.filter(i => i.id === id).map(i => i.text),
      ...(id === 'appstream-failed-validation' ? output.appstream : []),
      ...(id === 'desktop-file-failed-validation' ? output.desktopfile : []),
      ...(id.startsWith('jsonschema-') ? output.jsonschema : [])
    ]
    const { entry, name } = lookUp(id)
    const docs = `${LINTER_DOCS}#${entry?.anchor ?? id}`
    if (!entry) {
      return {
        id,
        level,
        title: id,
        explanation: `flatpak-builder-lint reported ${id}, a check this version of the action does not explain yet.`,
        fix: `See ${docs}.`,
        details,
        docs
      }
    }
    if (offline(id, details)) {
      return {
        id,
        level: 'warning',
        title: 'The linter could not reach the app-id’s address from here',
        explanation: `${text(entry.explanation, name)} Here the request itself failed (no connection, no name resolution, or a time-out), so this says nothing about the address when the runner has no network; Flathub checks it again from its own builders.`,
        fix: `If the runner has the network, check the address in a browser: it may not exist. ${text(entry.fix, name)}`,
        details,
        docs
      }
    }
    return {
      id,
      level,
      title: text(entry.title, name),
      explanation: text(entry.explanation, name),
      fix: text(entry.fix, name),
      details,
      docs
    }
  })
  return findings.sort((a, b) =>
    a.level === b.level ? a.id.localeCompare(b.id) : a.level === 'error' ? -1 : 1
  )
}
