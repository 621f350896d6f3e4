import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  combineRequirementsFiles,
  parseRequirementsFile,
  selectPins
} from '../src/pure/lock/requirements-file.js'
import { fixture, linuxEnvironment } from './fixtures/locks/targets.js'

const sha = (c: string) => c.repeat(64)
const sha256Of = (text: string) => createHash('sha256').update(text).digest('hex')

describe('parseRequirementsFile', () => {
  it('reads a uv export: continuations, comments, markers and every hash of a pin', () => {
    const file = parseRequirementsFile(fixture('requirements-uv-export.txt'), 'requirements.txt')
    expect(file.kind).toBe('hashed')
    expect(file.problems).toEqual([])
    expect(file.pins.map(p => `${p.normalizedName}==${p.version}`)).toEqual([
      'certifi==2025.6.15',
      'charset-normalizer==3.4.2',
      'colorama==0.4.6',
      'docopt==0.6.2',
      'idna==3.10',
      'numpy==2.2.6',
      'numpy==2.3.1',
      'pysocks==1.7.1',
      'requests==2.32.4',
      'urllib3==2.5.0'
    ])
    const charset = file.pins.find(p => p.name === 'charset-normalizer')!
    expect(charset.line).toBe(6)
    expect(charset.sha256).toHaveLength(17)
    expect(charset.sha256).toContain(
      sha256Of('charset_normalizer-3.4.2-cp313-cp313-manylinux_2_17_aarch64.manylinux2014_aarch64.whl')
    )
    expect(file.pins.find(p => p.name === 'colorama')!.marker?.text).toBe("sys_platform == 'win32'")
    expect(file.pins.find(p => p.version === '2.2.6')!.marker?.text).toBe("python_full_version < '3.12'")
  })

  it('reads pip-compile output with its --index-url line', () => {
    const file = parseRequirementsFile(fixture('requirements-pip-compile.txt'))
    expect(file.kind).toBe('hashed')
    expect(file.pins.map(p => p.name)).toEqual([
      'certifi',
      'charset-normalizer',
      'idna',
      'requests',
      'urllib3'
    ])
    expect(file.options).toEqual([{ name: '--index-url', value: 'https://pypi.org/simple', line: 7 }])
  })

  it('returns -r and -c includes relative to the including file, for the caller to read', () => {
    const file = parseRequirementsFile(fixture('requirements-dev.txt'), 'app/requirements-dev.txt')
    expect(file.includes).toEqual([
      {
        kind: 'requirements',
        path: 'requirements-pip-compile.txt',
        resolved: 'app/requirements-pip-compile.txt',
        line: 2
      },
      { kind: 'constraints', path: 'constraints.txt', resolved: 'app/constraints.txt', line: 3 }
    ])
    expect(
      parseRequirementsFile('-r../base.txt\n--requirement=sub/dir.txt\n--constraint ./c.txt\n', 'app/req.txt')
        .includes
    ).toEqual([
      { kind: 'requirements', path: '../base.txt', resolved: 'base.txt', line: 1 },
      { kind: 'requirements', path: 'sub/dir.txt', resolved: 'app/sub/dir.txt', line: 2 },
      { kind: 'constraints', path: './c.txt', resolved: 'app/c.txt', line: 3 }
    ])
  })

  it.each([
    ['requests>=2\nflask\n', 'unpinned'],
    ['requests==2.32.4\n', 'unpinned'],
    [`requests==2.32.4 --hash=sha256:${sha('a')}\n`, 'hashed'],
    [`Requests[socks]==2.32.4 --hash sha256:${sha('a')}\n`, 'hashed'],
    ['# nothing but comments\n\n--index-url https://pypi.org/simple\n-r other.txt\n', 'empty'],
    [`a==1 --hash=sha256:${sha('a')}\nb>=2\n`, 'mixed'],
    ['--require-hashes\nrequests==2.32.4\n', 'mixed']
  ])('classifies %j as %s', (text, kind) => expect(parseRequirementsFile(text).kind).toBe(kind))

  it('names each line of a half-hashed file, and says how to fix it', () => {
    const text = [
      `anyio==4.4.0 \\`,
      `    --hash=sha256:${sha('a')}`,
      'requests>=2',
      `idna>=3 --hash=sha256:${sha('b')}`,
      `bar==1 --hash=sha512:${'c'.repeat(128)}`,
      'flask'
    ].join('\n')
    const file = parseRequirementsFile(text, 'requirements.txt')
    expect(file.kind).toBe('mixed')
    expect(file.problems.map(p => p.message)).toEqual([
      "requirements.txt:3: 'requests>=2' has no --hash, but other lines have hashes: pip checks hashes for every requirement or for none. Pin every line with == and its hashes (pip-compile --generate-hashes or uv export write them), or remove the hashes to let pip resolve.",
      'requirements.txt:4: idna>=3 has hashes but is not pinned with ==: a hash fits the files of one version only. Pin it as idna==<version>.',
      'requirements.txt:5: bar==1 has only sha512 hashes, but flatpak-builder pins files by sha256: add --hash=sha256:… for each file (pip hash <file> prints it).',
      "requirements.txt:6: 'flask' has no --hash, but other lines have hashes: pip checks hashes for every requirement or for none. Pin every line with == and its hashes (pip-compile --generate-hashes or uv export write them), or remove the hashes to let pip resolve."
    ])
    expect(file.problems.map(p => [p.line, p.text])).toEqual([
      [3, 'requests>=2'],
      [4, `idna>=3 --hash=sha256:${sha('b')}`],
      [5, `bar==1 --hash=sha512:${'c'.repeat(128)}`],
      [6, 'flask']
    ])
  })

  it('says --require-hashes is why an unhashed line is a problem', () =>
    expect(parseRequirementsFile('--require-hashes\nrequests==2.32.4\n').problems[0].message).toMatch(
      /^requirements\.txt:2: 'requests==2\.32\.4' has no --hash, but the file says --require-hashes/
    ))

  it.each([
    [
      '-e .',
      /'-e \.' is an editable install: it has no file to pin\. If it is the app itself, leave it out \(uv export --no-emit-project\)/
    ],
    ['--editable ./lib', /'--editable \.\/lib' is an editable install: it has no file to pin/],
    ['-e git+https://github.com/o/tool.git#egg=tool', /is an editable install of a git checkout/],
    [
      '.',
      /'\.' is a local path: only files from an index can be pinned\. Publish it to an index, or make it part of the app\./
    ],
    ['./wheels/tool-1.0-py3-none-any.whl', /is a local path/],
    ['/abs/src/tool', /is a local path/],
    ['tool-1.0.tar.gz', /'tool-1\.0\.tar\.gz' is a local path/],
    [
      'file:///srv/wheels/tool-1.0-py3-none-any.whl',
      /is a local file: only files from an index can be pinned/
    ],
    ['tool @ file:///srv/tool', /'tool @ file:\/\/\/srv\/tool' is a local file/],
    [
      'tool @ https://files.example/tool-1.0.tar.gz',
      /is a direct URL reference: require it by name from an index \(name==version --hash=sha256:…\)/
    ],
    [`tool @ https://files.example/tool-1.0.tar.gz --hash=sha256:${sha('a')}`, /is a direct URL reference/],
    ['https://files.example/tool-1.0.tar.gz', /is a URL, not a requirement by name/],
    [
      'git+https://github.com/o/tool.git@v1#egg=tool',
      /'git\+https:\/\/github\.com\/o\/tool\.git@v1#egg=tool' is a git checkout: a VCS checkout has no file hash to pin\. Publish it to an index, or require a release archive\./
    ],
    ['tool @ hg+https://hg.example/tool', /is a hg checkout/],
    ['svn+svn://svn.example/tool#egg=tool', /is a svn checkout/],
    ['bzr+lp:tool#egg=tool', /is a bzr checkout/],
    [
      '-r https://example.org/requirements.txt',
      /includes a file from a URL: pip would download it at build time/
    ],
    ['tool==${TOOL_VERSION}', /uses an environment variable, which pip expands but the action does not/],
    [
      'tool >= one',
      /Invalid requirement `tool >= one` at column 6: '>= one' is not a PEP 440 version specifier/
    ],
    [
      `--hash=sha256:${sha('a')}`,
      /has --hash but no requirement before it: is the '\\' missing at the end of the line above\?/
    ],
    ['--bogus', /'--bogus': pip has no option --bogus for requirements files\./],
    [`tool==1 --hash=sha256:abc`, /tool has '--hash=sha256:abc', which is not algorithm:hexdigest/],
    ['--index-url', /--index-url needs a value/]
  ])('refuses %s, naming the line', (line, message) => {
    const file = parseRequirementsFile(`# first line\n${line}\n`, 'req.txt')
    expect(file.problems).toHaveLength(1)
    expect(file.problems[0]).toMatchObject({ path: 'req.txt', line: 2, text: line })
    expect(file.problems[0].message).toMatch(/^req\.txt:2: /)
    expect(file.problems[0].message).toMatch(message)
  })

  it('finds never-pinnable lines in an unpinned file too, which stays unpinned', () => {
    const file = parseRequirementsFile('requests>=2\ngit+https://github.com/o/tool.git\n')
    expect(file.kind).toBe('unpinned')
    expect(file.unpinned.map(r => r.normalizedName)).toEqual(['requests'])
    expect(file.problems.map(p => p.line)).toEqual([2])
  })

  it('does not take a # inside a word for a comment, as pip does not', () => {
    const file = parseRequirementsFile(`tool==1 --hash=sha256:${sha('a')} # pinned\nfoo#bar==1\n`)
    expect(file.pins.map(p => p.name)).toEqual(['tool'])
    expect(file.problems[0].text).toBe('foo#bar==1')
  })

  it('joins a last line that ends with a backslash', () => {
    const file = parseRequirementsFile(`tool==1 \\\n  --hash=sha256:${sha('a')} \\`)
    expect(file.pins).toMatchObject([{ name: 'tool', version: '1', sha256: [sha('a')], line: 1 }])
  })

  it('reads Windows line ends', () => {
    const file = parseRequirementsFile(`tool==1 \\\r\n    --hash=sha256:${sha('A')}\r\n`)
    expect(file.pins).toMatchObject([{ name: 'tool', sha256: [sha('a')] }])
  })
})

