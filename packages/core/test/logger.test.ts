import { Writable } from 'node:stream'
import { describe, expect, test } from 'vitest'
import { createLogger } from '../src/index.ts'

function capture(settings: { level?: string; format?: 'json' | 'human' } = { level: 'debug' }) {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { logger: createLogger({ destination, ...settings }), text: () => lines.join('') }
}

describe('logger', () => {
  test('redacts passwords, app secrets, tokens and Authorization headers', () => {
    const { logger, text } = capture()
    logger.info({
      password: 'pw-1',
      krx: { memberPassword: 'pw-2' },
      appsecret: 'secret-3',
      access_token: 'token-4',
      headers: { authorization: 'Bearer token-5', cookie: 'JSESSIONID=cookie-6' },
      request: { headers: { authorization: 'Bearer token-7' } },
    }, 'calling source')
    const output = text()
    for (const secret of ['pw-1', 'pw-2', 'secret-3', 'token-4', 'token-5', 'cookie-6', 'token-7']) expect(output).not.toContain(secret)
    expect(output).toContain('[redacted]')
    expect(output).toContain('calling source')
  })

  test('masks the password of a database URL but keeps the rest readable', () => {
    const { logger, text } = capture()
    logger.info({ databaseUrl: 'postgres://etl:s3cret@db:5432/market' }, 'connecting')
    expect(text()).toContain('postgres://etl:***@db:5432/market')
    expect(text()).not.toContain('s3cret')
  })

  test('masks connection-string passwords inside error messages', () => {
    const { logger, text } = capture()
    logger.error({ err: new Error('connect failed for postgres://etl:s3cret@db/market') }, 'failed')
    expect(text()).not.toContain('s3cret')
    expect(text()).toContain('postgres://etl:***@db/market')
  })
})

describe('human log lines', () => {
  const captureHuman = () => capture({ level: 'warn', format: 'human' })

  test('a warning is one readable line: label, message, context, the error message without its stack', () => {
    const { logger, text } = captureHuman()
    logger.warn({ source: 'krx', attempt: 2, err: new Error('network error ECONNRESET') }, 'HTTP request failed; retrying')
    expect(text()).toBe('warning: HTTP request failed; retrying (source=krx, attempt=2): network error ECONNRESET\n')
  })

  test('keeps the redaction of secrets and connection-string passwords', () => {
    const { logger, text } = captureHuman()
    logger.error({ password: 'pw-1', databaseUrl: 'postgres://etl:s3cret@db:5432/market', err: new Error('login failed for postgres://etl:s3cret@db/market') }, 'failed')
    expect(text()).not.toContain('pw-1')
    expect(text()).not.toContain('s3cret')
    expect(text()).toContain('password=[redacted]')
  })

  test('writes nothing below its level', () => {
    const { logger, text } = captureHuman()
    logger.info('run finished')
    expect(text()).toBe('')
  })
})
