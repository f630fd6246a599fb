import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AuthenticationError, ConfigError, isTradingDay, SchemaViolationError, tradingDaysBetween } from '@kmd/core'
import { KIS_ROUTES, KIS_TOKEN_PATH, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import {
  collectDailyOhlcv,
  collectInvestorTrading,
  collectInvestorTradingForDate,
  collectMarketCalendar,
  collectOhlcvDailyForDate,
  createKisClient,
  KIS_APIS,
} from '../src/index.ts'
import { capturedLogger, kisClient, kisConfig, newApp, runChildProcess, type TestApp } from './kis-simulator.ts'

const TRADING_DAY = '2025-03-04' // a Tuesday
const SATURDAY = '2025-03-08'

let simulator: RunningSimulator
let traded: string[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300 })
  simulator.kis.configure({ requestsPerSecond: Infinity })
  // Stocks that trade on the test day (the synthetic market suspends a few for good).
  const batch = await collectOhlcvDailyForDate(kisClient(simulator, await newApp(simulator)), TRADING_DAY, simulator.kis.listedStockCodes().slice(0, 20))
  traded = batch.records.filter((record) => record.values.volume! > 0).map((record) => record.values.stock_code!)
})
afterAll(async () => {
  await simulator.stop()
})
beforeEach(() => {
  simulator.kis.reset()
  simulator.kis.configure({ requestsPerSecond: Infinity })
  simulator.faults.clear()
})

const requestsSince = (start: number, path: string) => simulator.requests.slice(start).filter((request) => request.path === path)
const tokensOf = (app: TestApp) => simulator.kis.issuedTokens.filter((token) => token.appKey === app.appKey)

describe('KIS requests', () => {
  it('sends KIS’s headers and one token for every call', async () => {
    const app = await newApp(simulator)
    const start = simulator.requests.length
    const batch = await collectOhlcvDailyForDate(kisClient(simulator, app), TRADING_DAY, traded.slice(0, 3))
    expect(batch).toMatchObject({ dataset: 'ohlcv_daily', source: 'kis', tradeDate: TRADING_DAY, nonTradingDay: false, requestCount: 3 })
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])

    const calls = requestsSince(start, KIS_ROUTES.dailyChart.path)
    expect(calls).toHaveLength(3)
    const [token] = tokensOf(app)
    for (const call of calls) {
      expect(call.headers).toMatchObject({
        authorization: `Bearer ${token!.accessToken}`,
        appkey: app.appKey,
        appsecret: app.appSecret,
        tr_id: 'FHKST03010100',
        custtype: 'P',
        'content-type': 'application/json; charset=utf-8',
      })
      expect(call.query).toMatchObject({ FID_COND_MRKT_DIV_CODE: 'J', FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: '1', FID_INPUT_DATE_1: '20250304', FID_INPUT_DATE_2: '20250304' })
    }
    expect(tokensOf(app)).toHaveLength(1)
  })

  it('recognises a closed day from KIS’s empty answers', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    expect(await collectOhlcvDailyForDate(client, SATURDAY, traded.slice(0, 2))).toMatchObject({ nonTradingDay: true, records: [] })
    expect(await collectInvestorTradingForDate(client, SATURDAY, traded.slice(0, 2))).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('refuses the real-only APIs in the mock environment without calling KIS', async () => {
    const app = await newApp(simulator)
    const start = simulator.requests.length
    const client = createKisClient(kisConfig(simulator, app, { env: 'mock' }))
    await expect(collectInvestorTradingForDate(client, TRADING_DAY, traded.slice(0, 1))).rejects.toBeInstanceOf(ConfigError)
    await expect(collectMarketCalendar(client, TRADING_DAY)).rejects.toThrow(/CTCA0903R .* real environment only/)
    expect(simulator.requests.length).toBe(start)
  })
})

