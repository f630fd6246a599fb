import type { Kysely } from 'kysely'
import type { DailyDataset } from '@kmd/core'
import type { Database } from '@kmd/db'
import { measureCoverage, type Coverage } from '@kmd/validators'

export interface PartitionCompleteness extends Coverage {
  complete: boolean
}

/**
 * Measures what production now holds for a daily partition against the keys it should hold,
 * and writes it to the completeness ledger (`partition_completeness`), which backfill resume
 * and `etl status` read. Called after every promotion of the partition, whichever source
 * delivered: a gap fill completes the partition its primary left short.
 */
export async function recordPartitionCompleteness(
  db: Kysely<Database>,
  partition: { dataset: DailyDataset; tradeDate: string; runId: string; threshold: number },
): Promise<PartitionCompleteness> {
  const coverage = await measureCoverage(db, { dataset: partition.dataset, tradeDate: partition.tradeDate, delivered: 'production' })
  // With nothing to judge against, a partition that holds rows is taken as complete; the basis says so.
  const complete = coverage.basis === 'none' ? coverage.presentCount > 0 || (await holdsRows(db, partition)) : coverage.ratio >= partition.threshold
  const row = {
    dataset: partition.dataset,
    trade_date: partition.tradeDate,
    basis: coverage.basis,
    expected_count: coverage.expectedCount,
    present_count: coverage.presentCount,
    missing_count: coverage.missingCount,
    missing_sample: coverage.missingSample,
    threshold: partition.threshold,
    complete,
    run_id: partition.runId,
  }
  await db
    .insertInto('partition_completeness')
    .values(row)
    .onConflict((conflict) => conflict.columns(['dataset', 'trade_date']).doUpdateSet({ ...row, checked_at: new Date() }))
    .execute()
  return { ...coverage, complete }
}

// Investor flows leave out stocks that did not trade, and minute bars are expected of those that
// did; the day's OHLCV says which those are, so its promotion re-measures a partition of either
// that was judged without it.
const JUDGED_WITH: Partial<Record<DailyDataset, readonly DailyDataset[]>> = { ohlcv_daily: ['investor_trading', 'ohlcv_minute'] }

/** Re-measures the incomplete ledger rows of datasets whose expectation depends on this partition. */
export async function remeasureDependents(
  db: Kysely<Database>,
  partition: { dataset: DailyDataset; tradeDate: string; runId: string; threshold: number },
): Promise<void> {
  for (const dependent of JUDGED_WITH[partition.dataset] ?? []) {
    const row = await db
      .selectFrom('partition_completeness')
      .select('complete')
      .where('dataset', '=', dependent)
      .where('trade_date', '=', partition.tradeDate)
      .executeTakeFirst()
    if (row && !row.complete) await recordPartitionCompleteness(db, { ...partition, dataset: dependent })
  }
}

async function holdsRows(db: Kysely<Database>, partition: { dataset: DailyDataset; tradeDate: string }): Promise<boolean> {
  const row = await db.selectFrom(partition.dataset).select('stock_code').where('time', '=', partition.tradeDate).limit(1).executeTakeFirst()
  return row !== undefined
}
