import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { Database, RunStatus } from '@kmd/db'

export type RunTrigger = 'manual' | 'schedule' | 'backfill' | 'demo'

export interface RunIdentity {
  runId: string
  dataset: string
  source: string
  partitionKey: string
  tradeDate: string | null
  trigger: RunTrigger
  /** Sources that failed this partition before this run (a fallback run). */
  fallbackFrom?: readonly string[]
  /** The run lease the run lives by (acquireRunLease); a row without one is dead to the reaper. */
  leaseKey?: number
}

export interface RunCounts {
  fetched?: number
  staged?: number
  valid?: number
  rejected?: number
  promoted?: number
}

export interface RunCompletion {
  status: Exclude<RunStatus, 'RUNNING' | 'ABANDONED'>
  batchId?: string | null
  counts?: RunCounts
  stageTimings?: Record<string, number>
  source?: string
  errorMessage?: string
  errorDetail?: Record<string, unknown>
}

/** Opens the run's `data_collection_logs` row (RUNNING), committed at once so a crash leaves a trace. */
export async function startRun(db: Kysely<Database>, run: RunIdentity): Promise<void> {
  await db
    .insertInto('data_collection_logs')
    .values({
      run_id: run.runId,
      dataset: run.dataset,
      source: run.source,
      partition_key: run.partitionKey,
      trade_date: run.tradeDate,
      trigger: run.trigger,
      status: 'RUNNING',
      host: hostname(),
      fallback_from: run.fallbackFrom && run.fallbackFrom.length > 0 ? [...run.fallbackFrom] : null,
      lease_key: run.leaseKey ?? null,
    })
    .execute()
}

/** Closes the run's log row; pass a transaction to make it part of the promotion. */
export async function finishRun(db: Kysely<Database>, runId: string, completion: RunCompletion): Promise<void> {
  const counts = completion.counts ?? {}
  const result = await db
    .updateTable('data_collection_logs')
    .set({
      status: completion.status,
      batch_id: completion.batchId ?? null,
      ...(completion.source ? { source: completion.source } : {}),
      records_fetched: counts.fetched ?? null,
      records_staged: counts.staged ?? null,
      records_valid: counts.valid ?? null,
      records_rejected: counts.rejected ?? null,
      records_promoted: counts.promoted ?? null,
      stage_timings: completion.stageTimings ? JSON.stringify(completion.stageTimings) : null,
      error_message: completion.errorMessage ?? null,
      error_detail: completion.errorDetail ? JSON.stringify(completion.errorDetail) : null,
      finished_at: sql<Date>`clock_timestamp()`,
      duration_ms: sql<number>`(extract(epoch from clock_timestamp() - started_at) * 1000)::integer`,
    })
    .where('run_id', '=', runId)
    .where('status', '=', 'RUNNING')
    .executeTakeFirst()
  if (result.numUpdatedRows === 1n) return
  const row = await db.selectFrom('data_collection_logs').select(['status', 'error_message']).where('run_id', '=', runId).executeTakeFirst()
  if (row?.status === 'ABANDONED') throw new RunAbandonedError(runId, row.error_message ?? 'its lease died')
  throw new Error(`run ${runId} has no RUNNING log row to finish`)
}

/**
 * The run's row was marked ABANDONED by another process while the run went on (its lease
 * session was lost): its outcome is not recorded, and a promotion that meets this rolls back.
 */
export class RunAbandonedError extends Error {
  override readonly name = 'RunAbandonedError'
  readonly retryable = true
  constructor(readonly runId: string, readonly reason: string) {
    super(`run ${runId} was marked ABANDONED while it ran: ${reason}`)
  }
}

/**
 * Marks one run ABANDONED if its row is still RUNNING (its process gave up on recording the
 * outcome); false when the run had already finished.
 */
export async function abandonRun(db: Kysely<Database>, runId: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('data_collection_logs')
    .set({
      status: 'ABANDONED',
      error_message: reason,
      finished_at: sql<Date>`greatest(clock_timestamp(), started_at)`,
      duration_ms: sql<number>`(extract(epoch from greatest(clock_timestamp(), started_at) - started_at) * 1000)::integer`,
    })
    .where('run_id', '=', runId)
    .where('status', '=', 'RUNNING')
    .executeTakeFirst()
  if (result.numUpdatedRows !== 1n) return false
  await sql`update staging.batches set status = 'abandoned', updated_at = now() where run_id = ${runId} and status in ('loaded', 'validated')`.execute(db)
  return true
}
