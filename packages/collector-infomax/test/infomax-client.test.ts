import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { AuthenticationError, ConfigError, RateLimitedError, SchemaViolationError, SourceUnavailableError } from '@kmd/core'
import { INFOMAX_ERRORS, INFOMAX_PATHS, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { createInfomaxClient, INFOMAX_ENDPOINTS } from '../src/index.ts'
import { logCapture } from './log-capture.ts'
import { infomaxClient, TOKEN } from './simulator-client.ts'

const HIST = INFOMAX_ENDPOINTS.stockHist
const QUERY = { startDate: '20250304', endDate: '20250305' }

let simulator: RunningSimulator
let code: string

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 100, infomax: { tokens: [TOKEN], rateLimit: false } })
  const master = await infomaxClient(simulator.url).fetchRows(INFOMAX_ENDPOINTS.stockCode, { type: 'ST' })
  code = String((master[0] as { code: string }).code)
})
afterAll(() => simulator.stop())
beforeEach(() => {
  simulator.faults.clear()
  simulator.infomax.quirks.clear()
  simulator.infomax.setRateLimit(false)
})

const requestsTo = (path: string, since: number) => simulator.requests.slice(since).filter((request) => request.path === path)
const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error)

describe('Infomax requests', () => {
  test('GET /api/... with the query and `Authorization: bearer <token>`, answering the rows of `results`', async () => {
    const start = simulator.requests.length
    const rows = await infomaxClient(simulator.url).fetchRows(HIST, { code, ...QUERY })
    expect(rows).toHaveLength(2)
    const [request] = requestsTo(HIST, start)
    expect(request).toMatchObject({ method: 'GET', query: { code, ...QUERY } })
    expect(request!.headers.authorization).toBe(`bearer ${TOKEN}`)
  })

  test('refuses to start without a token', () => {
    expect(() => createInfomaxClient({ infomax: { baseUrl: simulator.url, apiToken: undefined, maxRequestsPerMinute: 60 } })).toThrow(ConfigError)
  })
})

describe('success: false', () => {
  test('access_denied is an AuthenticationError naming the endpoint, asked once, without the token in the message', async () => {
    const start = simulator.requests.length
    const failure = await failureOf(infomaxClient(simulator.url, { apiToken: 'wrong-token' }).fetchRows(HIST, { code, ...QUERY }))
    expect(failure).toBeInstanceOf(AuthenticationError)
    expect(failure!.message).toBe('infomax GET /api/stock/hist: Infomax refused the request (success: false, "access_denied"); check INFOMAX_API_TOKEN')
    expect(failure!.message).not.toContain('wrong-token')
    expect(requestsTo(HIST, start)).toHaveLength(1)
  })

  test('error params is a SchemaViolationError, not retried', async () => {
    const start = simulator.requests.length
    const failure = await failureOf(infomaxClient(simulator.url).fetchRows(HIST, { code, startDate: '20250101', endDate: '20250305' }))
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect((failure as SchemaViolationError).retryable).toBe(false)
    expect(failure!.message).toContain('/api/stock/hist: Infomax refused the request (success: false, "error params")')
    expect(requestsTo(HIST, start)).toHaveLength(1)
  })

  test('error timeout is retried and the answer after it is used', async () => {
    simulator.infomax.quirks.inject({ kind: 'failure', endpoint: HIST, text: INFOMAX_ERRORS.timeout, times: 2 })
    const start = simulator.requests.length
    const log = logCapture()
    const rows = await infomaxClient(simulator.url, {}, { logger: log.logger }).fetchRows(HIST, { code, ...QUERY })
    expect(rows).toHaveLength(2)
    expect(requestsTo(HIST, start)).toHaveLength(3)
    expect(log.lines().filter((line) => line.msg === 'HTTP request failed; retrying').map((line) => line.reason)).toEqual([
      'infomax GET /api/stock/hist: Infomax refused the request (success: false, "error timeout")',
      'infomax GET /api/stock/hist: Infomax refused the request (success: false, "error timeout")',
    ])
  })

  test('error timeout every time ends as a retryable SourceUnavailableError', async () => {
    simulator.infomax.quirks.inject({ kind: 'failure', endpoint: HIST, text: INFOMAX_ERRORS.timeout, times: Infinity })
    const failure = await failureOf(infomaxClient(simulator.url).fetchRows(HIST, { code, ...QUERY }))
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect((failure as SourceUnavailableError).retryable).toBe(true)
  })

  test('an error text nobody documented is a SchemaViolationError quoting it', async () => {
    simulator.infomax.quirks.inject({ kind: 'failure', endpoint: HIST, text: 'quota exceeded' })
    const failure = await failureOf(infomaxClient(simulator.url).fetchRows(HIST, { code, ...QUERY }))
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect(failure!.message).toContain('(success: false, "quota exceeded"); this error text is not one we know')
  })
})