describe('the access token', () => {
  it('is reused by a second process that loads the token cache', async () => {
    const app = await newApp(simulator)
    await collectOhlcvDailyForDate(kisClient(simulator, app), TRADING_DAY, traded.slice(0, 1))
    expect(tokensOf(app)).toHaveLength(1)

    const start = simulator.requests.length
    const child = await runChildProcess(simulator, app, traded[1]!, TRADING_DAY)
    expect(child.stderr).toBe('')
    expect(child.code).toBe(0)
    expect(JSON.parse(child.stdout)).toEqual({ rows: 1, requestCount: 1 })
    expect(tokensOf(app)).toHaveLength(1)
    expect(requestsSince(start, KIS_TOKEN_PATH)).toHaveLength(0)
    expect(requestsSince(start, KIS_ROUTES.dailyChart.path)[0]!.headers.authorization).toBe(`Bearer ${tokensOf(app)[0]!.accessToken}`)
  })

  it('is issued once for two processes starting together', async () => {
    const app = await newApp(simulator)
    // A slow issuance keeps the first child's request open while the second starts; without
    // the lock both would ask, and KIS answers a second issuance within a minute with EGW00133.
    simulator.faults.inject({ kind: 'slow', match: { path: KIS_TOKEN_PATH }, delayMs: 1_500, times: 2 })
    const children = await Promise.all([runChildProcess(simulator, app, traded[0]!, TRADING_DAY), runChildProcess(simulator, app, traded[1]!, TRADING_DAY)])
    for (const child of children) {
      expect(child.stderr).toBe('')
      expect(child.code).toBe(0)
    }
    expect(tokensOf(app)).toHaveLength(1)
  })

  for (const status of [500, 200]) {
    it(`is issued again once when KIS answers EGW00123 (HTTP ${status}), and the request repeated`, async () => {
      simulator.kis.configure({ tokenIssueIntervalMs: 0, expiredTokenStatus: status })
      const app = await newApp(simulator)
      const client = kisClient(simulator, app)
      await collectOhlcvDailyForDate(client, TRADING_DAY, traded.slice(0, 1))
      simulator.kis.expireTokens()

      const start = simulator.requests.length
      const batch = await collectOhlcvDailyForDate(client, TRADING_DAY, traded.slice(1, 2))
      expect(batch.records).toHaveLength(1)
      const tokens = tokensOf(app)
      expect(tokens).toHaveLength(2)
      const calls = requestsSince(start, KIS_ROUTES.dailyChart.path)
      expect(calls.map((call) => [call.status, call.headers.authorization])).toEqual([
        [status, `Bearer ${tokens[0]!.accessToken}`],
        [200, `Bearer ${tokens[1]!.accessToken}`],
      ])
    })
  }

  it('refused again right after being issued fails instead of looping', async () => {
    simulator.kis.configure({ tokenIssueIntervalMs: 0, tokenTtlMs: 0 })
    const app = await newApp(simulator)
    const start = simulator.requests.length
    const failure = collectOhlcvDailyForDate(kisClient(simulator, app), TRADING_DAY, traded.slice(0, 1))
    await expect(failure).rejects.toBeInstanceOf(AuthenticationError)
    await expect(failure).rejects.toThrow(/EGW00123 기간이 만료된 token 입니다\..*again, right after a new token was issued/)
    expect(requestsSince(start, KIS_TOKEN_PATH)).toHaveLength(2)
    expect(requestsSince(start, KIS_ROUTES.dailyChart.path)).toHaveLength(2)
  })
})

