import { describe, expect, it } from 'vitest'
import {
  DEFAULT_FLOATING_SHARES_SOURCE,
  STOCK_CODE_FIELDS,
  STOCK_EXPIRED_FIELDS,
  etfPortfolioRecord,
  floatingSharesFields,
  floatingSharesRecord,
  indexComponentRecord,
  stockHistRecords,
  stockInvestorRecord,
  stockMasterRecord,
  type FieldWatch,
} from '../src/index.ts'

/**
 * Every Infomax table reads its rows through readRow, which makes an element of `results` that
 * is not an object one record with a parse error (values null, raw `{ row: <element> }`) rather
 * than a failed answer: checked here for each table and each kind of element.
 */
const quiet: FieldWatch = { unknownField: () => undefined }
const JUNK: ReadonlyArray<readonly [junk: unknown, shown: string]> = [
  ['row', 'a string ("row")'],
  [42, 'a number (42)'],
  [null, 'null'],
  [[], 'an array'],
]

describe('Infomax rows that are not objects', () => {
  it.each(JUNK)('%j is one parse-error record in every table', (junk, shown) => {
    const problem = (endpoint: string) => [`row: ${endpoint} results[4] is ${shown}, expected an object`]
    const { ohlcv, marketCap } = stockHistRecords(junk, 4, quiet)
    expect(ohlcv).toMatchObject({ values: { stock_code: null, close_price: null }, raw: { row: junk }, parseErrors: problem('/api/stock/hist') })
    expect(marketCap.parseErrors).toEqual(problem('/api/stock/hist'))

    const investor = stockInvestorRecord(junk, 4, quiet)
    expect(investor).toMatchObject({ kind: 'record', record: { values: { stock_code: null, investor_type: null }, raw: { row: junk } } })
    expect(investor.kind === 'record' && investor.record.parseErrors).toEqual(problem('/api/stock/investor'))

    const etf = etfPortfolioRecord(junk, 4, quiet)
    expect(etf.raw).toEqual({ row: junk })
    expect(etf.parseErrors[0]).toMatch(/^row: \S+ results\[4\] is .*, expected an object$/)

    const floating = floatingSharesRecord(floatingSharesFields(DEFAULT_FLOATING_SHARES_SOURCE), junk, 4, quiet)
    expect(floating.raw).toEqual({ row: junk })
    expect(floating.parseErrors[0]).toMatch(/expected an object$/)

    const member = indexComponentRecord(junk, 4, { indexCode: '1/028', indexName: '코스피 200' }, '2025-03-04', new Map(), quiet)
    expect(member).toMatchObject({ values: { stock_code: null, index_code: '1/028' }, raw: { row: junk } })
    expect(member.parseErrors[0]).toMatch(/expected an object$/)

    for (const table of [STOCK_CODE_FIELDS, STOCK_EXPIRED_FIELDS]) {
      const stock = stockMasterRecord(table, junk, 4, quiet)
      expect(stock.kind).toBe('record')
      expect(stock.kind === 'record' && stock.record.parseErrors).toEqual(problem(table.endpoint))
    }
  })
})
