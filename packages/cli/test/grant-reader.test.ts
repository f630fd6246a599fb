import { createHash, createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { generatePassword, parseStatementTimeout, scramSha256Verifier, validatePassword } from '../src/commands/grant-reader.ts'

// RFC 7677 §3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')
const NONCE = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
const AUTH_MESSAGE = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${NONCE},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${NONCE}`
const CLIENT_PROOF = 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='
const SERVER_SIGNATURE = '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

describe('scramSha256Verifier', () => {
  const verifier = scramSha256Verifier('pencil', SALT, 4096)
  const [, storedKey, serverKey] = /^SCRAM-SHA-256\$4096:[^$]+\$([^:]+):(.+)$/.exec(verifier)!.map((part) => Buffer.from(part, 'base64'))

  test('accepts the client proof of the RFC 7677 exchange, as the server checks it', () => {
    const clientSignature = createHmac('sha256', storedKey!).update(AUTH_MESSAGE).digest()
    const proof = Buffer.from(CLIENT_PROOF, 'base64')
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]!))
    expect(createHash('sha256').update(clientKey).digest().equals(storedKey!)).toBe(true)
  })

  test('gives the server signature of the RFC 7677 exchange', () => {
    expect(createHmac('sha256', serverKey!).update(AUTH_MESSAGE).digest('base64')).toBe(SERVER_SIGNATURE)
  })

  test('salts each verifier afresh', () => {
    expect(scramSha256Verifier('pencil-pencil')).not.toBe(scramSha256Verifier('pencil-pencil'))
  })
})

describe('grant-reader inputs', () => {
  test('generated passwords are long, URL-safe and different each time', () => {
    const a = generatePassword()
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(generatePassword()).not.toBe(a)
    expect(validatePassword(a)).toBe(a)
  })

  test('passwords must be 12+ printable ASCII characters', () => {
    expect(() => validatePassword('short')).toThrow(/12 to 1024/)
    expect(() => validatePassword('has a space in it')).toThrow(/printable ASCII/)
    expect(() => validatePassword('비밀번호비밀번호비밀번호')).toThrow(/printable ASCII/)
    expect(validatePassword(`quote'and"backslash\\`)).toBe(`quote'and"backslash\\`)
  })

  test('statement timeouts are PostgreSQL durations with a unit', () => {
    expect(parseStatementTimeout('30s')).toBe('30s')
    expect(parseStatementTimeout('5 min')).toBe('5min')
    for (const bad of ['30', '0s', '1d', "1s'; drop table x; --", '']) expect(() => parseStatementTimeout(bad), bad).toThrow()
  })
})
