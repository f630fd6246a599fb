import { afterEach, describe, expect, it } from 'vitest'
import { SchemaViolationError, type CanonicalRecord } from '@kmd/core'
import {
  collectEtfPortfolios,
  createKrxClient,
  dataKeyOf,
  indexComponentsFromAnswers,
  investorTradingFromAnswers,
  isNonTradingDayAnswer,
  KRX_SCREENS,
  ohlcvAndMarketCapFromRows,
  parseKrxIndexId,
  rowsOf,
  sectorsFromAnswers,
  stockMasterFromRows,
  type KrxRow,
} from '../src/index.ts'
import { startFakeKrx, type FakeKrx } from './fake-krx-server.ts'
import { readKrxFixture, recordedRows, stubKrx } from './fixtures.ts'

/**
 * One element of a screen's row array that is not an object ("row", 42, null, []) costs that
 * row only: it becomes one record with the parse error `row N: not an object (got …)`, values
 * null, raw `{ value: <element> }`, and every other row parses as it would without it.
 */

const JUNK: ReadonlyArray<readonly [junk: unknown, shown: string]> = [
  ['row', 'string "row"'],
  [42, 'number 42'],
  [null, 'null'],
  [[], 'array []'],
]

const PRICES_FIXTURE = 'mdcstat01501-all-20210104-00'
const PRICES_DATE = '2021-01-04'

/** The recorded answer with the elements at `indexes` replaced by `junk`, through `rowsOf`. */
function rowsWithJunk(name: string, junk: unknown, ...indexes: number[]): KrxRow[] {
  const fixture = readKrxFixture(name)
  const bld = fixture.request.form.bld!
  const answer = JSON.parse(fixture.response.body) as Record<string, unknown[]>
  for (const index of indexes) answer[dataKeyOf(bld)]![index] = junk
  return rowsOf(answer, bld)
}

/** Exactly the record at `index` differs from the clean parse, and is the not-an-object record. */
function expectOnlyRowQuarantined<V>(records: Array<CanonicalRecord<V>>, clean: Array<CanonicalRecord<V>>, index: number, parseErrors: string[]) {
  expect(records).toHaveLength(clean.length)
  expect(records.filter((record) => record.parseErrors.length > 0).length).toBe(clean.filter((record) => record.parseErrors.length > 0).length + 1)
  expect(records.filter((_, at) => at !== index)).toEqual(clean.filter((_, at) => at !== index))
  expect(records[index]!.parseErrors).toEqual(parseErrors)
}

