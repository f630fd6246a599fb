import type { CanonicalRecord, EtfPortfolioValues } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { compactDate, decimal, stockCode, text } from '../fields/parsers.ts'

/** What one `/api/stock/etf/port` row holds, under canonical names. */
export interface EtfPortFields {
  base_date: string
  etf_code: string
  /** `port_code` as sent: a stock code, an ISIN or another identifier (cash). */
  component_code: string
  component_name: string
  shares: string
  valuation_amount: string
}

/**
 * `/api/stock/etf/port` (an ETF's portfolio deposit file on a day, one row per line) →
 * etf_portfolios. `port_volume` is read as shares (or won of cash) per creation unit and
 * `port_value` as that line's value in won, as public clients use them. The ETF's own name,
 * `constituents` and `etf_value` are not stored; the weight is not sent and is left null
 * rather than derived from `etf_value`, whose meaning is not on record.
 */
export const ETF_PORT_FIELDS: FieldTable<EtfPortFields> = {
  endpoint: INFOMAX_ENDPOINTS.etfPort,
  fields: [
    { vendor: 'date', canonical: 'base_date', unit: 'YYYYMMDD', parse: compactDate },
    { vendor: 'code', canonical: 'etf_code', unit: 'code', parse: stockCode },
    { vendor: 'kr_name', canonical: null, unit: 'text', parse: null },
    { vendor: 'constituents', canonical: null, unit: 'count?', parse: null, optional: true },
    { vendor: 'etf_value', canonical: null, unit: '원', parse: null },
    { vendor: 'port_code', canonical: 'component_code', unit: 'code or ISIN', parse: text },
    { vendor: 'port_name', canonical: 'component_name', unit: 'text', parse: text },
    { vendor: 'port_value', canonical: 'valuation_amount', unit: '원', parse: decimal },
    { vendor: 'port_volume', canonical: 'shares', unit: '주 per CU', parse: decimal },
  ],
}

const ISIN = /^[A-Z]{2}[0-9A-Z]{9}[0-9]$/
const KOREAN_SHARE_ISIN = /^KR7([0-9A-Z]{6})[0-9A-Z]{2}[0-9]$/

/**
 * One line → a record. A six-character `port_code` is the component's stock code; a
 * twelve-character one is an ISIN, kept as such, and for Korean shares (KR7…) its short code
 * is the stock code; anything else (e.g. the cash line's KRD010010001) is kept verbatim.
 */
export function etfPortfolioRecord(row: unknown, position: number, watch: FieldWatch): CanonicalRecord<EtfPortfolioValues> {
  const { values: v, raw, parseErrors } = readRow(ETF_PORT_FIELDS, row, position, watch)
  const component = v.component_code
  const componentIsin = component !== null && ISIN.test(component) ? component : null
  const values: EtfPortfolioValues = {
    etf_code: v.etf_code,
    base_date: v.base_date,
    component_code: componentIsin ? (KOREAN_SHARE_ISIN.exec(componentIsin)?.[1] ?? componentIsin) : component,
    component_isin: componentIsin,
    component_name: v.component_name,
    component_market: null,
    security_group: null,
    shares: v.shares,
    valuation_amount: v.valuation_amount,
    component_amount: null,
    weight: null,
  }
  return { values, raw, parseErrors }
}
