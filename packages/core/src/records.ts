/**
 * Canonical records: what every collector produces, whatever its source, and what the staging
 * loader writes to `staging.<dataset>`; their values are typed by the dataset definitions
 * (`datasets/`). Values are already in canonical units (won, shares) and
 * types; a value that could not be parsed is null with a message in `parseErrors`, and `raw`
 * keeps the source's own fields so a rejected row can be read as the source sent it.
 */

import type { DatasetValues } from './datasets/index.ts'

export const SOURCES = ['krx', 'naver', 'kis', 'infomax', 'file'] as const
export type SourceName = (typeof SOURCES)[number]

/** `YYYY-MM-DD`, a calendar day in Korea (KST). */
export type TradeDate = string

/**
 * Decimal values travel as strings so values stay exact end to end. Prices are whole won in
 * production (bigint) but travel as decimals too: a source's fractional price reaches staging
 * as sent, and validation rejects its row rather than anything rounding it.
 */
export type Decimal = string

export interface CanonicalRecord<V> {
  values: V
  /** The source's fields for this row, as received. */
  raw: Record<string, unknown>
  /** One message per field that did not parse, e.g. `close_price: not a number ("12a,300")`. */
  parseErrors: string[]
}

/** What a collector returns for one partition (dataset, source, trade date). */
export interface CollectedBatch<D extends keyof DatasetValues = keyof DatasetValues> {
  dataset: D
  source: SourceName
  tradeDate: TradeDate
  records: Array<CanonicalRecord<DatasetValues[D]>>
  /** The source says the market was closed that day (e.g. KRX answers with prices "-"). */
  nonTradingDay: boolean
  requestCount: number
}

/**
 * A partition too large to hold at once (a day of minute bars: ~1M records): its records arrive
 * in parts, each staged as it comes and then let go, so memory holds a few parts whatever the
 * day's size. The load keeps every row's raw (there is no batch left in memory to take a flagged
 * row's raw from after validation).
 */
export interface CollectedStream<D extends keyof DatasetValues = keyof DatasetValues> {
  dataset: D
  source: SourceName
  tradeDate: TradeDate
  /** Read once; a source failure surfaces as the iteration's error. */
  parts: AsyncIterable<Array<CanonicalRecord<DatasetValues[D]>>>
  /** The calls the parts took, known once they are read. */
  requestCount(): number
}

export function isCollectedStream(collected: CollectedBatch | CollectedStream): collected is CollectedStream {
  return 'parts' in collected
}
