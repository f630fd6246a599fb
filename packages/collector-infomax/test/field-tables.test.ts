import { describe, expect, test } from 'vitest'
import {
  ETF_PORT_FIELDS,
  INFOMAX_INVESTOR_LABELS,
  STOCK_CODE_FIELDS,
  STOCK_EXPIRED_FIELDS,
  STOCK_HIST_FIELDS,
  STOCK_INVESTOR_FIELDS,
  UnknownFieldLog,
  etfPortfolioRecord,
  floatingSharesFields,
  floatingSharesRecord,
  indexComponentRecord,
  infomaxParsers,
  stockHistRecords,
  stockInvestorRecord,
  stockMasterRecord,
  DEFAULT_FLOATING_SHARES_SOURCE,
  type FieldWatch,
} from '../src/index.ts'
import { logCapture } from './log-capture.ts'

const HIST_ROW = {
  date: 20250304,
  code: '005930',
  open_price: 71_000,
  high_price: 72_500,
  low_price: 70_800,
  close_price: 72_000,
  trading_volume: 12_345_678,
  trading_value: 889_000_000_000,
  base_price: 71_500,
  change: 500,
  change_rate: 0.7,
  listed_shares: 5_969_782_550,
}
const INVESTOR_ROW = { date: 20250304, code: '005930', investor: '개인', ask_volume: 1_000, ask_value: 71_500, bid_volume: 1_200, bid_value: 85_812.5 }
const quiet: FieldWatch = { unknownField: () => undefined }

describe('/api/stock/hist table', () => {
  test('maps a row to ohlcv_daily and market_cap_daily, market cap = close × listed shares', () => {
    const { ohlcv, marketCap } = stockHistRecords(HIST_ROW, 0, quiet)
    expect(ohlcv).toEqual({
      values: { stock_code: '005930', time: '2025-03-04', open_price: '71000', high_price: '72500', low_price: '70800', close_price: '72000', volume: 12_345_678, trading_value: 889_000_000_000, change: '500', change_rate: '0.7' },
      raw: HIST_ROW,
      parseErrors: [],
    })
    expect(marketCap.values).toEqual({ stock_code: '005930', time: '2025-03-04', close_price: '72000', market_cap: 72_000 * 5_969_782_550, shares_outstanding: 5_969_782_550 })
    expect(marketCap.parseErrors).toEqual([])
  })

  test('a day without trades has null open/high/low instead of 0, like the KRX collector', () => {
    const { ohlcv } = stockHistRecords({ ...HIST_ROW, open_price: 0, high_price: 0, low_price: 0, trading_volume: 0, trading_value: 0 }, 0, quiet)
    expect(ohlcv.values).toMatchObject({ open_price: null, high_price: null, low_price: null, close_price: '72000', volume: 0 })
    expect(ohlcv.parseErrors).toEqual([])
  })

  test.each(STOCK_HIST_FIELDS.fields.filter((rule) => rule.canonical !== null).map((rule) => [rule.vendor, rule.canonical!]))(
    'a missing %s is a parse error naming the endpoint and field on the records that use it, never a silent null',
    (vendor, canonical) => {
      const row: Record<string, unknown> = { ...HIST_ROW }
      delete row[vendor]
      const { ohlcv, marketCap } = stockHistRecords(row, 0, quiet)
      const message = `${canonical}: /api/stock/hist ${vendor} is missing`
      for (const record of [ohlcv, marketCap]) {
        const values = record.values as unknown as Record<string, unknown>
        if (canonical in values) expect(record.parseErrors).toContain(message)
        // Every null in a record is explained by a parse error (market cap follows from close and shares).
        for (const [field, value] of Object.entries(values)) {
          if (value !== null) continue
          const explained = record.parseErrors.some((error) => error.startsWith(`${field}:`)) || (field === 'market_cap' && ['close_price', 'shares_outstanding'].includes(canonical))
          expect(explained, `${field} is null without a reason`).toBe(true)
        }
      }
    },
  )

  test('a value of the wrong type is a parse error with the value; a code sent as a number is refused', () => {
    const { ohlcv, marketCap } = stockHistRecords({ ...HIST_ROW, close_price: '72,000', code: 5930, trading_volume: 1.5 }, 0, quiet)
    expect(ohlcv.parseErrors).toEqual([
      'stock_code: /api/stock/hist code is a number (5930), expected a six-character stock code',
      'close_price: /api/stock/hist close_price is a string ("72,000"), expected a number',
      'volume: /api/stock/hist trading_volume is a number (1.5), expected a whole number',
    ])
    expect(ohlcv.values).toMatchObject({ stock_code: null, close_price: null, volume: null })
    expect(marketCap.parseErrors).toHaveLength(2)
    expect(marketCap.values.market_cap).toBeNull()
  })

  test('a row that is not an object is one record with a parse error, not a crash', () => {
    const { ohlcv } = stockHistRecords('oops', 7, quiet)
    expect(ohlcv.parseErrors).toEqual(['row: /api/stock/hist results[7] is a string ("oops"), expected an object'])
    expect(ohlcv.values.stock_code).toBeNull()
  })
})

