import { describe, expect, it } from 'vitest'
import { childWindowIds, isViewable, tracebackLines } from '../src/pure/x11.js'

describe('what xwininfo says', () => {
  it("lists the root's children", () => {
    const text = `
xwininfo: Window id: 0x4b4 (the root window) (has no name)

  Root window id: 0x4b4 (the root window) (has no name)
  Parent window id: 0x0 (none)
     2 children:
     0x200003 "GtkProbe": ("gtkprobe" "Gtkprobe")  320x160+0+0  +0+0
     0x200001 (has no name): ()  1x1+-100+-100  +-100+-100
`
    expect(childWindowIds(text)).toEqual(['0x200003', '0x200001'])
  })

  it.each([
    ['  Map State: IsViewable', true],
    ['  Map State: IsUnMapped', false],
    ['  Map State: IsUnviewable', false]
  ])('%s', (line, viewable) => {
    expect(isViewable(`  Absolute upper-left X:  0\n${line}\n  Override Redirect State: no\n`)).toBe(viewable)
  })

  it('finds a traceback in what the app printed', () => {
    const lines = [
      'starting',
      'Traceback (most recent call last):',
      '  File "x.py", line 1',
      'ValueError: no'
    ]
    expect(tracebackLines(lines)).toEqual(lines.slice(1))
    expect(tracebackLines(['fine'])).toEqual([])
  })
})
