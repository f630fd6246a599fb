import type { CanonicalRecord, FloatingSharesValues } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { compactDate, integer, stockCode } from '../fields/parsers.ts'
import { percentOf } from './arithmetic.ts'

/**
 * Where Infomax keeps free-float shares is NOT KNOWN: the public summary lists no such field.
 * The default guesses a `floating_shares` field on `/api/stock/info` (one date, many codes);
 * point `endpoint` and `field` elsewhere once the vendor's document says where it is. Until a
 * row carries the field, every record has a parse error naming it, so nothing reaches
 * production on a guess.
 */
export interface FloatingSharesSource {
  endpoint: string
  /** The vendor field holding free-float shares. */
  field: string
  /** The vendor field holding total listed shares. */
  totalField: string
}

export const DEFAULT_FLOATING_SHARES_SOURCE: FloatingSharesSource = {
  endpoint: INFOMAX_ENDPOINTS.stockInfo,
  field: 'floating_shares',
  totalField: 'listed_shares',
}

export interface FloatingSharesFields {
  base_date: string
  stock_code: string
  total_shares: number
  floating_shares: number
}

// The rest of /api/stock/info's fields, per the public summary: known, not stored here.
const OTHER_INFO_FIELDS = ['kr_name', 'market', 'open_price', 'high_price', 'low_price', 'close_price', 'trading_volume', 'trading_value']

export function floatingSharesFields(source: FloatingSharesSource): FieldTable<FloatingSharesFields> {
  return {
    endpoint: source.endpoint,
    fields: [
      { vendor: 'date', canonical: 'base_date', unit: 'YYYYMMDD', parse: compactDate },
      { vendor: 'code', canonical: 'stock_code', unit: 'code', parse: stockCode },
      { vendor: source.totalField, canonical: 'total_shares', unit: '주', parse: integer },
      { vendor: source.field, canonical: 'floating_shares', unit: '주', parse: integer },
      ...OTHER_INFO_FIELDS.map((vendor) => ({ vendor, canonical: null, unit: '', parse: null, optional: true as const })),
    ],
  }
}

/** One row → a record; the ratio is floating / total in percent, four decimals. */
export function floatingSharesRecord(table: FieldTable<FloatingSharesFields>, row: unknown, position: number, watch: FieldWatch): CanonicalRecord<FloatingSharesValues> {
  const { values: v, raw, parseErrors } = readRow(table, row, position, watch)
  const values: FloatingSharesValues = {
    stock_code: v.stock_code,
    base_date: v.base_date,
    total_shares: v.total_shares,
    floating_shares: v.floating_shares,
    floating_ratio: percentOf(v.floating_shares, v.total_shares),
  }
  return { values, raw, parseErrors }
}