describe('rowsOf with an element that is not an object', () => {
  it.each(JUNK)('MDCSTAT01501 with %j for one stock: 2,531 records each, one with the parse error, the rest as parsed without it', (junk, shown) => {
    const clean = ohlcvAndMarketCapFromRows(recordedRows(PRICES_FIXTURE), PRICES_DATE)
    expect(clean.ohlcv.records).toHaveLength(2_531)
    expect(clean.ohlcv.records.every((record) => record.parseErrors.length === 0)).toBe(true)

    const index = 17
    const batches = ohlcvAndMarketCapFromRows(rowsWithJunk(PRICES_FIXTURE, junk, index), PRICES_DATE)
    expect(batches.ohlcv.nonTradingDay).toBe(false)
    const problem = `row ${index}: not an object (got ${shown})`
    expectOnlyRowQuarantined(batches.ohlcv.records, clean.ohlcv.records, index, [problem])
    expectOnlyRowQuarantined(batches.marketCap.records, clean.marketCap.records, index, [problem])
    expect(batches.ohlcv.records[index]).toEqual({
      values: {
        stock_code: null,
        time: PRICES_DATE,
        open_price: null,
        high_price: null,
        low_price: null,
        close_price: null,
        volume: null,
        trading_value: null,
        change: null,
        change_rate: null,
      },
      raw: { value: junk },
      parseErrors: [problem],
    })
    expect(batches.marketCap.records[index]).toEqual({
      values: { stock_code: null, time: PRICES_DATE, close_price: null, market_cap: null, shares_outstanding: null },
      raw: { value: junk },
      parseErrors: [problem],
    })
    // raw is what staging stores as JSON: an object holding the element.
    expect(JSON.parse(JSON.stringify(batches.ohlcv.records[index]!.raw))).toEqual({ value: junk })
  })

  it('names each bad element by its position, and the first and last rows are no different', () => {
    const rows = rowsWithJunk(PRICES_FIXTURE, 'row', 0, 2_530)
    const { ohlcv } = ohlcvAndMarketCapFromRows(rows, PRICES_DATE)
    expect(ohlcv.records).toHaveLength(2_531)
    expect(ohlcv.records.flatMap((record) => record.parseErrors)).toEqual(['row 0: not an object (got string "row")', 'row 2530: not an object (got string "row")'])
  })

  it('describes objects nested in arrays and long strings briefly', () => {
    const rows = rowsOf({ OutBlock_1: [[{ ISU_SRT_CD: '005930' }], 'x'.repeat(100), true] }, KRX_SCREENS.allStockPrices)
    const { ohlcv } = ohlcvAndMarketCapFromRows(rows, PRICES_DATE)
    expect(ohlcv.records.map((record) => record.parseErrors)).toEqual([
      ['row 0: not an object (got array [{"ISU_SRT_CD":"005930"}])'],
      [`row 1: not an object (got string "${'x'.repeat(59)}…)`],
      ['row 2: not an object (got boolean true)'],
    ])
  })

  it('still fails the whole answer when the data key is missing or not an array', () => {
    expect(() => rowsOf({ CURRENT_DATETIME: '2021.01.04' }, KRX_SCREENS.allStockPrices)).toThrow(SchemaViolationError)
    for (const notAnArray of ['row', 42, null, {}]) {
      expect(() => rowsOf({ OutBlock_1: notAnArray }, KRX_SCREENS.allStockPrices)).toThrow(SchemaViolationError)
    }
    expect(() => rowsOf([{ ISU_SRT_CD: '005930' }], KRX_SCREENS.allStockPrices)).toThrow(SchemaViolationError)
  })
})

