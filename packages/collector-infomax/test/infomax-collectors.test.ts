import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { SchemaViolationError, tradingDaysBetween } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import {
  collectInfomaxDailyPrices,
  collectInfomaxEtfPortfolios,
  collectInfomaxFloatingShares,
  collectInfomaxIndexComponents,
  collectInfomaxInvestorTrading,
  collectInfomaxStocks,
  infomaxDailyCollectors,
  INFOMAX_ENDPOINTS,
  listInfomaxEtfCodes,
  listInfomaxStockCodes,
  type InfomaxClient,
} from '../src/index.ts'
import { logCapture } from './log-capture.ts'
import { infomaxClient, TOKEN } from './simulator-client.ts'

const DAY = '2025-03-04'
const SATURDAY = '2025-03-08'
type Row = Record<string, unknown>

let simulator: RunningSimulator
let client: InfomaxClient
let codes: string[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 600, infomax: { tokens: [TOKEN], rateLimit: false } })
  client = infomaxClient(simulator.url)
  codes = await listInfomaxStockCodes(client)
})
afterAll(() => simulator.stop())
beforeEach(() => {
  simulator.faults.clear()
  simulator.infomax.quirks.clear()
})

const requestsTo = (path: string, since: number) => simulator.requests.slice(since).filter((request) => request.path === path)
/** The simulator's own answer, for comparing records with the rows they came from. */
async function vendorRows(path: string, query: Record<string, string>): Promise<Row[]> {
  const url = new URL(simulator.url + path)
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
  const answer = (await (await fetch(url, { headers: { authorization: `bearer ${TOKEN}` } })).json()) as { results: Row[] }
  return answer.results
}

describe('daily prices (/api/stock/hist)', () => {
  test('map one day of every stock to ohlcv_daily and market_cap_daily without parse errors', async () => {
    const start = simulator.requests.length
    const { ohlcv, marketCap } = await collectInfomaxDailyPrices(client, { codes, from: DAY, to: DAY })
    const requests = requestsTo(INFOMAX_ENDPOINTS.stockHist, start)
    expect(requests).toHaveLength(Math.ceil(codes.length / 20))
    expect(ohlcv).toMatchObject({ dataset: 'ohlcv_daily', source: 'infomax', tradeDate: DAY, nonTradingDay: false, requestCount: requests.length })
    expect(ohlcv.records).toHaveLength(codes.length)
    expect([...ohlcv.records, ...marketCap.records].flatMap((record) => record.parseErrors)).toEqual([])

    const rows = new Map((await vendorRows(INFOMAX_ENDPOINTS.stockHist, { code: codes.slice(0, 20).join(','), startDate: '20250304', endDate: '20250304' })).map((row) => [row.code, row]))
    for (const record of ohlcv.records.filter((candidate) => rows.has(candidate.values.stock_code))) {
      const row = rows.get(record.values.stock_code)!
      expect(record.values).toMatchObject({ time: DAY, close_price: String(row.close_price), volume: row.trading_volume, trading_value: row.trading_value, change: String(row.change) })
      if (row.trading_volume !== 0) expect(record.values.open_price).toBe(String(row.open_price))
    }
    for (const { values } of marketCap.records) expect(values.market_cap).toBe(Number(values.close_price) * values.shares_outstanding!)
  })

  test('ask for a 72-day range in 30-day windows and merge them into one batch per dataset', async () => {
    const few = codes.slice(0, 3)
    const start = simulator.requests.length
    const { ohlcv, marketCap } = await collectInfomaxDailyPrices(client, { codes: few, from: '2025-01-02', to: '2025-03-14' })
    const windows = requestsTo(INFOMAX_ENDPOINTS.stockHist, start).map((request) => [request.query.startDate, request.query.endDate])
    expect(windows).toEqual([
      ['20250102', '20250131'],
      ['20250201', '20250302'],
      ['20250303', '20250314'],
    ])
    expect(ohlcv).toMatchObject({ tradeDate: '2025-03-14', requestCount: 3 })
    const sessions = tradingDaysBetween('2025-01-02', '2025-03-14')
    expect(new Set(ohlcv.records.map((record) => record.values.time))).toEqual(new Set(sessions))
    expect(ohlcv.records).toHaveLength(sessions.length * few.length)
    expect(new Set(ohlcv.records.map((record) => `${record.values.stock_code}|${record.values.time}`)).size).toBe(ohlcv.records.length)
    expect(marketCap.records).toHaveLength(ohlcv.records.length)
  })

  test('a weekend is a non-trading day with no records', async () => {
    const { ohlcv } = await collectInfomaxDailyPrices(client, { codes: codes.slice(0, 5), from: SATURDAY, to: SATURDAY })
    expect(ohlcv).toMatchObject({ nonTradingDay: true, records: [] })
  })
})

