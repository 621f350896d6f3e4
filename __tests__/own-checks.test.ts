import { describe, expect, it } from 'vitest'
import { lintFindings } from '../src/pure/desktop/lint.js'
import { ownChecks, type BuiltAppFacts } from '../src/pure/desktop/own-checks.js'

const desktopApp: BuiltAppFacts = {
  gui: true,
  finishArgs: ['--socket=wayland'],
  metainfo: true,
  metainfoRefused: [],
  desktopFile: true,
  desktopFileRefused: [],
  icon: true,
  catalogue: true
}

describe("the action's own checks of what it built, in the linter's ids", () => {
  it('find nothing in a desktop app with every file Flathub wants', () => {
    expect(ownChecks(desktopApp).errors).toEqual([])
    expect(ownChecks({ ...desktopApp, gui: false, desktopFile: false, icon: false }).errors).toEqual([])
  })

  it.each<[Partial<BuiltAppFacts>, string[]]>([
    [{ metainfo: false, catalogue: false }, ['appstream-metainfo-missing']],
    [{ metainfoRefused: ['E: … tag-empty'] }, ['appstream-failed-validation']],
    [{ catalogue: false }, ['appstream-missing-appinfo-file']],
    [{ desktopFile: false }, ['desktop-file-not-installed']],
    [{ desktopFileRefused: ['error: …'] }, ['desktop-file-failed-validation']],
    [{ icon: false }, ['no-exportable-icon-installed']],
    [{ finishArgs: [] }, ['finish-args-not-defined']]
  ])('%o → %o', (over, ids) => {
    expect(ownChecks({ ...desktopApp, ...over }).errors).toEqual(ids)
  })

  it('read like the linter: each with what it means and how to fix it, validator lines as details', () => {
    const [finding] = lintFindings(
      ownChecks({ ...desktopApp, metainfoRefused: ['E: org.example.App:3: tag-empty name'] })
    )
    expect(finding).toMatchObject({
      id: 'appstream-failed-validation',
      details: ['E: org.example.App:3: tag-empty name']
    })
    expect(finding.fix.length).toBeGreaterThan(10)
  })
})