describe('/api/stock/investor table', () => {
  test('turns 천원 into 원 (× 1,000, exact for fractions of 천원) and derives net = bid − ask', () => {
    const outcome = stockInvestorRecord(INVESTOR_ROW, 0, quiet)
    expect(outcome).toEqual({
      kind: 'record',
      record: {
        values: {
          stock_code: '005930',
          investor_type: 'individual',
          time: '2025-03-04',
          sell_volume: 1_000,
          buy_volume: 1_200,
          net_buy_volume: 200,
          sell_value: 71_500_000,
          buy_value: 85_812_500,
          net_buy_value: 14_312_500,
        },
        raw: INVESTOR_ROW,
        parseErrors: [],
      },
    })
  })

  test('천원 parser: whole won only, no float drift', () => {
    expect(infomaxParsers.thousandWon(0.001)).toEqual({ ok: true, value: 1 })
    expect(infomaxParsers.thousandWon(-12.345)).toEqual({ ok: true, value: -12_345 })
    expect(infomaxParsers.thousandWon(1.1)).toEqual({ ok: true, value: 1_100 })
    expect(infomaxParsers.thousandWon(0.0001)).toMatchObject({ ok: false })
    expect(infomaxParsers.thousandWon('12')).toEqual({ ok: false, problem: 'is a string ("12"), expected a number of 천원' })
  })

  test('maps every leaf label to one of the eleven KRX investor types and stores no aggregate', () => {
    const stored = Object.entries(INFOMAX_INVESTOR_LABELS).flatMap(([label, meaning]) => ('store' in meaning ? [[label, meaning.store]] : []))
    expect(new Set(stored.map(([, type]) => type)).size).toBe(11)
    expect(Object.fromEntries(stored)).toMatchObject({ 연기금: 'pension_fund', 기금공제: 'pension_fund', 기타금융: 'other_financial', 종금저축: 'other_financial' })
    for (const label of ['기관계', '외국인합', '정부']) {
      expect(stockInvestorRecord({ ...INVESTOR_ROW, investor: label }, 0, quiet)).toMatchObject({ kind: 'skipped', label })
    }
  })

  test('an unknown investor label becomes a record with a parse error (quarantined), not a dropped row', () => {
    const outcome = stockInvestorRecord({ ...INVESTOR_ROW, investor: '외계인' }, 0, quiet)
    expect(outcome.kind).toBe('record')
    if (outcome.kind !== 'record') return
    expect(outcome.record.values.investor_type).toBeNull()
    expect(outcome.record.parseErrors).toEqual(['investor_type: /api/stock/investor investor is a string ("외계인"), which is not a known investor label'])
  })

  test('a missing value is a parse error and its net stays null with it', () => {
    const row: Record<string, unknown> = { ...INVESTOR_ROW }
    delete row.bid_value
    const outcome = stockInvestorRecord(row, 0, quiet)
    if (outcome.kind !== 'record') throw new Error('expected a record')
    expect(outcome.record.values).toMatchObject({ buy_value: null, net_buy_value: null, net_buy_volume: 200 })
    expect(outcome.record.parseErrors).toEqual(['buy_value: /api/stock/investor bid_value is missing'])
    expect(STOCK_INVESTOR_FIELDS.fields.find((rule) => rule.vendor === 'bid_value')!.unit).toBe('천원')
  })
})

describe('stock master tables', () => {
  const listed = { code: '0041B0', kr_name: '한국테크', market: '8', equity_type: 'ST', isin: 'KR70041B0004', listed_date: 20240102 }

  test('maps a listed ST row to a stocks record and market codes to KOSPI / KOSDAQ / KONEX', () => {
    const outcome = stockMasterRecord(STOCK_CODE_FIELDS, listed, 0, quiet)
    expect(outcome).toMatchObject({
      kind: 'record',
      record: { values: { stock_code: '0041B0', isin: 'KR70041B0004', name: '한국테크', market: 'KONEX', security_group: '주권', listing_date: '2024-01-02', delisting_date: null }, parseErrors: [] },
    })
    for (const [code, market] of [['1', 'KOSPI'], ['2', 'KOSPI'], [7, 'KOSDAQ'], ['코스닥', 'KOSDAQ']] as const) {
      expect(stockMasterRecord(STOCK_CODE_FIELDS, { ...listed, market: code }, 0, quiet)).toMatchObject({ record: { values: { market } } })
    }
  })

  test('leaves other security types out and keeps a stock filed under market 5 (KRX) with a parse error', () => {
    expect(stockMasterRecord(STOCK_CODE_FIELDS, { ...listed, equity_type: 'EF' }, 0, quiet)).toEqual({ kind: 'skipped', equityType: 'EF' })
    expect(stockMasterRecord(STOCK_CODE_FIELDS, { ...listed, market: 5 }, 0, quiet)).toMatchObject({
      record: { values: { market: null }, parseErrors: ['market: /api/stock/code market is a number (5), which is not a market code with a canonical market (1, 2, 7, 8)'] },
    })
  })

  test('maps a delisted row with its delisting date', () => {
    const row = { isin: 'KR7480000009', code: '480000', market_type: '7', equity_type: 'ST', kr_name: '코리아글로벌', listed_date: 20140101, delisted_date: 20220917 }
    expect(stockMasterRecord(STOCK_EXPIRED_FIELDS, row, 0, quiet)).toMatchObject({
      record: { values: { stock_code: '480000', market: 'KOSDAQ', listing_date: '2014-01-01', delisting_date: '2022-09-17' }, parseErrors: [] },
    })
  })
})

