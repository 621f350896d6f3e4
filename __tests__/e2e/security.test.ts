/**
 * A pull request's code never reaches the runner: tried as a hostile pull request would, with the
 * real dist/index.js and the real flatpak. The runtime's python3 keeps these builds short: the
 * point is the sandboxes and the checks, not CPython.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { drive } from '../fixtures/services/drive.js'
import { startResultsService, type ResultsService } from '../fixtures/services/results-service.js'
import {
  APPS,
  copyApp,
  EXAMPLE_APP,
  jobRunner,
  jobStateDir,
  ROOT,
  localInputs,
  runAction,
  stateDir,
  writeFiles,
  type ActionRun
} from './action.js'

const f = inject('fixtures')
const runtime = { ...localInputs(f, stateDir(f, 'runtime')), 'python-version': 'runtime' }

describe('what the inputs and the repository name is checked before any work', () => {
  const before = async (inputs: Record<string, string>, workspace?: string): Promise<ActionRun> => {
    const run = await runAction(f, { ...runtime, ...inputs }, workspace ? { workspace } : {})
    expect(run.code).toBe(1)
    expect(run.log).not.toContain('[command]')
    return run
  }

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an app-path outside the workspace',
      { 'app-path': EXAMPLE_APP },
      /::error title=Input app-path::app-path '.*examples\/hello' is outside the workspace/
    ],
    [
      'a build-dir that is the workspace',
      { 'build-dir': '.' },
      /::error title=Input build-dir::build-dir '.*' is or contains the workspace/
    ],
    [
      'a build-dir of the runner',
      { 'build-dir': '/' },
      /::error title=Input build-dir::build-dir '\/' is outside the workspace/
    ],
    [
      'a manifest-path elsewhere',
      { 'manifest-path': '/etc/fpa.json' },
      /::error title=Input manifest-path::manifest-path '\/etc\/fpa\.json' is outside/
    ],
    [
      'a bundle through ..',
      { bundle: '../elsewhere.flatpak' },
      /::error title=Input bundle::bundle '.*elsewhere\.flatpak' is outside the workspace/
    ]
  ])('%s', async (_, inputs, message) => {
    const workspace = path.dirname(await copyApp(EXAMPLE_APP))
    const run = await before({ 'app-path': path.join(workspace, 'app'), ...inputs }, workspace)
    expect(run.errors.join('\n')).toMatch(message)
  })

  it('a bundle that is a symlink out of the workspace', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-outside-'))
    fs.symlinkSync(
      path.join(outside, 'stolen.flatpak'),
      path.join(path.dirname(app), 'org.example.Hello.flatpak')
    )
    const run = await before({ 'app-path': app })
    expect(run.errors.join('\n')).toMatch(
      /::error title=Input bundle::bundle '.*stolen\.flatpak' is outside the workspace/
    )
  })

  it('a build-dir that holds files of the user', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const run = await before({ 'app-path': app, 'build-dir': path.join(app, 'hello') })
    expect(run.errors.join('\n')).toMatch(
      /build-dir '.*\/hello' is a directory with files that are not a flatpak build/
    )
    expect(fs.existsSync(path.join(app, 'hello', '__main__.py'))).toBe(true)
  })

  it('an app-path that is a file', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const run = await before({ 'app-path': path.join(app, 'pyproject.toml') }, path.dirname(app))
    expect(run.errors.join('\n')).toMatch(
      /::error title=Input app-path::app-path '.*pyproject\.toml' is a file/
    )
  })

  it('requirements that can never be pinned, in the file and in what it includes, each named with its line', async () => {
    const app = await copyApp(path.join(APPS, 'with-requirements'))
    await writeFiles(app, {
      'requirements.txt':
        'fpa-pure\n-r more/extra.txt\n-e ./lib\nfpa-chain @ https://example.org/fpa-chain-1.0.tar.gz\n',
      'more/extra.txt':
        'fpa-markers\nfile:///srv/wheels/fpa_pure-1.0-py3-none-any.whl\ngit+https://github.com/example/fpa-vcs.git#egg=fpa-vcs\n'
    })
    const run = await before({ 'app-path': app, requirements: path.join(app, 'requirements.txt') })
    const errors = run.errors.filter(e => e.startsWith('::error title=Input requirements::'))
    expect(errors.map(e => /::(app\/\S+:\d+):/.exec(e)?.[1])).toEqual([
      'app/requirements.txt:3',
      'app/requirements.txt:4',
      'app/more/extra.txt:2',
      'app/more/extra.txt:3'
    ])
  })

  it('a project with an empty name, naming the file that says so', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const pyproject = fs.readFileSync(path.join(app, 'pyproject.toml'), 'utf8')
    await writeFiles(app, { 'pyproject.toml': pyproject.replace('name = "hello"', 'name = ""') })
    const run = await before({ 'app-path': app })
    expect(run.errors.join('\n')).toMatch(
      /::error title=Input app-path::app-path '.*': pyproject\.toml gives the project an empty name/
    )
  })

  it("a direct reference among the project's own dependencies", async () => {
    const app = await copyApp(path.join(APPS, 'declared-deps'))
    const pyproject = fs.readFileSync(path.join(app, 'pyproject.toml'), 'utf8')
    await writeFiles(app, {
      'pyproject.toml': pyproject.replace(
        'dependencies = [',
        'dependencies = ["fpa-vcs @ git+https://github.com/example/fpa-vcs.git", '
      )
    })
    const run = await before({ 'app-path': app })
    expect(run.errors.join('\n')).toContain(
      "::error title=Input app-path::pyproject.toml declares 'fpa-vcs @ git+https://github.com/example/fpa-vcs.git', a direct reference"
    )
  })

  it.each([
    [
      'command',
      'python3',
      /::error title=Input command::command 'python3' is the name of a file the Python module installs/
    ],
    [
      'pip-index-url',
      'http://pypi.example.org/simple',
      /::error title=Input pip-index-url::pip-index-url .* is plain http on another host/
    ],
    [
      'finish-args',
      '--socket=x11 --filesystem=host',
      /::error title=Input finish-args::finish-args line '--socket=x11 --filesystem=host' holds more than one option/
    ],
    [
      'remote-url',
      'https://example.org/repo',
      /::error title=Input remote-url::remote-url 'https:\/\/example\.org\/repo' is a repository without its GPG key/
    ]
  ])('%s %j', async (input, value, message) => {
    const run = await before({ 'app-path': EXAMPLE_APP, [input]: value })
    expect(run.errors.join('\n')).toMatch(message)
  })
})

describe('text from the project and its programs in the log', () => {
  it('is never taken for a workflow command', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const pyproject = fs.readFileSync(path.join(app, 'pyproject.toml'), 'utf8')
    // A name that would be a workflow command, were it logged as it is; pip refuses it later.
    await writeFiles(app, {
      'pyproject.toml': pyproject.replace('name = "hello"', 'name = "hello\\n::warning::owned"')
    })
    const run = await runAction(f, { ...runtime, 'app-path': app })
    expect(run.code).toBe(1)
    expect(run.log).toContain('Project hello\\n::warning::owned')
    expect(run.warnings.join('\n')).not.toContain('owned')
  })
})

describe('a hostile pull request in the sandboxes', () => {
  const hostDir = '/home/fpa-hostile'
  const secret = 'fpa-secret-token-4f1a'
  let run: ActionRun
  let app: string

  beforeAll(async () => {
    fs.rmSync(hostDir, { recursive: true, force: true })
    fs.mkdirSync(hostDir, { mode: 0o777 })
    app = await copyApp(EXAMPLE_APP)
    // Runs when pip resolves the app (metadata, build requirements) in the resolution sandbox.
    const attack = (where: string) => `
import os, pathlib
for target in [${JSON.stringify(hostDir)}, os.environ.get("RUNNER_TEMP", "/nonexistent"), ${JSON.stringify(path.dirname(app))}]:
    try:
        pathlib.Path(target, "${where}").write_text("written by the pull request")
        print("${where}: WROTE", target)
    except OSError as error:
        print("${where}: blocked", target, type(error).__name__)
print("${where}: token", os.environ.get("ACTIONS_RUNTIME_TOKEN"), os.environ.get("GITHUB_TOKEN"))
# Where the sandbox may write (the project's copy in the scratch directory): proof that it ran.
try:
    pathlib.Path("ran-${where}").write_text("token %s %s" % (os.environ.get("ACTIONS_RUNTIME_TOKEN"), os.environ.get("GITHUB_TOKEN")))
except OSError:
    pass
`
    await writeFiles(app, {
      'setup.py': `${attack('resolution-marker')}\nfrom setuptools import setup\nsetup()\n`,
      'hello/__main__.py': `${attack('smoke-marker')}\nprint("Hello, world from python sandbox.")\n`
    })
    run = await runAction(
      f,
      { ...runtime, 'app-path': app },
      { env: { ACTIONS_RUNTIME_TOKEN: secret, GITHUB_TOKEN: secret } }
    )
  })
  afterAll(() => fs.rmSync(hostDir, { recursive: true, force: true }))

  const ranInResolution = (): string =>
    fs.readFileSync(
      path.join(
        path.dirname(run.outputs['manifest-path']),
        '.flatpak-python-action',
        'org.example.Hello',
        'resolve',
        'project',
        'ran-resolution-marker'
      ),
      'utf8'
    )

  it('builds, and its code ran in both sandboxes', () => {
    expect(run.errors).toEqual([])
    expect(ranInResolution()).toBe('token None None')
    expect(run.groups['Smoke run in the SDK']).toMatch(/smoke-marker: blocked/)
    expect(run.groups['Smoke run under the Platform']).toMatch(/smoke-marker: blocked/)
  })

  it('wrote nothing on the host: not under /home, not in RUNNER_TEMP, not in the workspace', () => {
    expect(run.log).not.toContain('WROTE')
    for (const dir of [hostDir, run.runnerTemp, path.dirname(app)]) {
      for (const marker of ['resolution-marker', 'smoke-marker'])
        expect(fs.existsSync(path.join(dir, marker))).toBe(false)
    }
  })

  it("saw none of the runner's secrets", () => {
    expect(run.log).not.toContain(secret)
    expect(ranInResolution()).toBe('token None None')
    expect(run.groups['Smoke run under the Platform']).toContain('smoke-marker: token None None')
  })
})

describe('index credentials', () => {
  const token = 'fpa-index-tok3n'
  let run: ActionRun

  beforeAll(async () => {
    const app = await copyApp(path.join(APPS, 'with-requirements'))
    const url = new URL(`${f.indexUrl}/simple`)
    url.username = 'user'
    url.password = token
    run = await runAction(f, {
      ...runtime,
      'app-path': app,
      requirements: path.join(app, 'requirements.txt'),
      'pip-index-url': url.href
    })
  })

  it('build with them, and are masked in the log', () => {
    expect(run.errors).toEqual([])
    // The runner hides what follows ::add-mask:: wherever it appears later.
    const masks = run.log.split('\n').filter(line => line.startsWith('::add-mask::'))
    expect(masks).toEqual([`::add-mask::${token}`, `::add-mask::user:${token}`])
    expect(
      run.log.split('\n').filter(line => !line.startsWith('::add-mask::') && line.includes(token))
    ).toEqual([])
  })

  it('are in no file the action writes, nor in the bundle', () => {
    for (const file of [
      run.outputs['manifest-path'],
      run.outputs['requirements-manifest-path'],
      run.outputs['requirements-lock-path']
    ]) {
      expect(fs.readFileSync(file, 'utf8')).not.toContain(token)
    }
    const bundled = execFileSync(
      'flatpak',
      [
        'build',
        '--nofilesystem=host',
        path.join(
          path.dirname(run.outputs['manifest-path']),
          '.flatpak-python-action',
          'org.example.Hello',
          'build-dir'
        ),
        'cat',
        '/app/manifest.json'
      ],
      {
        env: { ...process.env, FLATPAK_USER_DIR: f.flatpakUserDir },
        encoding: 'utf8'
      }
    )
    expect(bundled).toContain('python3-requirements')
    expect(bundled).not.toContain(token)
    expect(fs.readFileSync(run.outputs['bundle-path']).includes(token)).toBe(false)
  })
})

describe("the action's own files stay apart from the user's", () => {
  it('with the manifest inside the app: never archived, and what the user had stays', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const pyproject = fs.readFileSync(path.join(app, 'pyproject.toml'), 'utf8')
    await writeFiles(app, {
      'resolve/keep.txt': 'mine',
      'artifact/keep.txt': 'mine too',
      // Directories of the user's own, which setuptools is told are not packages.
      'pyproject.toml': `${pyproject}\n[tool.setuptools]\npackages = ["hello"]\n`
    })
    const inputs = {
      ...runtime,
      'app-path': app,
      'manifest-path': path.join(app, 'flatpak', 'org.example.Hello.json')
    }
    const first = await runAction(f, inputs)
    expect(first.errors).toEqual([])
    const second = await runAction(f, inputs)
    expect(second.errors).toEqual([])
    // The same app archive: the cache key's app part is the same, and the app module comes from the cache.
    expect(second.outputs['cache-key']).toBe(first.outputs['cache-key'])
    expect(second.groups['Build']).toMatch(/Cache hit for hello, skipping build/)
    expect(fs.readFileSync(path.join(app, 'resolve', 'keep.txt'), 'utf8')).toBe('mine')
    expect(fs.readFileSync(path.join(app, 'artifact', 'keep.txt'), 'utf8')).toBe('mine too')
  })
})

describe('bounded waits and bounded memory', () => {
  it('a catastrophic smoke-expect fails, naming it, after its time limit', async () => {
    const app = await copyApp(EXAMPLE_APP)
    await writeFiles(app, { 'hello/__main__.py': 'print("a" * 40 + "!")\n' })
    const started = Date.now()
    const run = await runAction(f, {
      ...runtime,
      'app-path': app,
      'smoke-expect': '^(a+)+$',
      'smoke-timeout': '600'
    })
    expect(run.code).toBe(1)
    expect(run.errors.join('\n')).toMatch(
      /smoke-expect \/\^\(a\+\)\+\$\/ took more than 10 s to match the smoke output/
    )
    expect(Date.now() - started).toBeLessThan(5 * 60_000)
  })

  it('an app that prints 400 MB does not grow the action past a few hundred MB', async () => {
    const app = await copyApp(EXAMPLE_APP)
    await writeFiles(app, {
      'hello/__main__.py':
        'import sys\nfor _ in range(20):\n    sys.stdout.write("a" * 20_000_000 + "\\n")\nprint("done printing")\n'
    })
    const run = await runAction(f, { ...runtime, 'app-path': app, 'smoke-expect': 'done printing' })
    expect(run.errors).toEqual([])
    expect(run.peakMemory).toBeGreaterThan(0)
    expect(run.peakMemory).toBeLessThan(300e6)
  })

  it('a cache service that takes connections and never answers: a warning after cache-timeout, and the build goes on', async () => {
    const service = await startResultsService()
    try {
      service.setMode('silent')
      const runJob = jobRunner(f, service.env(), fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-job-temp-')))
      const started = Date.now()
      const run = await runJob({
        'app-path': EXAMPLE_APP,
        'python-version': 'runtime',
        'cache-timeout': '5',
        'upload-artifact': 'false'
      })
      expect(run.errors).toEqual([])
      expect(run.code).toBe(0)
      expect(run.warnings.join('\n')).toMatch(
        /Restoring the flatpak-builder state failed, building without it: the cache service did not answer within cache-timeout \(5 s\)/
      )
      expect(run.warnings.join('\n')).toMatch(
        /Could not save the flatpak-builder state: the cache service did not answer within cache-timeout \(5 s\)/
      )
      expect(Date.now() - started).toBeLessThan(5 * 60_000)
    } finally {
      await service.close()
    }
  })
})

describe('a restored cache is checked before it is used', () => {
  it('a kept bundle that is not the one the action made is not reused', async () => {
    const app = await copyApp(EXAMPLE_APP)
    const inputs = { ...runtime, 'app-path': app }
    const first = await runAction(f, inputs)
    expect(first.errors).toEqual([])
    const own = path.join(
      path.dirname(first.outputs['manifest-path']),
      '.flatpak-python-action',
      'org.example.Hello',
      '.flatpak-builder',
      'flatpak-python-action'
    )
    const kept = fs.readdirSync(own).filter(name => name.endsWith('.flatpak'))
    expect(kept.length).toBeGreaterThan(0)
    for (const name of kept) fs.writeFileSync(path.join(own, name), 'not a bundle')
    const second = await runAction(f, inputs)
    expect(second.errors).toEqual([])
    expect(second.warnings.join('\n')).toMatch(
      /bundle-v\d+-\w+\.flatpak in the restored state is not the file this action kept there: not reusing it/
    )
    expect(second.groups['Bundle']).toContain('flatpak build-bundle')
    expect(fs.readFileSync(second.outputs['bundle-path']).subarray(0, 8).toString()).not.toBe('not a bu')
  })

  it('a restored directory that is no flatpak-builder state is dropped, with a warning, and the build goes on cold', async () => {
    // The same workspace as the action's, so that the poisoned entry lands where the state goes.
    const service = await startResultsService({ workspace: ROOT })
    try {
      const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-job-temp-'))
      const runJob = jobRunner(f, service.env(), temp)
      const inputs = { 'app-path': EXAMPLE_APP, 'python-version': 'runtime', 'upload-artifact': 'false' }
      const first = await runJob(inputs)
      expect(first.errors).toEqual([])
      // A newer entry under the same primary key, holding something else at the state's path.
      const state = jobStateDir(temp)
      fs.rmSync(temp, { recursive: true, force: true })
      fs.mkdirSync(path.join(state, 'cache'), { recursive: true })
      fs.writeFileSync(path.join(state, 'cache', 'config'), 'garbage')
      const saved = await drive(service, 'save', `${first.outputs['cache-key']}-poisoned`, state)
      expect(saved.threw).toBeUndefined()
      const second = await runJob(inputs)
      expect(second.errors).toEqual([])
      expect(second.outputs['cache-matched-key']).toBe('')
      expect(second.warnings.join('\n')).toMatch(
        /The state restored from .*-poisoned is not a flatpak-builder state \(its cache has no OSTree repository\): building without it/
      )
    } finally {
      await service.close()
    }
  })
})

/** Processes that run in dir or name it: what a cancelled run must not leave behind. */
function processesIn(dir: string): string[] {
  const found: string[] = []
  for (const pid of fs.readdirSync('/proc').filter(p => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')
      const cwd = fs.readlinkSync(`/proc/${pid}/cwd`)
      if (cmdline.includes(dir) || cwd.startsWith(dir)) found.push(`${pid}: ${cmdline}`)
    } catch {
      // The process has ended, or is not ours to read.
    }
  }
  return found
}

