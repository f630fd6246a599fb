import { sql, type Kysely, type RawBuilder } from 'kysely'
import { calendarDateProblem, SEOUL_OFFSET_MS } from '@kmd/core'
import type { Database, MarketDatabase } from '@kmd/db'
import { isStagedDataset, stagingTableOf } from './staging-tables.ts'

/**
 * The quarantine: rows that validation kept out of production, waiting for a person. In a
 * promoted batch, its rejected rows; in a batch that never reached production (validation
 * failed it, or its run ended before promotion), all its rows. A batch whose run is still
 * RUNNING is not settled yet and belongs to no quarantine.
 */
export interface QuarantineFilter {
  dataset?: string
  /** YYYY-MM-DD: batches staged before this day began in Seoul (KRX days are Seoul days). */
  stagedBefore?: string
  batchId?: string
}

export interface QuarantinedBatch {
  batchId: string
  dataset: string
  source: string
  partitionKey: string
  /** promoted: its rejected rows are held; failed, loaded or validated: none of its rows reached production, all are held. */
  status: string
  stagedAt: Date
  rows: number
}

/** Batches holding quarantined rows, oldest first, with how many each holds. */
export async function listQuarantine(database: MarketDatabase, filter: QuarantineFilter = {}): Promise<QuarantinedBatch[]> {
  const batches = await settledBatches(database.db, filter)
    .select(['b.batch_id', 'b.dataset', 'b.source', 'b.partition_key', 'b.status', 'b.created_at'])
    .orderBy('b.created_at')
    .execute()
  const listed: QuarantinedBatch[] = []
  for (const dataset of new Set(batches.map((batch) => batch.dataset))) {
    if (!isStagedDataset(dataset)) continue
    const ofDataset = batches.filter((batch) => batch.dataset === dataset)
    const { rows: counts } = await sql<{ batch_id: string; rows: number }>`
      select batch_id, count(*)::int as rows
      from ${stagingTableOf(dataset)}
      where batch_id = any(${ofDataset.map((batch) => batch.batch_id)}::uuid[]) and ${quarantinedRow(database.db, dataset)}
      group by batch_id`.execute(database.db)
    const rowsOf = new Map(counts.map((count) => [count.batch_id, count.rows]))
    for (const batch of ofDataset) {
      const rows = rowsOf.get(batch.batch_id) ?? 0
      if (rows > 0) listed.push({ batchId: batch.batch_id, dataset, source: batch.source, partitionKey: batch.partition_key, status: batch.status, stagedAt: batch.created_at, rows })
    }
  }
  return listed.sort((a, b) => a.stagedAt.getTime() - b.stagedAt.getTime())
}

/**
 * Deletes the quarantined rows of the batches the filter names (`stagedBefore` or `batchId`
 * is required, so a bare call clears nothing by accident), one batch per transaction, and
 * stamps each batch `quarantine_cleared_at`. The batch rows and the rest of their staged rows
 * stay. Returns what it deleted, per batch.
 */
export async function clearQuarantine(database: MarketDatabase, filter: QuarantineFilter): Promise<QuarantinedBatch[]> {
  if (filter.stagedBefore === undefined && filter.batchId === undefined) throw new RangeError('clearing the quarantine needs a date (stagedBefore) or a batch id')
  const cleared: QuarantinedBatch[] = []
  for (const candidate of await listQuarantine(database, filter)) {
    const done = await database.db.transaction().execute(async (trx) => {
      // Under the batch row's lock: a run may have started on it, or another person cleared it.
      const batch = await settledBatches(trx, { batchId: candidate.batchId })
        .select(['b.batch_id', 'b.dataset'])
        .forUpdate()
        .executeTakeFirst()
      if (!batch) return undefined
      const deleted = await sql`
        delete from ${stagingTableOf(batch.dataset)}
        where batch_id = ${batch.batch_id}::uuid and ${quarantinedRow(trx, batch.dataset)}`.execute(trx)
      await trx.updateTable('staging.batches').set({ quarantine_cleared_at: sql`now()` }).where('batch_id', '=', batch.batch_id).execute()
      return Number(deleted.numAffectedRows ?? 0)
    })
    if (done !== undefined && done > 0) cleared.push({ ...candidate, rows: done })
  }
  return cleared
}

/** Seoul midnight of a YYYY-MM-DD day (no daylight saving in Korea). */
export function seoulDayStart(day: string): Date {
  const problem = calendarDateProblem(day)
  if (problem) throw new RangeError(problem)
  return new Date(Date.parse(`${day}T00:00:00Z`) - SEOUL_OFFSET_MS)
}

/** Batches none of whose rows reached production: validation failed them, or their run ended before promotion. */
const HELD_WHOLE = ['failed', 'loaded', 'validated'] as const

/** The one definition of a quarantined row of `staging.<dataset>`, as a condition on its rows. */
export function quarantinedRow(db: Kysely<Database>, dataset: string): RawBuilder<boolean> {
  const heldWhole = settledBatches(db, { dataset }).where('b.status', 'in', HELD_WHOLE).select('b.batch_id')
  return sql<boolean>`(validation_status = 'rejected' or batch_id in (${heldWhole}))`
}

/** Batches matching the filter that are settled: not abandoned (their rows are gone), and no RUNNING run of their own. */
function settledBatches(db: Kysely<Database>, filter: QuarantineFilter) {
  let query = db
    .selectFrom('staging.batches as b')
    .where('b.status', '<>', 'abandoned')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('data_collection_logs as l').select('l.run_id').whereRef('l.run_id', '=', 'b.run_id').where('l.status', '=', 'RUNNING'))),
    )
  if (filter.dataset !== undefined) query = query.where('b.dataset', '=', filter.dataset)
  if (filter.stagedBefore !== undefined) query = query.where('b.created_at', '<', seoulDayStart(filter.stagedBefore))
  if (filter.batchId !== undefined) query = query.where('b.batch_id', '=', filter.batchId)
  return query
}
