import type { CanonicalRecord, IndexComponentValues, TradeDate } from '@kmd/core'
import { INFOMAX_ENDPOINTS } from '../endpoints.ts'
import { readRow, type FieldTable, type FieldWatch } from '../fields/field-table.ts'
import { isin, text } from '../fields/parsers.ts'

/**
 * Infomax index codes → KRX index ids (`indIdx/indIdx2`, the canonical `index_code`) and
 * KRX's names. KGG01P/QGG01P are in the public summary; K2G01P/Q5G01P in a public client's
 * index-constituent code. An index not listed here cannot be collected: add it first.
 */
export const INFOMAX_INDEX_CODES: Readonly<Record<string, { indexCode: string; indexName: string }>> = {
  KGG01P: { indexCode: '1/001', indexName: '코스피' },
  K2G01P: { indexCode: '1/028', indexName: '코스피 200' },
  QGG01P: { indexCode: '2/001', indexName: '코스닥' },
  Q5G01P: { indexCode: '2/203', indexName: '코스닥 150' },
}

/** KOSPI 200 and KOSDAQ 150, as the KRX collector defaults to. */
export const DEFAULT_INFOMAX_INDEXES = ['K2G01P', 'Q5G01P'] as const

export interface IndexConstituentFields {
  isin: string
  stock_name: string
}

/**
 * `/api/index/constituents` (an index's constituents today) → index_components. Rows carry
 * `isin` and `kr_name`; the stock code is the ISIN's short code for Korean shares (KR7…), and
 * for others (foreign issuers listed in Korea, e.g. HK…, KY…) it is looked up in the map the
 * caller passes (ISIN → code from the stock master).
 */
export const INDEX_CONSTITUENT_FIELDS: FieldTable<IndexConstituentFields> = {
  endpoint: INFOMAX_ENDPOINTS.indexConstituents,
  fields: [
    { vendor: 'isin', canonical: 'isin', unit: 'ISIN', parse: isin },
    { vendor: 'kr_name', canonical: 'stock_name', unit: 'text', parse: text, optional: true },
  ],
}

const KOREAN_SHARE_ISIN = /^KR7([0-9A-Z]{6})[0-9A-Z]{2}[0-9]$/

export function indexComponentRecord(
  row: unknown,
  position: number,
  index: { indexCode: string; indexName: string },
  snapshotDate: TradeDate,
  stockCodeByIsin: ReadonlyMap<string, string>,
  watch: FieldWatch,
): CanonicalRecord<IndexComponentValues> {
  const { values: v, raw, parseErrors } = readRow(INDEX_CONSTITUENT_FIELDS, row, position, watch)
  const stockCode = v.isin === null ? null : (stockCodeByIsin.get(v.isin) ?? KOREAN_SHARE_ISIN.exec(v.isin)?.[1] ?? null)
  if (v.isin !== null && stockCode === null) {
    parseErrors.push(`stock_code: ${INDEX_CONSTITUENT_FIELDS.endpoint} isin "${v.isin}" is not a Korean share ISIN and is not in the stock master given`)
  }
  const values: IndexComponentValues = { index_code: index.indexCode, index_name: index.indexName, stock_code: stockCode, snapshot_date: snapshotDate }
  return { values, raw, parseErrors }
}