describe('pacing and the rate limit', () => {
  it('backs off on EGW00201 and gets every answer', async () => {
    simulator.kis.configure({ requestsPerSecond: 2 })
    const app = await newApp(simulator)
    const start = simulator.requests.length
    const batch = await collectOhlcvDailyForDate(kisClient(simulator, app, { retries: 6, minRetryDelayMs: 250 }), TRADING_DAY, traded.slice(0, 5))
    expect(batch.records).toHaveLength(5)
    const statuses = requestsSince(start, KIS_ROUTES.dailyChart.path).map((call) => call.status)
    expect(statuses.filter((status) => status === 500).length).toBeGreaterThan(0)
    expect(statuses.filter((status) => status === 200)).toHaveLength(5)
  })

  it('keeps an app key under its configured pace', async () => {
    simulator.kis.configure({ requestsPerSecond: 5 })
    const app = await newApp(simulator)
    const client = createKisClient(kisConfig(simulator, app, { maxRequestsPerSecond: 4 }), { retries: 0 })
    const start = simulator.requests.length
    await collectOhlcvDailyForDate(client, TRADING_DAY, traded.slice(0, 6))
    const calls = requestsSince(start, KIS_ROUTES.dailyChart.path)
    expect(calls.map((call) => call.status)).toEqual([200, 200, 200, 200, 200, 200])
    // 250 ms apart when sent. Arrivals on a loaded machine can bunch (one late, the next on
    // time), so the pace is judged over the whole run: six calls take at least five intervals.
    expect(calls.at(-1)!.receivedAt - calls[0]!.receivedAt).toBeGreaterThanOrEqual(1_150)
  })
})

