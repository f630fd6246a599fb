import { sql, type Transaction } from 'kysely'
import { DAILY_DATASETS, DATASETS, datasetDefinition, type DatasetDefinition, type DailyDataset, type Dataset, type ReferenceDataset } from '@kmd/core'
import { acquirePipelineLock, analyzeGrownTables, detectCapabilities, type Database, type MarketDatabase } from '@kmd/db'
import { deferAggregates, refreshContinuousAggregates, refreshTradeDateViews, settleAggregateBacklog } from './aggregate-backlog.ts'
import { hasAggregates, maintainAggregateTables, upsertTrackingWrites, type DailyWrites } from './aggregates.ts'
import { REFERENCE_PROMOTERS, type ReferencePromotion } from './reference/index.ts'
import { RunLedger, type RunCounts } from './run-ledger/index.ts'
import { upsertStatement } from './upserts.ts'

export interface PromotionTarget {
  runId: string
  batchId: string
  dataset: Dataset
  source: string
  /** The batch's date: the trade date of daily data, the snapshot (as-of) date of reference data. */
  tradeDate: string
}

export interface PromotionReport {
  status: 'SUCCESS' | 'PARTIAL'
  /** Rows inserted, changed or (reference data) removed in production; unchanged rows are not rewritten. */
  promoted: number
  valid: number
  rejected: number
  /** What a reference promotion did, by name (`history_opened`, `intervals_closed`, …); empty for daily data. */
  details: Record<string, number>
  /**
   * The aggregates brought up to date over the buckets the batch wrote (none when it changed
   * nothing, or when it deferred them to the backlog).
   */
  refreshedAggregates: string[]
  /**
   * Milliseconds spent on the aggregates: maintaining them in the transaction (plain PostgreSQL)
   * or refreshing them after the commit (TimescaleDB), settling a backlog included.
   */
  refreshMs: number
}

export interface PromotionOptions {
  /** Counts and timings measured before promotion, recorded in the same log row. */
  counts?: RunCounts
  stageTimings?: Record<string, number>
  /**
   * false: the dates the batch wrote join the aggregates' backlog (aggregate_backlog) instead of
   * being brought up to date now; the caller settles it (`settleAggregateBacklog`, as a backfill
   * does at its end), or the next promotion that keeps them current does. Default: current
   * after every promotion (and any backlog settled).
   */
  refreshAggregates?: boolean
  /** Why the batch delivered less than its partition should hold: the run ends PARTIAL, saying so. */
  incompleteReason?: string
}

/**
 * In ONE transaction: write the batch's valid rows to production (the daily datasets by
 * upsert; the reference datasets each their own way, see reference/) and record the run's
 * outcome in the RunLedger (batch promoted; SUCCESS only when complete, PARTIAL when rows were
 * rejected or keys are missing). Either all of it is visible or none of it. The aggregates'
 * buckets the batch wrote are recomputed in the same transaction on plain PostgreSQL, and
 * refreshed after the commit on TimescaleDB (which refuses to refresh inside a transaction);
 * with `refreshAggregates: false` their dates join the aggregates' backlog in the transaction.
 */