describe('combineRequirementsFiles', () => {
  const hashed = parseRequirementsFile(`a==1 --hash=sha256:${sha('a')}\n-r more.txt\n`, 'requirements.txt')

  it('is hashed when every requirements file is, and leaves constraints out', () => {
    const set = combineRequirementsFiles([
      { file: hashed, role: 'requirements' },
      { file: parseRequirementsFile(`b==2 --hash=sha256:${sha('b')}\n`, 'more.txt'), role: 'requirements' },
      { file: parseRequirementsFile('urllib3<3\n', 'constraints.txt'), role: 'constraints' }
    ])
    expect(set.kind).toBe('hashed')
    expect(set.pins.map(p => `${p.path}:${p.line} ${p.name}`)).toEqual([
      'requirements.txt:1 a',
      'more.txt:1 b'
    ])
    expect(set.problems).toEqual([])
  })

  it('names the file without hashes when another has them', () => {
    const set = combineRequirementsFiles([
      { file: hashed, role: 'requirements' },
      { file: parseRequirementsFile('# unpinned\nb>=2\n', 'more.txt'), role: 'requirements' }
    ])
    expect(set.kind).toBe('mixed')
    expect(set.problems.map(p => p.message)).toEqual([
      'more.txt:2: this file has no hashes, but requirements.txt has: pip checks hashes for every requirement or for none. Generate hashes for more.txt too, or remove them from the others.'
    ])
  })

  it('reads the fixture set: requirements-dev.txt with its include and constraints', () => {
    const set = combineRequirementsFiles([
      {
        file: parseRequirementsFile(fixture('requirements-dev.txt'), 'requirements-dev.txt'),
        role: 'requirements'
      },
      {
        file: parseRequirementsFile(fixture('requirements-pip-compile.txt'), 'requirements-pip-compile.txt'),
        role: 'requirements'
      },
      { file: parseRequirementsFile(fixture('constraints.txt'), 'constraints.txt'), role: 'constraints' }
    ])
    expect(set.kind).toBe('hashed')
    expect(set.pins).toHaveLength(9)
  })
})

