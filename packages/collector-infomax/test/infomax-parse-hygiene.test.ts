import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { SourceUnavailableError } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { collectInfomaxDailyPrices, INFOMAX_ENDPOINTS, stockHistRecords, UnknownFieldLog } from '../src/index.ts'
import { infomaxClient, TOKEN } from './simulator-client.ts'

const HIST = INFOMAX_ENDPOINTS.stockHist
const ROW = {
  date: 20250304, code: '005930', open_price: 100, high_price: 110, low_price: 90, close_price: 105,
  trading_volume: 10, trading_value: 1_000, base_price: 100, change: 5, change_rate: 5, listed_shares: 1_000,
}

describe('Infomax rows with broken text', () => {
  test('a NUL in a field no record reads quarantines both records of the row, naming the field', () => {
    const { ohlcv, marketCap } = stockHistRecords({ ...ROW, note: 'a\u0000b' }, 0, new UnknownFieldLog())
    expect(ohlcv.parseErrors).toEqual(['note: contains NUL'])
    expect(marketCap.parseErrors).toEqual(['note: contains NUL'])
    expect(ohlcv.values.close_price).toBe('105')
  })

  test('U+FFFD in a field a record reads: reported once, under the vendor field, and the value is null', () => {
    const { ohlcv, marketCap } = stockHistRecords({ ...ROW, code: '00\uFFFD930' }, 0, new UnknownFieldLog())
    const message = 'code: contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)'
    expect(ohlcv.parseErrors).toEqual([message])
    expect(marketCap.parseErrors).toEqual([message])
    expect(ohlcv.values.stock_code).toBeNull()
  })
})

describe('Infomax over the simulator', () => {
  let simulator: RunningSimulator
  let code: string
  beforeAll(async () => {
    simulator = await startSimulator({ stockCount: 100, infomax: { tokens: [TOKEN], rateLimit: false } })
    const master = await infomaxClient(simulator.url).fetchRows(INFOMAX_ENDPOINTS.stockCode, { type: 'ST' })
    code = String((master[0] as { code: string }).code)
  })
  afterAll(() => simulator.stop())
  beforeEach(() => simulator.faults.clear())

  const request = () => ({ codes: [code], from: '2025-03-04', to: '2025-03-05' })

  test('a duplicated results key fails as malformed and retryable; once, the retry gets the rows', async () => {
    simulator.faults.inject({ kind: 'duplicateDataKey', match: { path: HIST } })
    const failure = await collectInfomaxDailyPrices(infomaxClient(simulator.url, {}, { retries: 0 }), request()).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect((failure as Error).message).toContain('malformed answer, duplicated key "results" at top level')

    simulator.faults.inject({ kind: 'duplicateDataKey', match: { path: HIST } })
    expect((await collectInfomaxDailyPrices(infomaxClient(simulator.url), request())).ohlcv.records).toHaveLength(2)
  })

  test('nulInField: the row stays, with the field named; empty results: 0 records, no error', async () => {
    simulator.faults.inject({ kind: 'nulInField', field: 'code', match: { path: HIST } })
    const { ohlcv } = await collectInfomaxDailyPrices(infomaxClient(simulator.url), request())
    expect(ohlcv.records).toHaveLength(2)
    expect(ohlcv.records.map((record) => record.parseErrors)).toContainEqual(['code: contains NUL'])

    simulator.faults.inject({ kind: 'emptyRows', match: { path: HIST } })
    expect((await collectInfomaxDailyPrices(infomaxClient(simulator.url), request())).ohlcv.records).toEqual([])
  })
})
