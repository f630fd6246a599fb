import type { CanonicalRecord, MarketCapDailyValues, OhlcvDailyValues } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { compactDate, decimal, integer, stockCode } from '../fields/parsers.ts'
import { productOf } from './arithmetic.ts'

/** What one `/api/stock/hist` row holds, under canonical names. */
export interface StockHistFields {
  time: string
  stock_code: string
  open: string
  high: string
  low: string
  close: string
  volume: number
  trading_value: number
  change: string
  change_rate: string
  listed_shares: number
}

/**
 * `/api/stock/hist` (daily history, per stock and day) → ohlcv_daily and market_cap_daily.
 * Market cap is not sent: it is close × listed_shares.
 */
export const STOCK_HIST_FIELDS: FieldTable<StockHistFields> = {
  endpoint: INFOMAX_ENDPOINTS.stockHist,
  fields: [
    { vendor: 'date', canonical: 'time', unit: 'YYYYMMDD', parse: compactDate },
    { vendor: 'code', canonical: 'stock_code', unit: 'code', parse: stockCode },
    { vendor: 'open_price', canonical: 'open', unit: '원', parse: decimal },
    { vendor: 'high_price', canonical: 'high', unit: '원', parse: decimal },
    { vendor: 'low_price', canonical: 'low', unit: '원', parse: decimal },
    { vendor: 'close_price', canonical: 'close', unit: '원', parse: decimal },
    { vendor: 'trading_volume', canonical: 'volume', unit: '주', parse: integer },
    { vendor: 'trading_value', canonical: 'trading_value', unit: '원', parse: integer },
    // 기준가: the previous close (or the adjusted base after a corporate action); not stored.
    { vendor: 'base_price', canonical: null, unit: '원', parse: null },
    { vendor: 'change', canonical: 'change', unit: '원', parse: decimal },
    { vendor: 'change_rate', canonical: 'change_rate', unit: '%', parse: decimal },
    { vendor: 'listed_shares', canonical: 'listed_shares', unit: '주', parse: integer },
  ],
}

export interface StockHistRecords {
  ohlcv: CanonicalRecord<OhlcvDailyValues>
  marketCap: CanonicalRecord<MarketCapDailyValues>
}

/** One row → its OHLCV and market-cap records; each carries the parse errors of the fields it uses. */
export function stockHistRecords(row: unknown, position: number, watch: FieldWatch): StockHistRecords {
  const { values: v, raw, parseErrors, rowErrors } = readRow(STOCK_HIST_FIELDS, row, position, watch)
  const errorsFor = (...fields: string[]) =>
    parseErrors.filter((message) => rowErrors.includes(message) || fields.some((field) => message.startsWith(`${field}:`)))

  const ohlcv: OhlcvDailyValues = {
    stock_code: v.stock_code,
    time: v.time,
    open: v.open,
    high: v.high,
    low: v.low,
    close: v.close,
    volume: v.volume,
    trading_value: v.trading_value,
    change: v.change,
    change_rate: v.change_rate,
  }
  // Like KRX, a day without trades comes with open/high/low 0; 0 is not a price.
  if (ohlcv.volume === 0 && [ohlcv.open, ohlcv.high, ohlcv.low].every((price) => price !== null && Number(price) === 0)) {
    ohlcv.open = ohlcv.high = ohlcv.low = null
  }

  const marketCap = productOf(v.close, v.listed_shares)
  const marketCapValues: MarketCapDailyValues = {
    stock_code: v.stock_code,
    time: v.time,
    close: v.close,
    market_cap: marketCap.ok ? marketCap.value : null,
    listed_shares: v.listed_shares,
  }
  const marketCapErrors = errorsFor('stock_code', 'time', 'close', 'listed_shares')
  if (!marketCap.ok) marketCapErrors.push(`market_cap: close ${v.close} × listed_shares ${v.listed_shares} ${marketCap.problem}`)

  return {
    ohlcv: { values: ohlcv, raw, parseErrors: errorsFor('stock_code', 'time', 'open', 'high', 'low', 'close', 'volume', 'trading_value', 'change', 'change_rate') },
    marketCap: { values: marketCapValues, raw, parseErrors: marketCapErrors },
  }
}
