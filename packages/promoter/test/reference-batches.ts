import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { CanonicalRecord, DatasetValues, ReferenceDataset, SourceName, StockValues } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { loadBatch } from '@kmd/staging-loader'
import { RunLedger, type PromotionTarget } from '../src/index.ts'

/**
 * Stages a batch built as a collector would return it (through the real staging loader), marks
 * its rows as the validators would (valid, or rejected where asked), and opens its RUNNING log
 * row: what the pipeline hands the promoter.
 */
export async function stageValidated<D extends ReferenceDataset>(
  database: MarketDatabase,
  dataset: D,
  tradeDate: string,
  values: Array<DatasetValues[D]>,
  options: { rejectedRows?: number[]; source?: SourceName } = {},
): Promise<PromotionTarget> {
  const runId = randomUUID()
  const batchId = randomUUID()
  const source = options.source ?? 'krx'
  await new RunLedger(database).start({ runId, dataset, source, partitionKey: tradeDate, tradeDate, trigger: 'manual' })
  const records = values.map((v): CanonicalRecord<DatasetValues[D]> => ({ values: v, raw: { ...v }, parseErrors: [] }))
  await loadBatch(database, { dataset, source, tradeDate, records, nonTradingDay: false, requestCount: 1 }, { runId, batchId, partitionKey: tradeDate })
  const rejected = options.rejectedRows ?? []
  await sql`
    update ${sql.table(`staging.${dataset}`)}
    set validation_status = case when row_number = any(${rejected}::int[]) then 'rejected' else 'valid' end,
        reject_reasons = case when row_number = any(${rejected}::int[]) then array['test: rejected'] end
    where batch_id = ${batchId}::uuid`.execute(database.db)
  return { runId, batchId, dataset, source, tradeDate }
}

export function stock(code: string, overrides: Partial<StockValues> = {}): StockValues {
  return {
    stock_code: code,
    isin: `KR7${code}00${code.charCodeAt(5) % 10}`,
    name: `종목${code}`,
    short_name: null,
    english_name: null,
    market: 'KOSPI',
    market_segment: null,
    security_group: '주권',
    share_class: '보통주',
    par_value: '100',
    listed_shares: 1_000_000,
    listing_date: '2000-01-04',
    delisting_date: null,
    delisting_reason: null,
    sector_name: null,
    ...overrides,
  }
}
