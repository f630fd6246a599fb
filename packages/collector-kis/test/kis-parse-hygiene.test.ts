import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SourceUnavailableError, type HttpResponse } from '@kmd/core'
import { KIS_ROUTES, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { collectOhlcvDailyForDate, dailyOhlcvBatches, investorTradingBatches, kisAnswerCheck, ohlcvRecordOf } from '../src/index.ts'
import { recordedRows } from './fixtures.ts'
import { kisClient, newApp } from './kis-simulator.ts'

const TRADING_DAY = '2025-03-04'

describe('KIS rows with broken text', () => {
  it('a NUL in any field, used or not, is a parse error naming it; a broken used field is null without a second message', () => {
    const [row] = recordedRows('daily-itemchartprice', 'output2')
    const record = ohlcvRecordOf({ ...row!, revl_issu_reas: 'a\u0000b', stck_clpr: '7\uFFFD100' }, '005930')
    expect([...record.parseErrors].sort()).toEqual([
      'revl_issu_reas: contains NUL',
      'stck_clpr: contains U+FFFD (undecodable bytes: a wrong charset or a damaged answer)',
    ])
    expect(record.values.close_price).toBeNull()
    expect(record.values.open_price).not.toBeNull()
  })

  it('a row with data but no readable date is kept, in the window’s last day, as parse errors; a blank row is not a row', () => {
    const [row] = recordedRows('daily-itemchartprice', 'output2')
    const undated = { ...row!, stck_bsop_date: '2025\u00000811' }
    const [batch] = dailyOhlcvBatches([{ stockCode: '005930', rows: [], requestCount: 1, undated: [undated], to: '2025-08-11' }])
    expect(batch).toMatchObject({ tradeDate: '2025-08-11' })
    expect(batch!.records).toHaveLength(1)
    expect(batch!.records[0]!.values.time).toBeNull()
    expect(batch!.records[0]!.parseErrors).toContain('stck_bsop_date: contains NUL')

    const [investorRow] = recordedRows('investor-trade-by-stock-daily', 'output2')
    const [investors] = investorTradingBatches([{ stockCode: '005930', rows: [], requestCount: 1, undated: [{ ...investorRow!, stck_bsop_date: 'x' }], to: '2025-08-11' }])
    expect(investors!.records).toHaveLength(11)
    expect(investors!.records.every((record) => record.parseErrors.includes('time: not a date ("x")'))).toBe(true)
  })

  it('an answer with a duplicated key is malformed and retryable', () => {
    const response: HttpResponse<string> = { status: 200, headers: {}, body: '{"rt_cd":"0","output2":[{"stck_bsop_date":"20250811"}],"output2":[]}' }
    const error = kisAnswerCheck('kis GET /uapi/x (TR)', [], () => undefined)(response)
    expect(error).toBeInstanceOf(SourceUnavailableError)
    expect(error!.message).toBe('kis GET /uapi/x (TR): HTTP 200: malformed answer, duplicated key "output2" at top level')
  })
})

describe('KIS over the simulator', () => {
  let simulator: RunningSimulator
  beforeAll(async () => {
    simulator = await startSimulator({ stockCount: 300 })
    simulator.kis.configure({ requestsPerSecond: Infinity })
  })
  afterAll(() => simulator.stop())
  beforeEach(() => simulator.faults.clear())

  it('nulInField in a daily bar: the bar is kept with the field named, not lost and not a failed day', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    const [code] = simulator.kis.listedStockCodes()
    simulator.faults.inject({ kind: 'nulInField', field: 'stck_clpr', match: { path: KIS_ROUTES.dailyChart.path } })
    const batch = await collectOhlcvDailyForDate(client, TRADING_DAY, [code!])
    expect(batch.records).toHaveLength(1)
    expect(batch.records[0]!.parseErrors).toEqual(['stck_clpr: contains NUL'])
    expect(batch.records[0]!.values.close_price).toBeNull()
  })

  it('a duplicated output key once is retried; an empty output is 0 records and no error', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    const [code] = simulator.kis.listedStockCodes()
    simulator.faults.inject({ kind: 'duplicateDataKey', match: { path: KIS_ROUTES.dailyChart.path } })
    expect((await collectOhlcvDailyForDate(client, TRADING_DAY, [code!])).records).toHaveLength(1)
    expect(simulator.faults.applied.at(-1)).toMatchObject({ kind: 'duplicateDataKey', field: 'output2' })

    simulator.faults.inject({ kind: 'emptyRows', match: { path: KIS_ROUTES.dailyChart.path } })
    // A session day by the KRX calendar: an empty answer is 0 records, not a closed market.
    expect(await collectOhlcvDailyForDate(client, TRADING_DAY, [code!])).toMatchObject({ records: [], nonTradingDay: false })
  })
})
