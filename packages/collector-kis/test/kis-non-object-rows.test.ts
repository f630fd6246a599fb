import { describe, expect, it } from 'vitest'
import { SchemaViolationError } from '@kmd/core'
import {
  collectInvestorTrading,
  collectInvestorTradingForDate,
  collectMarketCalendar,
  collectOhlcvDailyForDate,
  KIS_APIS,
  outputRows,
  type KisAnswer,
  type KisFetcher,
} from '../src/index.ts'
import { readKisFixture, recordedAnswer } from './fixtures.ts'

/**
 * One element of an output array that is not an object ("row", 42, null, []) costs that row
 * only: its records carry `row N: not an object (got …)`, values null but what the request
 * says, raw `{ value: <element>, … }`; the other rows read as they would without it.
 */

const JUNK: ReadonlyArray<readonly [junk: unknown, shown: string]> = [
  ['row', 'string "row"'],
  [42, 'number 42'],
  [null, 'null'],
  [[], 'array []'],
]

/** A recorded answer whose `key` array gets `junk` inserted at `at`. */
function answerWithJunk(name: string, key: string, junk: unknown, at: number): KisAnswer {
  const body = readKisFixture(name).response
  const rows = [...(body[key] as unknown[])]
  rows.splice(at, 0, junk)
  return { body: { ...body, [key]: rows }, trCont: 'D' }
}

/** Answers every call, and every page request, with the one answer. */
function stubKis(answer: KisAnswer): KisFetcher {
  return {
    get: async () => answer,
    pages: async function* () {
      yield answer
    },
  }
}

describe('KIS output arrays with an element that is not an object', () => {
  it('still fail the whole answer when the output key is missing or not an array', () => {
    const body = readKisFixture('daily-itemchartprice').response
    expect(() => outputRows({ body: { ...body, output2: undefined }, trCont: 'D' }, 'output2', KIS_APIS.dailyChart)).toThrow(SchemaViolationError)
    expect(() => outputRows({ body: { ...body, output2: 'row' }, trCont: 'D' }, 'output2', KIS_APIS.dailyChart)).toThrow(SchemaViolationError)
  })

  it.each(JUNK)('FHKST03010100 daily chart with %j: the day’s bar and one parse-error record', async (junk, shown) => {
    const clean = await collectOhlcvDailyForDate(stubKis(recordedAnswer('daily-itemchartprice')), '2022-05-09', ['000660'])
    const batch = await collectOhlcvDailyForDate(stubKis(answerWithJunk('daily-itemchartprice', 'output2', junk, 1)), '2022-05-09', ['000660'])
    expect(clean.records).toHaveLength(1)
    expect(batch.records).toHaveLength(2)
    expect(batch.records[0]).toEqual(clean.records[0])
    expect(batch.records[1]).toEqual({
      values: { stock_code: '000660', time: null, open_price: null, high_price: null, low_price: null, close_price: null, volume: null, trading_value: null, change: null, change_rate: null },
      raw: { value: junk, FID_INPUT_ISCD: '000660' },
      parseErrors: [`row 1: not an object (got ${shown})`],
    })
  })

  it.each(JUNK)('FHPTJ04160001 investor flows with %j: eleven parse-error records in the window’s last day', async (junk, shown) => {
    const request = { stockCodes: ['005930'], from: '2025-08-11', to: '2025-08-11' }
    const [clean] = await collectInvestorTrading(stubKis(recordedAnswer('investor-trade-by-stock-daily')), request)
    const batches = await collectInvestorTrading(stubKis(answerWithJunk('investor-trade-by-stock-daily', 'output2', junk, 1)), request)
    expect(batches).toHaveLength(1)
    const [batch] = batches
    expect(batch!.records).toHaveLength(22)
    expect(batch!.records.slice(0, 11)).toEqual(clean!.records.slice(0, 11))
    for (const record of batch!.records.slice(11)) {
      expect(record.parseErrors).toEqual([`row 1: not an object (got ${shown})`])
      expect(record.values).toMatchObject({ stock_code: '005930', time: null, sell_volume: null, net_buy_value: null })
      expect(record.raw).toEqual({ value: junk, FID_INPUT_ISCD: '005930' })
    }
  })

  it('FHPTJ04160001 for one date: a bad element first, no row of the day, is kept as parse errors', async () => {
    const answer = answerWithJunk('investor-trade-by-stock-daily', 'output2', null, 0)
    // The day's row is there: the bad element, another day's place in the list, is not read.
    const onTheDay = await collectInvestorTradingForDate(stubKis(answer), '2025-08-11', ['005930'])
    expect(onTheDay.records).toEqual((await collectInvestorTradingForDate(stubKis(recordedAnswer('investor-trade-by-stock-daily')), '2025-08-11', ['005930'])).records)
    // No row of the day: the first row, the bad element, is the day's as parse errors.
    const later = await collectInvestorTradingForDate(stubKis(answer), '2025-08-12', ['005930'])
    expect(later.records).toHaveLength(11)
    expect(later.records.every((record) => record.parseErrors.join() === 'row 0: not an object (got null)')).toBe(true)
  })

  it.each(JUNK)('CTCA0903R holidays with %j: 13 records, one with the parse error, the others as without it', async (junk, shown) => {
    const clean = await collectMarketCalendar(stubKis(recordedAnswer('chk-holiday')), '2022-12-27')
    const batch = await collectMarketCalendar(stubKis(answerWithJunk('chk-holiday', 'output', junk, 3)), '2022-12-27')
    expect(clean.records).toHaveLength(12)
    expect(batch.records).toHaveLength(13)
    const bad = batch.records.findIndex((record) => record.parseErrors.some((message) => message.startsWith('row ')))
    expect(batch.records[bad]).toEqual({ values: { trade_date: null, is_trading_day: null, holiday_name: null }, raw: { value: junk }, parseErrors: [`row 3: not an object (got ${shown})`] })
    expect(batch.records.filter((_, at) => at !== bad)).toEqual(clean.records)
  })
})