describe('a closed day with an element that is not an object', () => {
  const closedDay = () => recordedRows(PRICES_FIXTURE).map((row) => ({ ...row, TDD_CLSPRC: '-' }))

  it('is still a closed day: the stand-in has no say', () => {
    const rows = closedDay()
    const withJunk = rowsOf({ OutBlock_1: [...rows.slice(0, 5), 'row', ...rows.slice(5)] }, KRX_SCREENS.allStockPrices)
    expect(isNonTradingDayAnswer(withJunk)).toBe(true)
    expect(ohlcvAndMarketCapFromRows(withJunk, PRICES_DATE).ohlcv).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('an answer of nothing but bad elements is no closed day: its rows are quarantined', () => {
    const rows = rowsOf({ OutBlock_1: [null, 42] }, KRX_SCREENS.allStockPrices)
    const { ohlcv } = ohlcvAndMarketCapFromRows(rows, PRICES_DATE)
    expect(ohlcv.nonTradingDay).toBe(false)
    expect(ohlcv.records.map((record) => record.parseErrors)).toEqual([['row 0: not an object (got null)'], ['row 1: not an object (got number 42)']])
  })
})

describe('the other KRX screens with an element that is not an object', () => {
  it.each(JUNK)('MDCSTAT02401 investor trading with %j: one parse-error record, request kept in raw', (junk, shown) => {
    const name = 'mdcstat02401-netbuy-0-00'
    const request = { mktId: 'STK', invstTpCd: '8000', investorType: 'foreign' as const }
    const clean = investorTradingFromAnswers([{ ...request, rows: recordedRows(name) }], '2021-01-22')
    const batch = investorTradingFromAnswers([{ ...request, rows: rowsWithJunk(name, junk, 3) }], '2021-01-22')
    expect(batch.nonTradingDay).toBe(false)
    expectOnlyRowQuarantined(batch.records, clean.records, 3, [`row 3: not an object (got ${shown})`])
    expect(batch.records[3]!.values).toMatchObject({ stock_code: null, investor_type: 'foreign', sell_volume: null, net_buy_value: null })
    expect(batch.records[3]!.raw).toEqual({ value: junk, invstTpCd: '8000', mktId: 'STK' })
  })

  it.each(JUNK)('MDCSTAT00601 index members with %j: one parse-error record', (junk, shown) => {
    const name = 'mdcstat00601-index-kospi-00'
    const index = parseKrxIndexId('1/001')
    const clean = indexComponentsFromAnswers([{ index, rows: recordedRows(name) }], '2021-01-29')
    const batch = indexComponentsFromAnswers([{ index, rows: rowsWithJunk(name, junk, 1) }], '2021-01-29')
    expectOnlyRowQuarantined(batch.records, clean.records, 1, [`row 1: not an object (got ${shown})`])
    expect(batch.records[1]).toMatchObject({ values: { stock_code: null, index_code: '1/001' }, raw: { value: junk, indIdx: '1', indIdx2: '001' } })
  })

  it.each(JUNK)('MDCSTAT01901 stock master with %j: one parse-error record, no "missing" noise', (junk, shown) => {
    const name = 'mdcstat01901-master-all-00'
    const clean = stockMasterFromRows(recordedRows(name), [], '2021-01-04')
    const batch = stockMasterFromRows(rowsWithJunk(name, junk, 2), [], '2021-01-04')
    expectOnlyRowQuarantined(batch.records, clean.records, 2, [`row 2: not an object (got ${shown})`])
    expect(Object.values(batch.records[2]!.values).every((value) => value === null)).toBe(true)
    expect(batch.records[2]!.raw).toEqual({ value: junk })
  })

  it('MDCSTAT23801 delisted stocks with a bad element: one parse-error record, the delisting date not reported missing', () => {
    const delisted = rowsOf(
      {
        output: [
          'row',
          { ISU_CD: 'KR7000040005', ISU_NM: 'KR모터스', MKT_NM: 'KOSPI', DELIST_DD: '2021/01/04', LIST_SHRS: '1', LIST_DD: '1976/05/25', PARVAL: '500' },
        ],
      },
      KRX_SCREENS.delistedStocks,
    )
    const batch = stockMasterFromRows([], delisted, '2021-01-04')
    expect(batch.records.map((record) => record.parseErrors)).toEqual([['row 0: not an object (got string "row")'], []])
    expect(batch.records[1]!.values).toMatchObject({ stock_code: '000040', delisting_date: '2021-01-04' })
  })

  it('MDCSTAT03901 sectors with a bad element: one parse-error record, market from the request', () => {
    const rows = rowsOf(
      { block1: [{ ISU_SRT_CD: '005930', IDX_IND_NM: '전기전자', TDD_CLSPRC: '83,000' }, 42, { ISU_SRT_CD: '000660', IDX_IND_NM: '전기전자', TDD_CLSPRC: '126,000' }] },
      KRX_SCREENS.sectorClassification,
    )
    const batch = sectorsFromAnswers([{ mktId: 'STK', rows }], '2021-01-04')
    expect(batch.nonTradingDay).toBe(false)
    expect(batch.records.map((record) => record.parseErrors)).toEqual([[], ['row 1: not an object (got number 42)'], []])
    expect(batch.records[1]).toEqual({ values: { market: 'KOSPI', name: null, stock_code: null }, raw: { value: 42, mktId: 'STK' }, parseErrors: ['row 1: not an object (got number 42)'] })
  })
})

describe('ETF portfolios with an element that is not an object', () => {
  const etfList = (...extra: unknown[]) =>
    rowsOf(
      {
        output: [
          { ISU_SRT_CD: '152100', ISU_CD: 'KR7152100004', TDD_CLSPRC: '40,000' },
          ...extra,
          { ISU_SRT_CD: '069500', ISU_CD: 'KR7069500007', TDD_CLSPRC: '41,000' },
        ],
      },
      KRX_SCREENS.etfPrices,
    )
  const pdf = () => recordedRows('mdcstat05001-etf-pdf-152100-00')

  it('an unreadable row of the ETF list is one parse-error record; every listed ETF’s PDF is still read', async () => {
    const krx = stubKrx(({ bld }) => (bld === KRX_SCREENS.etfPrices ? etfList(null) : pdf()))
    const batch = await collectEtfPortfolios(krx, '2021-04-02')
    expect(krx.calls.filter((call) => call.bld === KRX_SCREENS.etfPortfolio).map((call) => call.fields.isuCd)).toEqual(['KR7152100004', 'KR7069500007'])
    expect(batch.requestCount).toBe(3)
    const failed = batch.records.filter((record) => record.parseErrors.length > 0)
    expect(failed).toEqual([
      {
        values: expect.objectContaining({ etf_code: null, base_date: '2021-04-02', component_code: null }),
        raw: { value: null, bld: KRX_SCREENS.etfPrices },
        parseErrors: ['row 1: not an object (got null)', `etf_code: unreadable row of the ETF list (${KRX_SCREENS.etfPrices}); its portfolio was not asked for`],
      },
    ])
    expect(batch.records).toHaveLength(2 * pdf().length + 1)
  })

  it('an unreadable PDF line is one parse-error record among the ETF’s lines', async () => {
    const lines = pdf()
    const krx = stubKrx(({ bld }) => (bld === KRX_SCREENS.etfPrices ? etfList() : rowsOf({ output: [...lines.slice(0, 2), [], ...lines.slice(2)] }, bld)))
    const batch = await collectEtfPortfolios(krx, '2021-04-02', { etfCodes: ['152100'] })
    expect(batch.records).toHaveLength(lines.length + 1)
    expect(batch.records[2]).toMatchObject({ values: { etf_code: '152100', component_code: null }, raw: { value: [], etfCode: '152100' }, parseErrors: ['row 2: not an object (got array [])'] })
    expect(batch.records.filter((record) => record.parseErrors.length > 0)).toHaveLength(1)
  })

  it('ETFs asked for by code leave unreadable list rows out, and say so when a code is not found', async () => {
    const krx = stubKrx(({ bld }) => (bld === KRX_SCREENS.etfPrices ? etfList('row') : pdf()))
    const batch = await collectEtfPortfolios(krx, '2021-04-02', { etfCodes: ['069500'] })
    expect(batch.records.every((record) => record.parseErrors.length === 0)).toBe(true)
    const failure = await collectEtfPortfolios(krx, '2021-04-02', { etfCodes: ['999990'] }).catch((error: unknown) => error)
    expect((failure as { problems: string[] }).problems).toEqual(['etfCodes: 999990 is not an ETF listed on 2021-04-02 (unless it is one of the 1 unreadable rows of the list)'])
  })
})

describe('the KRX client with an element that is not an object', () => {
  const fakes: FakeKrx[] = []
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((fake) => fake.close()))
  })

  it('hands the collector every row, the bad element as a stand-in, instead of failing the answer', async () => {
    const good = { ISU_SRT_CD: '005930', TDD_CLSPRC: '83,000' }
    const fake = await startFakeKrx({ rows: () => [good, 'row', good] as never })
    fakes.push(fake)
    const client = createKrxClient(
      { krx: { baseUrl: fake.baseUrl, memberId: fake.memberId, memberPassword: fake.memberPassword, maxRequestsPerSecond: 1_000 }, httpTimeoutMs: 2_000 },
      { retries: 0, minRetryDelayMs: 1 },
    )
    const rows = await client.fetchScreen(KRX_SCREENS.allStockPrices, { mktId: 'ALL', trdDd: '20210104' })
    expect(rows).toEqual([good, { value: 'row' }, good])
    const { marketCap } = ohlcvAndMarketCapFromRows(rows, PRICES_DATE)
    expect(marketCap.records.map((record) => record.parseErrors.filter((message) => message.startsWith('row ')))).toEqual([[], ['row 1: not an object (got string "row")'], []])
  })
})