describe('ETF portfolio, index constituent and floating-share tables', () => {
  const line = { date: 20250304, code: '069500', kr_name: 'KODEX 200', constituents: 201, etf_value: 2_500_000_000, port_code: '005930', port_name: '삼성전자', port_value: 586_080_000, port_volume: 8_140 }

  test('an ETF line keeps code or ISIN, shares per CU and value; the cash line keeps its identifier', () => {
    expect(etfPortfolioRecord(line, 0, quiet)).toEqual({
      values: {
        etf_code: '069500', base_date: '2025-03-04', component_code: '005930', component_isin: null, component_name: '삼성전자',
        component_market: null, security_group: null, shares: '8140', valuation_amount: '586080000', component_amount: null, weight: null,
      },
      raw: line,
      parseErrors: [],
    })
    expect(etfPortfolioRecord({ ...line, port_code: 'KR7005930003' }, 0, quiet).values).toMatchObject({ component_code: '005930', component_isin: 'KR7005930003' })
    expect(etfPortfolioRecord({ ...line, port_code: 'KRD010010001', port_name: '원화예금' }, 0, quiet).values).toMatchObject({ component_code: 'KRD010010001' })
    const { constituents: _, ...withoutCount } = line
    expect(etfPortfolioRecord(withoutCount, 0, quiet).parseErrors).toEqual([])
    expect(ETF_PORT_FIELDS.fields.map((rule) => rule.vendor)).toContain('constituents')
  })

  test('an index constituent’s stock code comes from a Korean ISIN, or from the master for a foreign one', () => {
    const kospi200 = { indexCode: '1/028', indexName: '코스피 200' }
    expect(indexComponentRecord({ isin: 'KR7005930003', kr_name: '삼성전자' }, 0, kospi200, '2025-03-04', new Map(), quiet)).toEqual({
      values: { index_code: '1/028', index_name: '코스피 200', stock_code: '005930', snapshot_date: '2025-03-04' },
      raw: { isin: 'KR7005930003', kr_name: '삼성전자' },
      parseErrors: [],
    })
    const foreign = { isin: 'HK0000057197', kr_name: '외국기업' }
    expect(indexComponentRecord(foreign, 0, kospi200, '2025-03-04', new Map(), quiet).parseErrors).toEqual([
      'stock_code: /api/index/constituents isin "HK0000057197" is not a Korean share ISIN and is not in the stock master given',
    ])
    expect(indexComponentRecord(foreign, 0, kospi200, '2025-03-04', new Map([['HK0000057197', '900110']]), quiet).values.stock_code).toBe('900110')
  })

  test('floating shares come from the configured field, with the ratio in percent to four places', () => {
    const table = floatingSharesFields(DEFAULT_FLOATING_SHARES_SOURCE)
    const row = { date: 20250304, code: '005930', listed_shares: 3_000, floating_shares: 1_000, kr_name: '삼성전자', close_price: 72_000 }
    expect(floatingSharesRecord(table, row, 0, quiet).values).toEqual({
      stock_code: '005930', base_date: '2025-03-04', total_shares: 3_000, floating_shares: 1_000, floating_ratio: '33.3333',
    })
    const elsewhere = floatingSharesFields({ ...DEFAULT_FLOATING_SHARES_SOURCE, field: 'float_shares' })
    expect(floatingSharesRecord(elsewhere, row, 0, quiet).parseErrors).toEqual(['floating_shares: /api/stock/info float_shares is missing'])
  })
})

describe('unknown fields', () => {
  test('are logged at warn once per endpoint and field, with a sample, and otherwise ignored', () => {
    const log = logCapture()
    const watch = new UnknownFieldLog(log.logger)
    const first = stockHistRecords({ ...HIST_ROW, adj_close: 71_900 }, 0, watch)
    stockHistRecords({ ...HIST_ROW, adj_close: 71_800 }, 1, watch)
    stockInvestorRecord({ ...INVESTOR_ROW, adj_close: 1 }, 0, watch)
    expect(first.ohlcv.parseErrors).toEqual([])
    expect(watch.reported).toEqual([
      { endpoint: '/api/stock/hist', field: 'adj_close' },
      { endpoint: '/api/stock/investor', field: 'adj_close' },
    ])
    const warnings = log.lines().filter((line) => line.level === 40)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatchObject({ endpoint: '/api/stock/hist', field: 'adj_close', sample: 'a number (71900)' })
    expect(String(warnings[0]!.msg)).toContain('"adj_close"')
  })
})
