import type { Dataset } from './datasets/index.ts'
import type { CollectedBatch, CollectedStream, TradeDate } from './records.ts'

/** What the pipeline hands a collector besides the date: facts only the database knows. */
export interface CollectContext {
  /** Active stock codes, for sources that answer one stock per request (broker API, Naver). */
  stockCodes(): Promise<string[]>
  /**
   * The ETFs whose portfolios production holds for the latest earlier day, for a source that
   * cannot list ETFs itself (the vendor API answers one PDF per code it is given).
   */
  knownEtfCodes(): Promise<string[]>
}

/** Fetches and parses one partition, whole or (too large to hold) as a stream of parts; never touches the database. */
export type Collector = (tradeDate: TradeDate, context: CollectContext) => Promise<CollectedBatch | CollectedStream>

/** What one source can collect: a collector per dataset. Each collector package exports its own. */
export type SourceCollectors = Partial<Record<Dataset, Collector>>
