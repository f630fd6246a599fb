import type { CanonicalRecord, MarketCapDailyValues, OhlcvDailyValues } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { compactDate, decimal, integer, stockCode } from '../fields/parsers.ts'
import { productOf } from './arithmetic.ts'

/** What one `/api/stock/hist` row holds, under canonical names. */
export interface StockHistFields {
  time: string
  stock_code: string
  open_price: string
  high_price: string
  low_price: string
  close_price: string
  volume: number
  trading_value: number
  change: string
  change_rate: string
  shares_outstanding: number
}

/**
 * `/api/stock/hist` (daily history, per stock and day) → daily prices and market caps.
 * Market cap is not sent: it is close_price × shares_outstanding.
 */
export const STOCK_HIST_FIELDS: FieldTable<StockHistFields> = {
  endpoint: INFOMAX_ENDPOINTS.stockHist,
  fields: [
    { vendor: 'date', canonical: 'time', unit: 'YYYYMMDD', parse: compactDate },
    { vendor: 'code', canonical: 'stock_code', unit: 'code', parse: stockCode },
    { vendor: 'open_price', canonical: 'open_price', unit: '원', parse: decimal },
    { vendor: 'high_price', canonical: 'high_price', unit: '원', parse: decimal },
    { vendor: 'low_price', canonical: 'low_price', unit: '원', parse: decimal },
    { vendor: 'close_price', canonical: 'close_price', unit: '원', parse: decimal },
    { vendor: 'trading_volume', canonical: 'volume', unit: '주', parse: integer },
    { vendor: 'trading_value', canonical: 'trading_value', unit: '원', parse: integer },
    // 기준가: the previous close (or the adjusted base after a corporate action); not stored.
    { vendor: 'base_price', canonical: null, unit: '원', parse: null },
    { vendor: 'change', canonical: 'change', unit: '원', parse: decimal },
    { vendor: 'change_rate', canonical: 'change_rate', unit: '%', parse: decimal },
    { vendor: 'listed_shares', canonical: 'shares_outstanding', unit: '주', parse: integer },
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
    open_price: v.open_price,
    high_price: v.high_price,
    low_price: v.low_price,
    close_price: v.close_price,
    volume: v.volume,
    trading_value: v.trading_value,
    change: v.change,
    change_rate: v.change_rate,
  }
  // Like KRX, a day without trades comes with open/high/low 0; 0 is not a price.
  if (ohlcv.volume === 0 && [ohlcv.open_price, ohlcv.high_price, ohlcv.low_price].every((price) => price !== null && Number(price) === 0)) {
    ohlcv.open_price = ohlcv.high_price = ohlcv.low_price = null
  }

  const marketCap = productOf(v.close_price, v.shares_outstanding)
  const marketCapValues: MarketCapDailyValues = {
    stock_code: v.stock_code,
    time: v.time,
    close_price: v.close_price,
    market_cap: marketCap.ok ? marketCap.value : null,
    shares_outstanding: v.shares_outstanding,
  }
  const marketCapErrors = errorsFor('stock_code', 'time', 'close_price', 'shares_outstanding')
  if (!marketCap.ok) marketCapErrors.push(`market_cap: close_price ${v.close_price} × shares_outstanding ${v.shares_outstanding} ${marketCap.problem}`)

  return {
    ohlcv: { values: ohlcv, raw, parseErrors: errorsFor('stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate') },
    marketCap: { values: marketCapValues, raw, parseErrors: marketCapErrors },
  }
}