describe('selectPins', () => {
  const file = parseRequirementsFile(fixture('requirements-uv-export.txt'))

  it.each([
    ['3.11.13', '2.2.6'],
    ['3.12.11', '2.3.1'],
    ['3.13.5', '2.3.1']
  ])('on Python %s keeps numpy %s, and drops the Windows-only colorama', (python, numpy) => {
    const { pins, problems } = selectPins(file.pins, linuxEnvironment(python, 'x86_64'))
    expect(problems).toEqual([])
    expect(pins.find(p => p.name === 'numpy')?.version).toBe(numpy)
    expect(pins.map(p => p.name)).not.toContain('colorama')
    expect(pins).toHaveLength(8)
  })

  it('merges the hashes of a name pinned twice at one version, and refuses two versions', () => {
    const text = [
      `a==1 --hash=sha256:${sha('a')}`,
      `a==1 --hash=sha256:${sha('b')}`,
      `b==1 --hash=sha256:${sha('c')}`,
      `b==2 --hash=sha256:${sha('d')}`,
      `c==1 ; extra == 'x' --hash=sha256:${sha('e')}`
    ].join('\n')
    const { pins, problems } = selectPins(
      parseRequirementsFile(text, 'r.txt').pins,
      linuxEnvironment('3.13.5', 'aarch64')
    )
    expect(pins.map(p => [p.name, p.sha256])).toEqual([
      ['a', [sha('a'), sha('b')]],
      ['b', [sha('c')]]
    ])
    expect(problems).toEqual([
      'b is pinned twice for this Python: 1 at r.txt:3 and 2 at r.txt:4. Give the lines markers that exclude each other, or keep one.'
    ])
  })
})
