import type { CanonicalRecord, StockValues } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { compactDate, isin, oneOf, stockCode, text } from '../fields/parsers.ts'
import { INFOMAX_MARKETS, STOCK_EQUITY_TYPE, STOCK_SECURITY_GROUP, type CanonicalMarket } from './markets.ts'

/** What a master row holds (listed or delisted), under canonical names. */
export interface StockMasterFields {
  stock_code: string
  isin: string
  name: string
  market: CanonicalMarket
  equity_type: string
  listing_date: string
  delisting_date: string
}

const market = oneOf(INFOMAX_MARKETS, 'a market code with a canonical market (1, 2, 7, 8)')

/** `/api/stock/code` (listed securities) → stocks. */
export const STOCK_CODE_FIELDS: FieldTable<StockMasterFields> = {
  endpoint: INFOMAX_ENDPOINTS.stockCode,
  fields: [
    { vendor: 'code', canonical: 'stock_code', unit: 'code', parse: stockCode },
    { vendor: 'kr_name', canonical: 'name', unit: 'text', parse: text },
    { vendor: 'market', canonical: 'market', unit: 'market code', parse: market },
    { vendor: 'equity_type', canonical: 'equity_type', unit: 'ST/EF/EN/MF/RT…', parse: text },
    { vendor: 'isin', canonical: 'isin', unit: 'ISIN', parse: isin },
    { vendor: 'listed_date', canonical: 'listing_date', unit: 'YYYYMMDD', parse: compactDate },
  ],
}

/** `/api/stock/expired` (delisted securities) → stocks, with the delisting date. */
export const STOCK_EXPIRED_FIELDS: FieldTable<StockMasterFields> = {
  endpoint: INFOMAX_ENDPOINTS.stockExpired,
  fields: [
    { vendor: 'isin', canonical: 'isin', unit: 'ISIN', parse: isin },
    { vendor: 'code', canonical: 'stock_code', unit: 'code', parse: stockCode },
    { vendor: 'market_type', canonical: 'market', unit: 'market code', parse: market },
    { vendor: 'equity_type', canonical: 'equity_type', unit: 'ST/EF/EN/MF/RT…', parse: text },
    { vendor: 'kr_name', canonical: 'name', unit: 'text', parse: text },
    { vendor: 'listed_date', canonical: 'listing_date', unit: 'YYYYMMDD', parse: compactDate },
    { vendor: 'delisted_date', canonical: 'delisting_date', unit: 'YYYYMMDD', parse: compactDate },
  ],
}

export type StockRowOutcome =
  | { kind: 'record'; record: CanonicalRecord<StockValues> }
  /** Not an ordinary share (ETF, ETN, …): not part of the stock master. */
  | { kind: 'skipped'; equityType: string }

/**
 * One master row → a stock record, or nothing for other security types. A row whose type is
 * missing or unreadable is kept, with its parse error, rather than guessed away.
 */
export function stockMasterRecord(table: FieldTable<StockMasterFields>, row: unknown, position: number, watch: FieldWatch): StockRowOutcome {
  const { values: v, raw, parseErrors } = readRow(table, row, position, watch)
  if (v.equity_type !== null && v.equity_type !== STOCK_EQUITY_TYPE) return { kind: 'skipped', equityType: v.equity_type }
  const values: StockValues = {
    stock_code: v.stock_code,
    isin: v.isin,
    name: v.name,
    short_name: null,
    english_name: null,
    market: v.market,
    market_segment: null,
    security_group: v.equity_type === STOCK_EQUITY_TYPE ? STOCK_SECURITY_GROUP : null,
    share_class: null,
    par_value: null,
    listed_shares: null,
    listing_date: v.listing_date,
    // Only the delisted list has this field; the listed table leaves it out of the values.
    delisting_date: v.delisting_date ?? null,
    delisting_reason: null,
    sector_name: null,
  }
  return { kind: 'record', record: { values, raw, parseErrors } }
}
