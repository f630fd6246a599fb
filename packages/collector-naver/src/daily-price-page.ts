import { ParseErrors } from '@kmd/core'
import type { CanonicalRecord, OhlcvDailyValues } from '@kmd/core'
import { dataRows, lastPageOf, loadPage, requireTable, type PageRow } from './page-structure.ts'
import { parseNaverDate, parseNaverInteger, signedChange } from './values.ts'

/** One page of `sise_day.naver`: up to ten days, newest first, and the number of the last page. */
export interface DailyPricePage {
  records: Array<CanonicalRecord<OhlcvDailyValues>>
  lastPage: number
}

const COLUMNS = ['date', 'close', 'change', 'open', 'high', 'low', 'volume'] as const
const CHANGE_COLUMN = COLUMNS.indexOf('change')

/**
 * Parses a decoded sise_day page into ohlcv_daily records. Naver shows no trading value and no
 * change rate: both stay null (the value is never estimated). Naver's volume is the KRX
 * session's only, without NXT. A day without trades shows open/high/low 0, read as null like KRX.
 */
export function parseDailyPricePage(html: string, stockCode: string): DailyPricePage {
  const $ = loadPage(html)
  const table = requireTable($('table.type2').first(), 'daily price table (table.type2)')
  const records = dataRows($, table, COLUMNS.length, CHANGE_COLUMN).map((row) => dailyPriceRecordOf(row, stockCode))
  return { records, lastPage: lastPageOf($) }
}

export function dailyPriceRecordOf(row: PageRow, stockCode: string): CanonicalRecord<OhlcvDailyValues> {
  const raw = Object.fromEntries(COLUMNS.map((name, index) => [name, row.cells[index] ?? '']))
  const errors = new ParseErrors()
  errors.screenText(raw)
  const keep = errors.keep.bind(errors)
  // Errors name the record's field (close_price), `raw` the page's column (close).
  const whole = (column: 'open' | 'high' | 'low' | 'close' | 'volume', field: string = column) => keep(field, parseNaverInteger(raw[column]!))
  const price = (column: 'open' | 'high' | 'low' | 'close') => {
    const value = whole(column, `${column}_price`)
    return value === null ? null : String(value)
  }
  const values: OhlcvDailyValues = {
    stock_code: stockCode,
    time: keep('time', parseNaverDate(raw.date!)),
    open_price: price('open'),
    high_price: price('high'),
    low_price: price('low'),
    close_price: price('close'),
    volume: whole('volume'),
    trading_value: null,
    change: keep('change', signedChange(raw.change!, row.direction)),
    change_rate: null,
  }
  if (values.volume === 0 && [values.open_price, values.high_price, values.low_price].every((value) => value !== null && Number(value) === 0)) {
    values.open_price = values.high_price = values.low_price = null
  }
  return { values, raw: { ...raw, direction: row.direction ?? null, stockCode }, parseErrors: errors.messages }
}