describe('rate limits and outages', () => {
  test('HTTP 429 is retried with growing backoff until the window lets the request through', async () => {
    simulator.infomax.setRateLimit({ maxRequests: 2, windowMs: 400 })
    const client = infomaxClient(simulator.url, {}, { retries: 6, minRetryDelayMs: 100 })
    const start = simulator.requests.length
    for (let i = 0; i < 4; i++) expect(await client.fetchRows(HIST, { code, ...QUERY })).toHaveLength(2)

    const requests = requestsTo(HIST, start)
    expect(requests.filter((request) => request.status === 200)).toHaveLength(4)
    expect(requests.filter((request) => request.status === 429).length).toBeGreaterThan(0)
    requests.forEach((request, i) => {
      // After a 429 the client waits (≥ 100 ms, doubling) instead of asking again at once.
      if (request.status === 429 && requests[i + 1]) expect(requests[i + 1]!.receivedAt - request.receivedAt).toBeGreaterThanOrEqual(95)
    })
  })

  test('HTTP 429 beyond the retries is a RateLimitedError', async () => {
    simulator.infomax.setRateLimit({ maxRequests: 0, windowMs: 60_000 })
    const start = simulator.requests.length
    const failure = await failureOf(infomaxClient(simulator.url, {}, { retries: 1 }).fetchRows(HIST, { code, ...QUERY }))
    expect(failure).toBeInstanceOf(RateLimitedError)
    expect(failure!.message).toBe('infomax GET /api/stock/hist: HTTP 429 (rate limited)')
    expect(requestsTo(HIST, start).map((request) => request.status)).toEqual([429, 429])
  })

  test('paces requests at INFOMAX_MAX_REQUESTS_PER_MINUTE, 60 by default', async () => {
    const fast = infomaxClient(simulator.url, { maxRequestsPerMinute: 300 })
    let start = simulator.requests.length
    for (let i = 0; i < 5; i++) await fast.fetchRows(HIST, { code, ...QUERY })
    const gaps = (since: number) => {
      const times = requestsTo(HIST, since).map((request) => request.receivedAt)
      return times.slice(1).map((time, i) => time - times[i]!)
    }
    // Arrival times carry the loopback's jitter: each gap may look a little short, their sum may not.
    const fastGaps = gaps(start)
    for (const gap of fastGaps) expect(gap).toBeGreaterThanOrEqual(150)
    expect(fastGaps.reduce((sum, gap) => sum + gap, 0)).toBeGreaterThanOrEqual(4 * 200 - 40)

    const lite = infomaxClient(simulator.url, { maxRequestsPerMinute: 60 })
    start = simulator.requests.length
    await Promise.all([lite.fetchRows(HIST, { code, ...QUERY }), lite.fetchRows(HIST, { code, ...QUERY })])
    expect(gaps(start)[0]).toBeGreaterThanOrEqual(950)
  })

  test('gets through a 500 and a truncated answer', async () => {
    simulator.faults.inject({ kind: 'http500', match: { path: HIST } })
    simulator.faults.inject({ kind: 'truncatedJson', match: { path: INFOMAX_PATHS.stockCode } })
    const client = infomaxClient(simulator.url)
    expect(await client.fetchRows(HIST, { code, ...QUERY })).toHaveLength(2)
    expect((await client.fetchRows(INFOMAX_ENDPOINTS.stockCode, { type: 'ST' })).length).toBeGreaterThan(50)
    expect(simulator.faults.applied.slice(-2).map((fault) => fault.kind)).toEqual(['http500', 'truncatedJson'])
  })
})

describe('answers that are not the envelope', () => {
  let server: Server
  let body = ''
  let url = ''
  beforeAll(async () => {
    server = createServer((_, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(body))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))
  afterEach(() => (body = ''))

  test.each([
    ['{"data": []}', 'answer is not the {success, results} envelope (keys: data)'],
    ['[1, 2]', 'answer is not the {success, results} envelope (an array)'],
    ['{"success": true, "results": "none"}', 'success but results is a string ("none"), expected an array'],
  ])('%s is a SchemaViolationError saying what came', async (answer, message) => {
    body = answer
    const failure = await failureOf(infomaxClient(url).fetchRows(HIST, { code: '005930' }))
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect(failure!.message).toBe(`infomax GET /api/stock/hist: ${message}`)
  })

  test('an HTML page where JSON was expected is retried, then a SourceUnavailableError', async () => {
    body = '<html>maintenance</html>'
    const failure = await failureOf(infomaxClient(url, {}, { retries: 1 }).fetchRows(HIST, { code: '005930' }))
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect(failure!.message).toContain('invalid or truncated JSON')
  })
})
