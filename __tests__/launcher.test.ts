import { describe, expect, it } from 'vitest'
import { launcherLines } from '../src/pure/launcher.js'

describe('launcherLines', () => {
  it('runs a module with the app Python, passing every argument through', () => {
    expect(launcherLines({ kind: 'module', module: 'hello.cli' })).toEqual([
      'exec /app/bin/python3 -m hello.cli "$@"'
    ])
  })
  it('runs a console script from /app/bin', () => {
    expect(launcherLines({ kind: 'script', script: 'hello-cli' })).toEqual(['exec /app/bin/hello-cli "$@"'])
  })
  it.each(['a b', 'x;rm', '$(id)', '`id`', "it's", '-n'])('refuses to write %j into the script', name => {
    expect(() => launcherLines({ kind: 'script', script: name })).toThrow(/Refusing/)
  })
})
