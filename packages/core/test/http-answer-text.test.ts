import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  createHttpClient,
  decodeBody,
  describeTextProblem,
  firstDuplicateKey,
  malformedAnswerError,
  parseJsonAnswer,
  textProblemsOf,
} from '../src/index.ts'

const NAME = '삼성전자'
// 삼성전자 in EUC-KR; every other character of these texts is ASCII, the same bytes in both charsets.
const NAME_EUC_KR = Buffer.from('bbefbcbac0fcc0da', 'hex')
const eucKr = (text: string) =>
  Buffer.concat(text.split(NAME).flatMap((part, index) => (index === 0 ? [Buffer.from(part)] : [NAME_EUC_KR, Buffer.from(part)])))

describe('decodeBody', () => {
  test('reads the charset the Content-Type declares', () => {
    expect(decodeBody(eucKr(NAME), 'text/html; charset=EUC-KR')).toBe(NAME)
    expect(decodeBody(eucKr(NAME), 'text/html;charset=ks_c_5601-1987')).toBe(NAME)
    expect(decodeBody(eucKr(NAME), ['text/plain; charset="cp949"'])).toBe(NAME)
    expect(decodeBody(Buffer.from(NAME), 'application/json; charset=utf-8')).toBe(NAME)
  })

  test("reads an HTML page's meta charset when the Content-Type names none", () => {
    const page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr"></head><body>${NAME}</body></html>`
    expect(decodeBody(eucKr(page), 'text/html')).toContain(NAME)
    expect(decodeBody(eucKr(`<meta charset="EUC-KR"><p>${NAME}</p>`), undefined)).toContain(NAME)
  })

  test('the Content-Type wins over the meta tag, and a JSON body is never searched for one', () => {
    const json = `{"name":"<meta charset=euc-kr>${NAME}"}`
    expect(decodeBody(Buffer.from(json), 'text/html')).toBe(json)
    expect(decodeBody(Buffer.from(`<meta charset="euc-kr">${NAME}`), 'text/html; charset=utf-8')).toContain(NAME)
  })

  test('EUC-KR bytes without a declared charset become U+FFFD under UTF-8, never plausible text', () => {
    const text = decodeBody(eucKr(NAME), 'text/html')
    expect(text).toContain('\uFFFD')
    expect(text).not.toContain(NAME)
  })

  test('uses the fallback when nothing is declared, and UTF-8 for a charset no decoder knows', () => {
    expect(decodeBody(eucKr(NAME), undefined, 'euc-kr')).toBe(NAME)
    expect(decodeBody(Buffer.from(NAME), 'text/html; charset=x-unknown-7')).toBe(NAME)
  })
})

describe('parseJsonAnswer', () => {
  test('refuses a duplicated OutBlock_1, naming it', () => {
    const answer = parseJsonAnswer('{"OutBlock_1":[{"ISU_SRT_CD":"005930"}],"OutBlock_1":[],"CURRENT_DATETIME":"x"}')
    expect(answer).toEqual({ ok: false, problem: 'duplicated key "OutBlock_1" at top level' })
    expect(malformedAnswerError('krx POST /x', answer.ok ? '' : answer.problem)).toMatchObject({
      retryable: true,
      message: 'krx POST /x: malformed answer, duplicated key "OutBlock_1" at top level',
    })
  })

  test('finds duplicates inside rows and keys spelt with escapes, and says where', () => {
    expect(firstDuplicateKey('{"a":[{"x":1},{"x":1,"y":{"z":1},"\\u0078":2}]}')).toEqual({ key: 'x', where: 'in a[1]' })
    expect(firstDuplicateKey('{"a":{"b":[1,{"c":1,"c":2}]}}')).toEqual({ key: 'c', where: 'in a.b[1]' })
  })

  test('does not mistake equal keys in different objects, or key-like strings, for duplicates', () => {
    const text = '{"OutBlock_1":[{"k":"\\"k\\":","v":"{\\"k\\":1}"},{"k":"[,]","v":1}],"k":{"k":{"k":[]}}}'
    expect(parseJsonAnswer(text)).toEqual({ ok: true, value: JSON.parse(text) })
  })

  test('refuses a body cut off mid-way', () => {
    expect(parseJsonAnswer('{"OutBlock_1":[{"ISU_SRT_CD":"00')).toEqual({ ok: false, problem: 'invalid or truncated JSON (32 characters)' })
  })

  test('scans a whole-market answer quickly', () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => Object.fromEntries(Array.from({ length: 20 }, (_, f) => [`FIELD_${f}`, `${i},${f}`])))
    const text = JSON.stringify({ OutBlock_1: rows, CURRENT_DATETIME: 'x' })
    const started = performance.now()
    expect(parseJsonAnswer(text).ok).toBe(true)
    // A scan quadratic in the answer's length would take minutes here; a linear one, milliseconds
    // (the bound is loose so a loaded machine never fails it).
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})

describe('textProblemsOf', () => {
  test('names every field holding NUL, U+FFFD or a lone surrogate, used or not', () => {
    const row = { ISU_SRT_CD: '005930', ISU_ABBRV: 'A\u0000B', ISU_NM: '\uFFFD\uFFFD전자', MKT_NM: 'x\uD800', OK: '\uD83D\uDE00', n: 1, nested: { a: ['\u0000'] } }
    expect(textProblemsOf(row).map(describeTextProblem)).toEqual([
      'ISU_ABBRV: contains NUL',
      'ISU_NM: contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)',
      'MKT_NM: contains a lone surrogate (invalid Unicode)',
      'nested.a[0]: contains NUL',
    ])
  })

  test('names a broken key by its JSON form, so the message holds no NUL', () => {
    const [problem] = textProblemsOf({ 'A\u0000': '1' }).map(describeTextProblem)
    expect(problem).toBe('key "A\\u0000": contains NUL')
  })
})

describe('the HTTP client decodes text answers by their declared charset', () => {
  let url: string
  let close: () => Promise<void>
  beforeAll(async () => {
    const server = createServer((request, response) => {
      const body = eucKr(`{"name":"${NAME}"}`)
      const type = request.url === '/declared' ? 'text/html; charset=EUC-KR' : 'text/html'
      response.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    close = () => new Promise((resolve) => server.close(() => resolve()))
  })
  afterAll(() => close())

  test('charset=EUC-KR in the Content-Type', async () => {
    const http = createHttpClient({ baseUrl: url, retries: 0 })
    expect(JSON.parse((await http.postForm('/declared', {})).body)).toEqual({ name: NAME })
  })

  test('nothing declared: UTF-8 (U+FFFD), or the client’s defaultCharset', async () => {
    expect((await createHttpClient({ baseUrl: url, retries: 0 }).get('/bare')).body).toContain('\uFFFD')
    expect(JSON.parse((await createHttpClient({ baseUrl: url, retries: 0, defaultCharset: 'euc-kr' }).get('/bare')).body)).toEqual({ name: NAME })
  })
})
