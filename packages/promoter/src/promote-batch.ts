import { sql } from 'kysely'
import type { DailyDataset } from '@kmd/core'
import { detectCapabilities, type MarketDatabase } from '@kmd/db'
import { refreshAggregates } from './aggregates.ts'
import { finishRun, type RunCounts } from './run-log.ts'
import { upsertStatement } from './upserts.ts'

export interface PromotionTarget {
  runId: string
  batchId: string
  dataset: DailyDataset
  source: string
  tradeDate: string
}

export interface PromotionReport {
  status: 'SUCCESS' | 'PARTIAL'
  /** Rows inserted or changed in production; unchanged rows are not rewritten. */
  promoted: number
  valid: number
  rejected: number
  refreshedAggregates: string[]
  /** Milliseconds spent refreshing aggregates after the commit. */
  refreshMs: number
}

export interface PromotionOptions {
  /** Counts and timings measured before promotion, recorded in the same log row. */
  counts?: RunCounts
  stageTimings?: Record<string, number>
  /** Backfills refresh once at the end instead of per partition. */
  refreshAggregates?: boolean
}

/**
 * In ONE transaction: upsert the batch's valid rows into production, mark the batch promoted
 * and finish the run's log row (SUCCESS, or PARTIAL when rows were rejected). Either all of it
 * is visible or none of it. Aggregates are refreshed after the commit.
 */
export async function promoteBatch(database: MarketDatabase, target: PromotionTarget, options: PromotionOptions = {}): Promise<PromotionReport> {
  const started = performance.now()
  const report = await database.db.transaction().execute(async (trx) => {
    const { rows: tally } = await sql<{ valid: number; rejected: number; pending: number }>`
      select count(*) filter (where validation_status = 'valid')::int as valid,
             count(*) filter (where validation_status = 'rejected')::int as rejected,
             count(*) filter (where validation_status = 'pending')::int as pending
      from ${sql.table(`staging.${target.dataset}`)} where batch_id = ${target.batchId}`.execute(trx)
    const { valid, rejected, pending } = tally[0]!
    if (pending > 0) throw new Error(`batch ${target.batchId} has ${pending} rows not yet validated; refusing to promote`)

    const upsert = await upsertStatement(target.dataset, target.batchId, target.source).execute(trx)
    const promoted = Number(upsert.numAffectedRows ?? 0n)
    await trx.updateTable('staging.batches').set({ status: 'promoted', updated_at: sql`now()` }).where('batch_id', '=', target.batchId).execute()
    const status = rejected > 0 ? ('PARTIAL' as const) : ('SUCCESS' as const)
    await finishRun(trx, target.runId, {
      status,
      batchId: target.batchId,
      counts: { ...options.counts, valid, rejected, promoted },
      stageTimings: { ...options.stageTimings, promote: Math.round(performance.now() - started) },
    })
    return { status, promoted, valid, rejected }
  })
  const refreshStarted = performance.now()
  const refreshed =
    options.refreshAggregates === false
      ? []
      : await refreshAggregates(database.db, await detectCapabilities(database.db), target.dataset, { from: target.tradeDate, to: target.tradeDate })
  return { ...report, refreshedAggregates: refreshed, refreshMs: Math.round(performance.now() - refreshStarted) }
}