describe('investor flows (/api/stock/investor)', () => {
  test('store the eleven leaf groups per stock and day in 원 (천원 × 1,000), net = bid − ask, netting to zero in volume', async () => {
    const few = codes.slice(0, 5)
    const start = simulator.requests.length
    const batch = await collectInfomaxInvestorTrading(client, { codes: few, from: DAY, to: DAY })
    expect(requestsTo(INFOMAX_ENDPOINTS.stockInvestor, start).map((request) => request.query.code)).toEqual(few)
    expect(batch).toMatchObject({ dataset: 'investor_trading', source: 'infomax', requestCount: 5 })
    expect(batch.records).toHaveLength(55)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])

    const rows = await vendorRows(INFOMAX_ENDPOINTS.stockInvestor, { code: few[0]!, startDate: '20250304', endDate: '20250304' })
    const individual = rows.find((row) => row.investor === '개인')!
    const record = batch.records.find((candidate) => candidate.values.stock_code === few[0] && candidate.values.investor_type === 'individual')!
    expect(record.values).toMatchObject({
      sell_value: (individual.ask_value as number) * 1_000,
      buy_value: (individual.bid_value as number) * 1_000,
      net_buy_value: ((individual.bid_value as number) - (individual.ask_value as number)) * 1_000,
      sell_volume: individual.ask_volume,
    })
    for (const code of few) {
      const ofStock = batch.records.filter((candidate) => candidate.values.stock_code === code)
      expect(new Set(ofStock.map((candidate) => candidate.values.investor_type)).size).toBe(11)
      expect(ofStock.reduce((sum, candidate) => sum + candidate.values.net_buy_volume!, 0)).toBe(0)
    }
  })

  test('ask for a 40-day range in two windows per stock', async () => {
    const start = simulator.requests.length
    const batch = await collectInfomaxInvestorTrading(client, { codes: codes.slice(0, 2), from: '2025-02-01', to: '2025-03-12' })
    expect(requestsTo(INFOMAX_ENDPOINTS.stockInvestor, start).map((request) => `${request.query.code} ${request.query.startDate}-${request.query.endDate}`)).toEqual([
      `${codes[0]} 20250201-20250302`,
      `${codes[1]} 20250201-20250302`,
      `${codes[0]} 20250303-20250312`,
      `${codes[1]} 20250303-20250312`,
    ])
    expect(batch.records).toHaveLength(2 * 11 * tradingDaysBetween('2025-02-01', '2025-03-12').length)
  })
})

describe('stock master (/api/stock/code, /api/stock/expired)', () => {
  test('lists the ordinary shares of every market and the delisted ones of a window, leaving ETFs out', async () => {
    const batch = await collectInfomaxStocks(client, { asOf: DAY, delisted: { from: '2016-01-01', to: '2026-12-31' } })
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
    const listed = batch.records.filter((record) => record.values.delisting_date === null)
    const delisted = batch.records.filter((record) => record.values.delisting_date !== null)
    expect(listed.map((record) => record.values.stock_code).sort()).toEqual(codes)
    expect(new Set(listed.map((record) => record.values.market))).toEqual(new Set(['KOSPI', 'KOSDAQ', 'KONEX']))
    expect(delisted.length).toBeGreaterThan(40)
    const etfCodes = await listInfomaxEtfCodes(client)
    expect(etfCodes.length).toBeGreaterThan(3)
    expect(batch.records.some((record) => etfCodes.includes(record.values.stock_code!))).toBe(false)
  })

  test('completes a list cut at the row cap by asking again by code prefix', async () => {
    const capped = await startSimulator({ stockCount: 600, infomax: { tokens: [TOKEN], rateLimit: false, codeListCap: 60 } })
    try {
      const cappedClient = infomaxClient(capped.url)
      const start = capped.requests.length
      const batch = await collectInfomaxStocks(cappedClient, { asOf: DAY }, { codeListCap: 60 })
      expect(batch.records.map((record) => record.values.stock_code).sort()).toEqual(codes)
      expect(batch.requestCount).toBe(capped.requests.length - start)
      expect(batch.requestCount).toBeGreaterThan(4)
    } finally {
      await capped.stop()
    }
  })
})

