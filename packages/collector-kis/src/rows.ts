import type { CanonicalRecord, InvestorTradingValues, MarketCalendarValues, OhlcvDailyValues, OhlcvMinuteValues, TradeDate } from '@kmd/core'
import { KIS_INVESTOR_MAPPING } from './investor-types.ts'
import { changeRate, KisRowReader, type KisRow } from './parse.ts'
import { isStandInRow } from '@kmd/core'

/**
 * One KIS row → canonical records, per API. KIS rows carry no stock code (it is the request's),
 * so `raw` also keeps the request's `FID_INPUT_ISCD`.
 */

/**
 * FHKST03010100 output2 → ohlcv_daily. Prices and volume as sent (원, 주), `acml_tr_pbmn` in 원;
 * the change's direction from `prdy_vrss_sign`; the change rate, which this API does not send,
 * from close and change. A day without a trade has volume 0 and prices 0, which become null.
 */
export function ohlcvRecordOf(row: KisRow, stockCode: string): CanonicalRecord<OhlcvDailyValues> {
  const read = new KisRowReader(row)
  const values: OhlcvDailyValues = {
    stock_code: stockCode,
    time: read.date('stck_bsop_date', 'time'),
    open_price: read.decimal('stck_oprc', 'open_price'),
    high_price: read.decimal('stck_hgpr', 'high_price'),
    low_price: read.decimal('stck_lwpr', 'low_price'),
    close_price: read.decimal('stck_clpr', 'close_price'),
    volume: read.integer('acml_vol', 'volume'),
    trading_value: read.integer('acml_tr_pbmn', 'trading_value'),
    change: read.signedChange('prdy_vrss', 'change'),
    change_rate: null,
  }
  values.change_rate = changeRate(values.close_price, values.change)
  if (values.volume === 0 && [values.open_price, values.high_price, values.low_price].every((price) => price !== null && Number(price) === 0)) {
    values.open_price = values.high_price = values.low_price = null
  }
  return { values, raw: { ...row, FID_INPUT_ISCD: stockCode }, parseErrors: read.parseErrors }
}

/**
 * One stock's FHKST03010230 / FHKST03010200 output2 rows of one session, oldest first →
 * ohlcv_minute. The bar's time is its date and `stck_cntg_hour` in KST, `stck_prpr` its close,
 * `cntg_vol` its volume; its value is the rise of the session's cumulative `acml_tr_pbmn` (원)
 * since the bar before it, so the bars' values sum to the day's. A value that cannot be told (its
 * own or the previous bar's cumulative value did not read) is null with a parse error.
 */
export function minuteBarRecordsOf(rows: readonly KisRow[], stockCode: string): Array<CanonicalRecord<OhlcvMinuteValues>> {
  let previousTotal: number | null = 0
  return rows.map((row) => {
    const read = new KisRowReader(row)
    const date = read.date('stck_bsop_date', 'time')
    const hour = read.clock('stck_cntg_hour', 'time')
    const total = read.integer('acml_tr_pbmn', 'trading_value')
    let tradingValue: number | null = null
    if (total !== null && previousTotal === null) read.parseErrors.push('trading_value: the bar before has no readable acml_tr_pbmn to count from')
    else if (total !== null && previousTotal !== null) tradingValue = total - previousTotal
    previousTotal = total
    const values: OhlcvMinuteValues = {
      stock_code: stockCode,
      time: date !== null && hour !== null ? `${date}T${hour}+09:00` : null,
      open_price: read.decimal('stck_oprc', 'open_price'),
      high_price: read.decimal('stck_hgpr', 'high_price'),
      low_price: read.decimal('stck_lwpr', 'low_price'),
      close_price: read.decimal('stck_prpr', 'close_price'),
      volume: read.integer('cntg_vol', 'volume'),
      trading_value: tradingValue,
    }
    return { values, raw: { ...row, FID_INPUT_ISCD: stockCode }, parseErrors: read.parseErrors }
  })
}

/** FHPTJ04160001 output2 → eleven investor_trading records (KRX's leaf groups), values in won. */
export function investorTradingRecordsOf(row: KisRow, stockCode: string): Array<CanonicalRecord<InvestorTradingValues>> {
  const raw = { ...row, FID_INPUT_ISCD: stockCode }
  return KIS_INVESTOR_MAPPING.map(({ investorType, fields }) => {
    const read = new KisRowReader(row)
    const values: InvestorTradingValues = {
      stock_code: stockCode,
      investor_type: investorType,
      time: read.date('stck_bsop_date', 'time'),
      sell_volume: read.integer(fields.sellVolume, 'sell_volume'),
      buy_volume: read.integer(fields.buyVolume, 'buy_volume'),
      net_buy_volume: read.integer(fields.netVolume, 'net_buy_volume'),
      sell_value: read.won(fields.sellValue, 'sell_value'),
      buy_value: read.won(fields.buyValue, 'buy_value'),
      net_buy_value: read.won(fields.netValue, 'net_buy_value'),
    }
    return { values, raw, parseErrors: read.parseErrors }
  })
}

/** CTCA0903R output → market_calendar: open (`opnd_yn` Y) or not; KIS gives no holiday names. */
export function calendarRecordOf(row: KisRow): CanonicalRecord<MarketCalendarValues> {
  const read = new KisRowReader(row)
  const values: MarketCalendarValues = {
    trade_date: read.date('bass_dt', 'trade_date'),
    is_trading_day: read.flag('opnd_yn', 'is_trading_day'),
    holiday_name: null,
  }
  return { values, raw: row, parseErrors: read.parseErrors }
}

/**
 * A row that carries nothing (KIS's `{}` or all fields blank, as on a day without data): skipped.
 * Any other row is data, and a collector that cannot date it keeps it as a parse error rather
 * than let it vanish; so is a stand-in for an element that was not an object, `null` included.
 */
export function isBlankRow(row: KisRow): boolean {
  if (isStandInRow(row)) return false
  return Object.values(row).every((value) => value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
}

/** The date of a row, or undefined when it has none (a blank row, or one whose date does not read). */
export function rowDate(row: KisRow, field: string): TradeDate | undefined {
  const value = row[field]
  if (typeof value !== 'string' || !/^\d{8}$/.test(value.trim())) return undefined
  const text = value.trim()
  return `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`
}