describe('paging', () => {
  it('follows tr_cont through the investor pages back to the start of the window', async () => {
    simulator.kis.configure({ investorPageSize: 5 })
    const app = await newApp(simulator)
    const from = '2025-02-03'
    const start = simulator.requests.length
    const batches = await collectInvestorTrading(kisClient(simulator, app), { stockCodes: traded.slice(0, 1), from, to: TRADING_DAY })

    const days = tradingDaysBetween(from, TRADING_DAY)
    expect(batches.map((batch) => batch.tradeDate)).toEqual(days)
    const calls = requestsSince(start, KIS_ROUTES.investorDaily.path)
    expect(calls).toHaveLength(Math.ceil((days.length + 1) / 5))
    expect(calls.map((call) => call.headers.tr_cont ?? '')).toEqual(['', ...calls.slice(1).map(() => 'N')])
    for (const batch of batches) {
      expect(batch.records).toHaveLength(11)
      expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
      expect(batch.records.reduce((sum, record) => sum + record.values.net_buy_volume!, 0)).toBe(0)
    }

    const single = await collectInvestorTradingForDate(kisClient(simulator, app), TRADING_DAY, traded.slice(0, 1))
    expect(single.records.map((record) => record.values)).toEqual(batches.at(-1)!.records.map((record) => record.values))
  })

  it('moves the date window for daily bars beyond 100 rows', async () => {
    const app = await newApp(simulator)
    const from = '2024-09-02'
    const start = simulator.requests.length
    const batches = await collectDailyOhlcv(kisClient(simulator, app), { stockCodes: traded.slice(0, 1), from, to: TRADING_DAY })
    const days = tradingDaysBetween(from, TRADING_DAY)
    expect(days.length).toBeGreaterThan(100)
    expect(batches.map((batch) => batch.tradeDate)).toEqual(days)
    const windows = requestsSince(start, KIS_ROUTES.dailyChart.path).map((call) => [call.query.FID_INPUT_DATE_1, call.query.FID_INPUT_DATE_2])
    const oldestOfFirstPage = days.at(-100)!
    const dayBefore = new Date(Date.parse(`${oldestOfFirstPage}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10).replace(/-/g, '')
    expect(windows).toEqual([
      ['20240902', '20250304'],
      ['20240902', dayBefore],
    ])
    expect(batches.every((batch) => batch.records.length === 1 && batch.requestCount === 2)).toBe(true)
  })
})

describe('the calendar', () => {
  it('collects every day of a range, following the context keys page by page', async () => {
    const app = await newApp(simulator)
    const start = simulator.requests.length
    const batch = await collectMarketCalendar(kisClient(simulator, app), '2025-01-01', { toDate: '2025-03-31' })
    expect(batch).toMatchObject({ dataset: 'market_calendar', source: 'kis', tradeDate: '2025-01-01' })
    expect(batch.records).toHaveLength(90)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
    for (const { values } of batch.records) expect(values.is_trading_day).toBe(isTradingDay(values.trade_date!))
    const closed = batch.records.filter((record) => !record.values.is_trading_day && !['0', '6'].includes(String(new Date(record.values.trade_date!).getUTCDay())))
    expect(closed.map((record) => record.values.trade_date)).toEqual(['2025-01-01', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-03-03'])

    const calls = requestsSince(start, KIS_ROUTES.holidays.path)
    expect(calls).toHaveLength(4)
    expect(batch.requestCount).toBe(4)
    expect(calls[0]!.query).toEqual({ BASS_DT: '20250101', CTX_AREA_NK: '', CTX_AREA_FK: '' })
    expect(calls[1]!.query).toEqual({ BASS_DT: '20250101', CTX_AREA_NK: '20250124            ', CTX_AREA_FK: '20250101            ' })
    expect(calls[1]!.headers.tr_cont).toBe('N')
  })
})

describe('failures', () => {
  it('carry msg_cd and msg1 and never the key, the secret or the token', async () => {
    simulator.kis.configure({ tokenIssueIntervalMs: 0 })
    const app = await newApp(simulator)
    const { logger, text } = capturedLogger()
    const client = kisClient(simulator, app, { logger })
    const secrets = () => [app.appKey, app.appSecret, ...tokensOf(app).map((token) => token.accessToken)]
    const messages: string[] = []
    const keep = async (work: Promise<unknown>) => {
      const error = await work.then(() => undefined, (failure: Error) => failure)
      expect(error).toBeInstanceOf(Error)
      messages.push(error!.message)
      return error!
    }

    const rejected = await keep(client.get(KIS_APIS.dailyChart, { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: traded[0]!, FID_INPUT_DATE_1: '2025-03-04', FID_INPUT_DATE_2: '20250304', FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: '1' }))
    expect(rejected).toBeInstanceOf(SchemaViolationError)
    expect(rejected.message).toMatch(/FHKST03010100.*OPSQ2001 ERROR INPUT FIELD/)

    const wrongTrId = await keep(client.get({ ...KIS_APIS.dailyChart, trId: 'FHKST01010100' }, {}))
    expect(wrongTrId.message).toContain('OPSQ0002 없는 서비스 코드 입니다')

    simulator.kis.expireTokens()
    await collectOhlcvDailyForDate(client, TRADING_DAY, traded.slice(0, 1))

    const wrongSecret = await keep(collectOhlcvDailyForDate(kisClient(simulator, { ...app, appSecret: `${app.appSecret}-wrong`, tokenCacheDir: `${app.tokenCacheDir}-2` }, { logger }), TRADING_DAY, traded.slice(0, 1)))
    expect(wrongSecret).toBeInstanceOf(AuthenticationError)
    expect(wrongSecret.message).toContain('EGW00105 유효하지 않은 AppSecret입니다.')

    const output = [text(), ...messages].join('\n')
    expect(output).toContain('issuing a KIS access token')
    for (const secret of secrets()) expect(output).not.toContain(secret)
  })

  for (const [kind, statuses] of [
    ['http500', [500, 200]],
    ['truncatedJson', [200, 200]],
    ['http429', [429, 200]],
  ] as const) {
    it(`are retried when the gateway answers with a ${kind} fault`, async () => {
      const app = await newApp(simulator)
      const path = KIS_ROUTES.dailyChart.path
      simulator.faults.inject({ kind, match: { path } })
      const start = simulator.requests.length
      const batch = await collectOhlcvDailyForDate(kisClient(simulator, app), TRADING_DAY, traded.slice(0, 1))
      expect(batch.records).toHaveLength(1)
      expect(requestsSince(start, path).map((call) => call.status)).toEqual(statuses)
      expect(simulator.faults.applied.at(-1)).toMatchObject({ kind, path })
    })
  }
})