describe('a cancelled job', () => {
  let service: ResultsService
  beforeAll(async () => {
    service = await startResultsService()
  })
  afterAll(() => service.close())

  it('stops every program and mount, then its post step saves what was built', async () => {
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'fpa-cancel-'))
    const runJob = jobRunner(f, service.env(), temp)
    // Cold, so that CPython compiles: the runner sends SIGINT, and SIGTERM 7.5 s later.
    const inputs = {
      'app-path': EXAMPLE_APP,
      'upload-artifact': 'false',
      'cache-key-prefix': `cancel-${Date.now()}`
    }
    let cancelledAt = 0
    const run = await runJob(inputs, {
      onStart: (child, logFile) => {
        const watch = setInterval(() => {
          if (!fs.readFileSync(logFile, 'utf8').includes('Building module python3')) return
          clearInterval(watch)
          cancelledAt = Date.now()
          child.kill('SIGINT')
          setTimeout(() => child.exitCode === null && child.kill('SIGTERM'), 7500).unref()
        }, 200)
        child.on('close', () => clearInterval(watch))
      }
    })
    const exitedAfter = Date.now() - cancelledAt
    expect(cancelledAt).toBeGreaterThan(0)
    expect(run.code).toBe(1)
    expect(exitedAfter).toBeLessThan(7500)
    expect(run.warnings.join('\n')).toMatch(/The job was cancelled \(SIGINT\): stopping flatpak-builder/)
    await new Promise(resolve => setTimeout(resolve, 1000))
    expect(processesIn(temp)).toEqual([])
    expect(
      fs
        .readFileSync('/proc/self/mounts', 'utf8')
        .split('\n')
        .filter(m => m.includes(temp))
    ).toEqual([])
    expect(service.entries()).toEqual([])

    // The post step, as the runner runs it after a cancel: the same job, the state the main step kept.
    const post = await runJob(inputs, { env: run.state, sameJob: true })
    expect(post.errors).toEqual([])
    const saved = service.entries().at(-1)!
    expect(saved.key).toMatch(/^cancel-\d+-v\d+-x86_64-.*-partial-/)
    console.log(
      `A build cancelled during the CPython compile keeps ${(saved.size / 1e6).toFixed(1)} MB of state`
    )
    // What it kept, as saved (pruned, then archived): the CPython tarball it had downloaded, so the
    // next run need not download it again.
    const state = jobStateDir(temp)
    expect(fs.readdirSync(path.join(state, 'downloads'))).toEqual([
      '2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849'
    ])
  })
})
