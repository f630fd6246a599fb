import type { CanonicalRecord, InvestorTradingValues } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { compactDate, integer, oneOf, stockCode, thousandWon } from '../fields/parsers.ts'
import { INFOMAX_INVESTOR_LABELS, type InvestorLabelMeaning } from './investor-labels.ts'

/** What one `/api/stock/investor` row holds, under canonical names. */
export interface StockInvestorFields {
  time: string
  stock_code: string
  /** The label's meaning: a leaf group to store, or why it is skipped. */
  investor_type: InvestorLabelMeaning
  sell_volume: number
  sell_value: number
  buy_volume: number
  buy_value: number
}

/**
 * `/api/stock/investor` (per stock, day and investor label) → investor_trading. Ask = sell,
 * bid = buy. Values come in 천원 and are stored in 원 (× 1,000); nets are not sent: net = bid − ask.
 */
export const STOCK_INVESTOR_FIELDS: FieldTable<StockInvestorFields> = {
  endpoint: INFOMAX_ENDPOINTS.stockInvestor,
  fields: [
    { vendor: 'date', canonical: 'time', unit: 'YYYYMMDD', parse: compactDate },
    { vendor: 'code', canonical: 'stock_code', unit: 'code', parse: stockCode },
    { vendor: 'investor', canonical: 'investor_type', unit: 'label', parse: oneOf(INFOMAX_INVESTOR_LABELS, 'a known investor label') },
    { vendor: 'ask_volume', canonical: 'sell_volume', unit: '주', parse: integer },
    { vendor: 'ask_value', canonical: 'sell_value', unit: '천원', parse: thousandWon },
    { vendor: 'bid_volume', canonical: 'buy_volume', unit: '주', parse: integer },
    { vendor: 'bid_value', canonical: 'buy_value', unit: '천원', parse: thousandWon },
  ],
}

export type InvestorRowOutcome =
  | { kind: 'record'; record: CanonicalRecord<InvestorTradingValues> }
  /** An aggregate or breakdown label: nothing to store. */
  | { kind: 'skipped'; label: string; reason: string }

/**
 * One row → a record, or nothing for a label that is not a leaf. A label nobody knows is a
 * record with a parse error, so the row is quarantined with its reason rather than dropped.
 */
export function stockInvestorRecord(row: unknown, position: number, watch: FieldWatch): InvestorRowOutcome {
  const { values: v, raw, parseErrors } = readRow(STOCK_INVESTOR_FIELDS, row, position, watch)
  if (v.investor_type && 'skip' in v.investor_type) return { kind: 'skipped', label: String(raw.investor), reason: v.investor_type.skip }
  const difference = (buy: number | null, sell: number | null) => (buy === null || sell === null ? null : buy - sell)
  const values: InvestorTradingValues = {
    stock_code: v.stock_code,
    investor_type: v.investor_type ? v.investor_type.store : null,
    time: v.time,
    sell_volume: v.sell_volume,
    buy_volume: v.buy_volume,
    net_buy_volume: difference(v.buy_volume, v.sell_volume),
    sell_value: v.sell_value,
    buy_value: v.buy_value,
    net_buy_value: difference(v.buy_value, v.sell_value),
  }
  return { kind: 'record', record: { values, raw, parseErrors } }
}
