import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { INFOMAX_ERRORS, INFOMAX_PATHS, startSimulator, type RunningSimulator } from '../src/index.ts'
import { infomaxGet, infomaxRows } from './infomax-test-client.ts'

const CODE_QUERY = { startDate: '20250304', endDate: '20250306' }
let simulator: RunningSimulator
let code: string

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 200, infomax: { rateLimit: false } })
  code = String((await infomaxRows(simulator.url, INFOMAX_PATHS.stockCode, { type: 'ST' }))[0]!.code)
})
afterAll(() => simulator.stop())
beforeEach(() => {
  simulator.faults.clear()
  simulator.infomax.quirks.clear()
  simulator.infomax.setRateLimit(false)
})

describe('Infomax envelope and bearer token', () => {
  test('answers {success: true, results: [...]} as JSON to a known bearer token, whatever the case of "bearer"', async () => {
    const response = await fetch(`${simulator.url}${INFOMAX_PATHS.stockHist}?code=${code}&startDate=20250304&endDate=20250304`, {
      headers: { authorization: 'Bearer demo-infomax-token' },
    })
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(await response.json()).toMatchObject({ success: true, results: [{ code, date: 20250304 }] })
  })

  test.each([
    ['no Authorization header', null],
    ['an unknown token', 'not-a-token'],
  ])('refuses %s with success: false, "access_denied" (HTTP 200)', async (_, token) => {
    const answer = await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, { code, ...CODE_QUERY }, token)
    expect(answer).toEqual({ status: 200, success: false, results: INFOMAX_ERRORS.accessDenied })
  })

  test('answers an unknown /api/ path with 404 in the envelope', async () => {
    expect(await infomaxGet(simulator.url, '/api/stock/nothing')).toEqual({ status: 404, success: false, results: 'not found' })
  })
})

describe('history window', () => {
  test('accepts a span of exactly 30 calendar days and refuses 31 with "error params"', async () => {
    expect((await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, { code, startDate: '20250301', endDate: '20250330' })).success).toBe(true)
    const tooLong = await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, { code, startDate: '20250301', endDate: '20250331' })
    expect(tooLong).toEqual({ status: 200, success: false, results: INFOMAX_ERRORS.params })
    const investor = await infomaxGet(simulator.url, INFOMAX_PATHS.stockInvestor, { code, startDate: '20250301', endDate: '20250331' })
    expect(investor.results).toBe(INFOMAX_ERRORS.params)
  })

  test('refuses a missing code, a reversed range and a malformed date with "error params"', async () => {
    const queries: Array<Record<string, string>> = [{ ...CODE_QUERY }, { code, startDate: '20250306', endDate: '20250304' }, { code, startDate: '2025-03-04', endDate: '20250306' }]
    for (const query of queries) {
      expect((await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, query)).results, JSON.stringify(query)).toBe(INFOMAX_ERRORS.params)
    }
  })
})

describe('rate limit', () => {
  test('answers 429 past the limit per window and accepts again once the window has moved on', async () => {
    simulator.infomax.setRateLimit({ maxRequests: 3, windowMs: 300 })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, { code, ...CODE_QUERY })).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    await new Promise((resolve) => setTimeout(resolve, 350))
    expect((await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, { code, ...CODE_QUERY })).status).toBe(200)
  })

  test('is 60 requests per minute by default', async () => {
    const strict = await startSimulator({ stockCount: 50 })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 61; i++) statuses.push((await infomaxGet(strict.url, INFOMAX_PATHS.stockExpired)).status)
      expect(statuses.filter((status) => status === 200)).toHaveLength(60)
      expect(statuses.at(-1)).toBe(429)
    } finally {
      await strict.stop()
    }
  })
})

describe('injected quirks', () => {
  test('a missing field, an extra field and a wrong type change the first rows of the next answer only', async () => {
    const { quirks } = simulator.infomax
    quirks.inject({ kind: 'missingField', endpoint: INFOMAX_PATHS.stockHist, field: 'close_price' })
    quirks.inject({ kind: 'extraField', endpoint: INFOMAX_PATHS.stockHist, field: 'adj_close_price', value: 123, rows: 2 })
    quirks.inject({ kind: 'wrongType', endpoint: INFOMAX_PATHS.stockHist, field: 'trading_volume', value: '1,234', rows: Infinity })
    const [first, second, third] = await infomaxRows(simulator.url, INFOMAX_PATHS.stockHist, { code, ...CODE_QUERY })
    expect(first).not.toHaveProperty('close_price')
    expect(second).toHaveProperty('close_price')
    expect([first!.adj_close_price, second!.adj_close_price, third!.adj_close_price]).toEqual([123, 123, undefined])
    expect([first, second, third].map((row) => row!.trading_volume)).toEqual(['1,234', '1,234', '1,234'])
    expect(quirks.applied.map((applied) => [applied.kind, applied.affectedCodes.length])).toEqual([
      ['missingField', 1],
      ['extraField', 2],
      ['wrongType', 3],
    ])

    const next = await infomaxRows(simulator.url, INFOMAX_PATHS.stockHist, { code, ...CODE_QUERY })
    expect(next[0]).toHaveProperty('close_price')
    expect(next[0]).not.toHaveProperty('adj_close_price')
  })

  test('a failure quirk answers success: false with the given text, on its endpoint only', async () => {
    simulator.infomax.quirks.inject({ kind: 'failure', endpoint: INFOMAX_PATHS.stockInvestor, text: INFOMAX_ERRORS.timeout, times: 2 })
    expect((await infomaxGet(simulator.url, INFOMAX_PATHS.stockHist, { code, ...CODE_QUERY })).success).toBe(true)
    for (let i = 0; i < 2; i++) {
      expect(await infomaxGet(simulator.url, INFOMAX_PATHS.stockInvestor, { code, ...CODE_QUERY })).toEqual({ status: 200, success: false, results: 'error timeout' })
    }
    expect((await infomaxGet(simulator.url, INFOMAX_PATHS.stockInvestor, { code, ...CODE_QUERY })).success).toBe(true)
  })

  test('the generic faults apply to Infomax paths when matched by path', async () => {
    simulator.faults.inject({ kind: 'http500', match: { path: INFOMAX_PATHS.stockHist } })
    simulator.faults.inject({ kind: 'truncatedJson', match: { path: INFOMAX_PATHS.stockCode } })
    const failed = await fetch(`${simulator.url}${INFOMAX_PATHS.stockHist}?code=${code}`, { headers: { authorization: 'bearer demo-infomax-token' } })
    expect(failed.status).toBe(500)
    const truncated = await fetch(`${simulator.url}${INFOMAX_PATHS.stockCode}?type=ST`, { headers: { authorization: 'bearer demo-infomax-token' } })
    const text = await truncated.text()
    expect(() => JSON.parse(text)).toThrow()
    expect(text.startsWith('{"success":true,"results":[')).toBe(true)
  })
})
