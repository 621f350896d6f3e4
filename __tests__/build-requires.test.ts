import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// build_requires.py runs in the resolution sandbox, with the app's Python; here the runner's
// python3 runs it, with the extraction filters of Python 3.11.4 and later taken away where a test
// needs the older Pythons' path (CPython 3.11.2 is one).
const HELPER = path.join(import.meta.dirname, '..', 'src', 'effects', 'build_requires.py')
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'build-requires-'))

function tarWith(member: string): Buffer {
  const root = fs.mkdtempSync(path.join(dir, 'tree-'))
  fs.mkdirSync(path.join(root, 'pkg-1.0'))
  fs.writeFileSync(path.join(root, 'pkg-1.0', 'setup.py'), '')
  const out = path.join(root, 'pkg.tar.gz')
  const script = `
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
    t.add(sys.argv[2] + "/pkg-1.0", "pkg-1.0")
    info = tarfile.TarInfo(sys.argv[3])
    data = b"written by the sdist"
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
`
  execFileSync('python3', ['-c', script, out, root, member])
  return fs.readFileSync(out)
}

let server: http.Server
let base: string
const files: Record<string, Buffer> = {}

beforeAll(async () => {
  files['escape.tar.gz'] = tarWith('../../escaped.txt')
  files['fine.tar.gz'] = tarWith('pkg-1.0/data.txt')
  files['big.tar.gz'] = Buffer.alloc(3 * 1024 * 1024, 1)
  server = http.createServer((req, res) => {
    const name = req.url!.slice(1)
    if (name === 'hang.tar.gz') return // never answers
    res.end(files[name])
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.closeAllConnections()
  server.close()
})

async function fetchSdist(
  name: string,
  settings = ''
): Promise<{ code: number; stderr: string; work: string }> {
  const work = fs.mkdtempSync(path.join(dir, 'work-'))
  const sha = createHash('sha256')
    .update(files[name] ?? '')
    .digest('hex')
  const driver = `
import importlib.util, sys, tarfile
spec = importlib.util.spec_from_file_location("build_requires", sys.argv[1])
helper = importlib.util.module_from_spec(spec)
spec.loader.exec_module(helper)
if hasattr(tarfile, "data_filter"):
    del tarfile.data_filter
${settings}
print(helper.fetch_sdist(sys.argv[2], sys.argv[3]))
`
  try {
    await promisify(execFile)('python3', ['-c', driver, HELPER, `${base}/${name}#sha256=${sha}`, work])
    return { code: 0, stderr: '', work }
  } catch (error) {
    const e = error as { code: number; stderr: string }
    return { code: e.code, stderr: e.stderr, work }
  }
}

describe('build_requires.py fetches sdists with bounds, and unpacks them inside their directory', () => {
  it('unpacks a well-formed sdist', async () => {
    expect((await fetchSdist('fine.tar.gz')).code).toBe(0)
  })

  it('refuses a member that would land outside, without the extraction filters of Python 3.11.4', async () => {
    const run = await fetchSdist('escape.tar.gz')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('escape.tar.gz: ../../escaped.txt points outside the archive')
    expect(fs.existsSync(path.join(path.dirname(run.work), 'escaped.txt'))).toBe(false)
  })

  it('refuses an sdist larger than the limit', async () => {
    const run = await fetchSdist('big.tar.gz', 'helper.MAX_SDIST_BYTES = 1024 * 1024')
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('big.tar.gz: larger than 1 MB')
  })

  it('gives up on an index that never answers', async () => {
    const started = Date.now()
    const run = await fetchSdist('hang.tar.gz', 'helper.FETCH_TIMEOUT = 1')
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/timed out/)
    expect(Date.now() - started).toBeLessThan(20_000)
  })
})
