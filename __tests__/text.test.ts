import { describe, expect, it } from 'vitest'
import { inert, inertLine } from '../src/pure/text.js'

describe('text from programs and projects in the log', () => {
  it.each([
    ['::warning::gotcha', '\u200b::warning::gotcha'],
    ['   ::add-mask::x', '   \u200b::add-mask::x'],
    ['##[set-output name=a;]b', '\u200b##[set-output name=a;]b'],
    ['a line with :: inside', 'a line with :: inside'],
    ['Building module python3', 'Building module python3']
  ])('inertLine(%j)', (line, printed) => {
    expect(inertLine(line)).toBe(printed)
  })

  it('keeps a project name on one line, its line breaks escaped', () => {
    expect(inert('evil\n::warning::owned')).toBe('evil\\n::warning::owned')
    expect(inert('tally')).toBe('tally')
  })
})
