import { describe, expect, it } from 'vitest'
import { indexSecrets, redacted, redactedUrl, withoutCredentials } from '../src/pure/secrets.js'

describe('credentials in index URLs', () => {
  it.each([
    ['https://pypi.org/simple', []],
    ['https://user:s3cr%2Ft@host/simple', ['s3cr%2Ft', 's3cr/t', 'user:s3cr%2Ft', 'user:s3cr/t']],
    ['https://TOKEN@host/simple', ['TOKEN']],
    ['not a url', []]
  ])('indexSecrets(%j)', (url, secrets) => {
    expect(indexSecrets(url)).toEqual(secrets)
  })

  it('drops them from URLs that are written, and shows *** in messages', () => {
    expect(withoutCredentials('https://user:tok@host/simple/a-1.whl#sha256=ab')).toBe(
      'https://host/simple/a-1.whl#sha256=ab'
    )
    expect(withoutCredentials('https://host/simple')).toBe('https://host/simple')
    expect(redactedUrl('http://user:tok@10.0.0.1/simple')).toBe('http://***@10.0.0.1/simple')
  })

  it('hides every secret in a command line, the user:token pair whole', () => {
    const secrets = indexSecrets('http://user:tok@127.0.0.1/simple')
    expect(
      redacted('flatpak build --env=PIP_INDEX_URL=http://user:tok@127.0.0.1/simple /app/bin/python3', secrets)
    ).toBe('flatpak build --env=PIP_INDEX_URL=http://***@127.0.0.1/simple /app/bin/python3')
    expect(redacted('tok and tok', ['tok', ''])).toBe('*** and ***')
    expect(redacted('nothing secret', [])).toBe('nothing secret')
  })
})