export async function promoteBatch(database: MarketDatabase, target: PromotionTarget, options: PromotionOptions = {}): Promise<PromotionReport> {
  if (!(DATASETS as readonly string[]).includes(target.dataset)) throw new Error(`cannot promote unknown dataset "${target.dataset}"`)
  const started = performance.now()
  const keepsAggregates = isDaily(target.dataset) && hasAggregates(target.dataset)
  const deferred = options.refreshAggregates === false
  const keepsViews = ((datasetDefinition(target.dataset) as DatasetDefinition).continuousAggregates ?? []).length > 0
  const capabilities = keepsAggregates || keepsViews ? await detectCapabilities(database.db) : undefined
  const timescaledb = capabilities?.timescaledbInstalled ?? false
  let aggregateMs = 0
  const report = await database.db.transaction().execute(async (trx) => {
    const { rows: tally } = await sql<{ valid: number; rejected: number; pending: number }>`
      select count(*) filter (where validation_status = 'valid')::int as valid,
             count(*) filter (where validation_status = 'rejected')::int as rejected,
             count(*) filter (where validation_status = 'pending')::int as pending
      from ${sql.table(`staging.${target.dataset}`)} where batch_id = ${target.batchId}`.execute(trx)
    const { valid, rejected, pending } = tally[0]!
    if (pending > 0) throw new Error(`batch ${target.batchId} has ${pending} rows not yet validated; refusing to promote`)

    const { promoted, details, touched } = isDaily(target.dataset)
      ? await promoteDaily(trx, target, target.dataset, !timescaledb && !deferred)
      : { ...(await promoteReference(trx, target, target.dataset)), touched: undefined }
    let maintained: string[] = []
    if (touched && isDaily(target.dataset)) {
      const aggregateStarted = performance.now()
      if (deferred) await deferAggregates(trx, target.dataset, touched)
      else if (!timescaledb) maintained = await maintainAggregateTables(trx, target.dataset, touched)
      aggregateMs += performance.now() - aggregateStarted
    }
    const status = await new RunLedger(database).run(target.runId).finish(trx, {
      batchId: target.batchId,
      incompleteReason: options.incompleteReason,
      counts: { ...options.counts, valid, rejected, promoted },
      stageTimings: { ...options.stageTimings, promote: Math.round(performance.now() - started) },
    })
    return { status, promoted, valid, rejected, details, touched, maintained }
  })
  // The next batch's rules look this one's rows up in production. The embedded database runs no
  // autovacuum, and a server's lags a backfill (or is off): without statistics its plans of the
  // rules and aggregates go by the table's size alone.
  if (isDaily(target.dataset)) await analyzeGrownTables(database.db, target.dataset)
  const { touched, maintained, ...outcome } = report
  const refreshStarted = performance.now()
  let refreshed = maintained
  if (capabilities && !deferred) {
    if (timescaledb && touched) refreshed = await refreshContinuousAggregates(database.db, target.dataset, touched)
    // What a backfill left behind (finished, or killed before its end) is settled here.
    await settleAggregateBacklog(database.db, capabilities, target.dataset)
  }
  if (timescaledb && keepsViews && outcome.promoted > 0) refreshed = [...refreshed, ...(await refreshTradeDateViews(database.db, target.dataset, target.tradeDate))]
  aggregateMs += performance.now() - refreshStarted
  return { ...outcome, refreshedAggregates: refreshed, refreshMs: Math.round(aggregateMs) }
}

const isDaily = (dataset: Dataset): dataset is DailyDataset => (DAILY_DATASETS as readonly string[]).includes(dataset)

/** The batch's upsert; for a dataset with aggregates, also the dates it wrote (see `upsertTrackingWrites`). */
async function promoteDaily(trx: Transaction<Database>, target: PromotionTarget, dataset: DailyDataset, keepKeys: boolean): Promise<ReferencePromotion & Pick<DailyWrites, 'touched'>> {
  if (hasAggregates(dataset)) return { ...(await upsertTrackingWrites(trx, dataset, target.batchId, target.source, keepKeys)), details: {} }
  const upsert = await upsertStatement(dataset, target.batchId, target.source).execute(trx)
  return { promoted: Number(upsert.numAffectedRows ?? 0n), details: {}, touched: undefined }
}

async function promoteReference(trx: Transaction<Database>, target: PromotionTarget, dataset: ReferenceDataset): Promise<ReferencePromotion> {
  // Reference promotions derive history from what production holds (intervals, stock history),
  // so two batches of one dataset are applied one after the other, never interleaved.
  await acquirePipelineLock(trx, `promote:${dataset}`, { purpose: `promotion of ${dataset}` })
  return REFERENCE_PROMOTERS[dataset](trx, { dataset, batchId: target.batchId, source: target.source, tradeDate: target.tradeDate })
}