describe('ETF portfolios, index constituents, floating shares', () => {
  test('ETF lines map to etf_portfolios, shares per CU and value as sent, the cash line included', async () => {
    const [etf] = await listInfomaxEtfCodes(client)
    const batch = await collectInfomaxEtfPortfolios(client, { etfCodes: [etf!], date: DAY })
    const rows = await vendorRows(INFOMAX_ENDPOINTS.etfPort, { code: etf!, date: '20250304' })
    expect(batch.records).toHaveLength(rows.length)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
    expect(batch.records[0]!.values).toMatchObject({
      etf_code: etf,
      base_date: DAY,
      component_code: rows[0]!.port_code,
      component_name: rows[0]!.port_name,
      shares: String(rows[0]!.port_volume),
      valuation_amount: String(rows[0]!.port_value),
    })
    expect(batch.records.at(-1)!.values.component_code).toBe('KRD010010001')
  })

  test('KOSPI 200 and KOSDAQ 150 map to KRX ids 1/028 and 2/203; foreign ISINs need the master', async () => {
    const alone = await collectInfomaxIndexComponents(client, { asOf: DAY })
    const byIndex = (batch: typeof alone, id: string) => batch.records.filter((record) => record.values.index_code === id)
    expect(byIndex(alone, '1/028').length).toBeGreaterThan(100)
    expect(byIndex(alone, '2/203')).toHaveLength(150)
    const unresolved = alone.records.filter((record) => record.parseErrors.length > 0)
    expect(unresolved.every((record) => record.parseErrors[0]!.includes('is not a Korean share ISIN'))).toBe(true)

    const master = await collectInfomaxStocks(client, { asOf: DAY })
    const stockCodeByIsin = new Map(master.records.map((record) => [record.values.isin!, record.values.stock_code!]))
    const resolved = await collectInfomaxIndexComponents(client, { asOf: DAY, stockCodeByIsin })
    expect(resolved.records.flatMap((record) => record.parseErrors)).toEqual([])
    expect(resolved.records.every((record) => codes.includes(record.values.stock_code!))).toBe(true)
    await expect(collectInfomaxIndexComponents(client, { asOf: DAY, indexCodes: ['ZZZ01P'] })).rejects.toThrow(/add it to INFOMAX_INDEX_CODES/)
  })

  test('floating shares come from the configured field; a field the vendor does not send is a parse error on every record', async () => {
    const batch = await collectInfomaxFloatingShares(client, { codes: codes.slice(0, 10), date: DAY })
    expect(batch.records).toHaveLength(10)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
    for (const { values } of batch.records) expect(Number(values.floating_ratio)).toBeGreaterThan(29.99)

    const log = logCapture()
    const guessing = infomaxClient(simulator.url, {}, { logger: log.logger })
    const wrong = await collectInfomaxFloatingShares(guessing, { codes: codes.slice(0, 10), date: DAY }, { source: { field: 'free_float' } })
    expect(wrong.records.every((record) => record.parseErrors.includes('floating_shares: /api/stock/info free_float is missing'))).toBe(true)
    expect(log.lines().filter((line) => line.level === 40).map((line) => line.field)).toEqual(['floating_shares'])
  })
})

describe('the unexpected, end to end', () => {
  test('a missing field and a wrong type become parse errors on those records only; an extra field is a warning, once', async () => {
    const path = INFOMAX_ENDPOINTS.stockHist
    simulator.infomax.quirks.inject({ kind: 'missingField', endpoint: path, field: 'close_price' })
    simulator.infomax.quirks.inject({ kind: 'wrongType', endpoint: path, field: 'trading_value', value: '8,484,481,680', rows: 2 })
    simulator.infomax.quirks.inject({ kind: 'extraField', endpoint: path, field: 'adj_close_price', value: 1, rows: Infinity, times: Infinity })
    const log = logCapture()
    const watched = infomaxClient(simulator.url, {}, { logger: log.logger })
    const { ohlcv, marketCap } = await collectInfomaxDailyPrices(watched, { codes: codes.slice(0, 40), from: DAY, to: DAY })

    const [first, second] = ohlcv.records
    expect(first!.parseErrors).toEqual([
      'close_price: /api/stock/hist close_price is missing',
      'trading_value: /api/stock/hist trading_value is a string ("8,484,481,680"), expected a whole number',
    ])
    expect(first!.values).toMatchObject({ close_price: null, trading_value: null })
    expect(second!.parseErrors).toEqual(['trading_value: /api/stock/hist trading_value is a string ("8,484,481,680"), expected a whole number'])
    expect(ohlcv.records.slice(2).flatMap((record) => record.parseErrors)).toEqual([])
    expect(marketCap.records[0]!.parseErrors).toEqual(['close_price: /api/stock/hist close_price is missing'])
    expect(marketCap.records[0]!.values.market_cap).toBeNull()
    expect(ohlcv.records).toHaveLength(40)

    const warnings = log.lines().filter((line) => line.level === 40)
    expect(warnings.map((line) => [line.endpoint, line.field])).toEqual([[path, 'adj_close_price']])
  })

  test('success: false stops the collector with the endpoint and the vendor’s text', async () => {
    simulator.infomax.quirks.inject({ kind: 'failure', endpoint: INFOMAX_ENDPOINTS.stockInvestor, text: 'error params' })
    const failure = await collectInfomaxInvestorTrading(client, { codes: codes.slice(0, 2), from: DAY, to: DAY }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect((failure as Error).message).toBe('infomax GET /api/stock/investor: Infomax refused the request (success: false, "error params")')
  })
})

describe('one-day collectors for the pipeline', () => {
  test('OHLCV and market cap of a day share one set of /api/stock/hist requests; investor flows list the same stocks', async () => {
    const few = codes.slice(0, 30)
    const daily = infomaxDailyCollectors(client, { codes: async () => few })
    const start = simulator.requests.length
    const ohlcv = await daily.ohlcv_daily(DAY)
    const marketCap = await daily.market_cap_daily(DAY)
    expect(ohlcv.records).toHaveLength(30)
    expect(marketCap.dataset).toBe('market_cap_daily')
    expect(requestsTo(INFOMAX_ENDPOINTS.stockHist, start)).toHaveLength(2)
    const investor = await daily.investor_trading(DAY)
    expect(new Set(investor.records.map((record) => record.values.stock_code))).toEqual(new Set(few))
  })
})
