import { describe, expect, it } from 'vitest'
import { howItEnded, matchesWithin, run, runChecked, stopChildren } from '../src/effects/exec.js'

const node = (code: string): [string, ...string[]] => [process.execPath, '-e', code]

describe('run', () => {
  it('keeps only the last lines, cuts endless lines, and sees every line as it comes', async () => {
    let seen = 0
    const result = await run(
      node('for (let i = 0; i < 1000; i++) console.log("line " + i); console.log("x".repeat(200000))'),
      {
        silent: true,
        tail: 10,
        onLine: () => seen++
      }
    )
    expect(result.exitCode).toBe(0)
    // The long line is one line, cut: the rest of it is dropped, however many pieces it comes in.
    expect(seen).toBe(1001)
    expect(result.lines).toHaveLength(10)
    expect(result.lines.at(-1)!.text.length).toBeLessThan(70_000)
    expect(result.lines.some(l => l.text === 'line 999')).toBe(true)
  })

  it('names the signal that ended a program', async () => {
    const argv = node('process.kill(process.pid, "SIGKILL")')
    const result = await run(argv, { silent: true })
    expect(result.signal).toBe('SIGKILL')
    expect(howItEnded(argv, result)).toMatch(/was killed by SIGKILL$/)
    await expect(runChecked('Probing', argv, { silent: true })).rejects.toThrow(
      /Probing failed \(.* was killed by SIGKILL\)/
    )
  })

  it("gives programs none of the runner's tokens", async () => {
    process.env.ACTIONS_RUNTIME_TOKEN = 'secret-for-the-test'
    try {
      const result = await run(node('console.log(String(process.env.ACTIONS_RUNTIME_TOKEN))'), {
        silent: true
      })
      expect(result.lines.map(l => l.text)).toEqual(['undefined'])
    } finally {
      delete process.env.ACTIONS_RUNTIME_TOKEN
    }
  })

  it('stops a program with everything it started', async () => {
    const started = Date.now()
    const running = run(
      node(
        'require("child_process").spawn("sleep", ["317"], { stdio: "inherit" }); setInterval(() => {}, 1000)'
      ),
      { silent: true }
    )
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(await stopChildren(1000)).toBe(1)
    const result = await running
    expect(result.signal).toBe('SIGTERM')
    expect(Date.now() - started).toBeLessThan(10_000)
    const left = await run(['pgrep', '-f', '^sleep 317$'], { silent: true })
    expect(left.lines).toEqual([])
  })
})

describe('matchesWithin', () => {
  it('matches as RegExp.test does', async () => {
    expect(await matchesWithin(/^Hello/m, 'x\nHello, world')).toBe(true)
    expect(await matchesWithin(/^Goodbye/m, 'Hello')).toBe(false)
  })

  it('stops a pattern that would never return, naming smoke-expect', async () => {
    await expect(matchesWithin(/^(a+)+$/, `${'a'.repeat(40)}!`, 1)).rejects.toThrow(
      /smoke-expect \/\^\(a\+\)\+\$\/ took more than 1 s to match/
    )
  })
})
