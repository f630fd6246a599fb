import { sql, type Kysely } from 'kysely'
import { addDays, seoulDate } from '@kmd/core'
import type { Database, MarketDatabase } from '@kmd/db'
import { isStagedDataset, stagingTableOf } from './staging-tables.ts'

/** Batches one call purges at most: the work a run adds after its promotion stays bounded. */
export const PURGE_BATCHES_PER_CALL = 100

/** Rows whose values production holds: a promoted batch's valid rows and identical copies of them. */
const REACHED_PRODUCTION = ['valid', 'duplicate'] as const

export interface PurgeOptions {
  /**
   * Promoted batches staged more than this many days ago, or describing a trade date more than
   * this many days before today in Korea (a backfill of history), are purged; 0: every promoted batch.
   */
  retentionDays: number
  /** Default PURGE_BATCHES_PER_CALL; the oldest batches go first. */
  maxBatches?: number
}

export interface PurgedBatch {
  batchId: string
  dataset: string
  partitionKey: string
  /** Staged rows deleted; the batch's rejected rows stay. */
  rows: number
}

export interface PurgeReport {
  batches: PurgedBatch[]
  rows: number
}

/**
 * Deletes from staging the rows of promoted batches staged more than `retentionDays` ago, or
 * whose run's trade date is more than `retentionDays` before today in Korea, whose values
 * reached production, one batch per transaction, and marks each batch purged
 * (`staging.batches.purged_at`; the row and its counts stay so a log row's batch_id resolves).
 * Rejected rows stay until a person clears them (quarantine.ts). A batch not promoted, or whose
 * run is still RUNNING, is never touched. Safe to call from several processes at once: a batch
 * is claimed by marking it, and a second caller finds it marked.
 */
export async function purgePromotedBatches(database: MarketDatabase, options: PurgeOptions): Promise<PurgeReport> {
  if (!Number.isInteger(options.retentionDays) || options.retentionDays < 0) throw new RangeError(`retentionDays must be a whole number of days, 0 or more (got ${options.retentionDays})`)
  const db = database.db
  // The window keeps the evidence of recent loads of recent days: a backfill of history keeps
  // only its quarantined rows, so staging never outgrows the production it fed.
  const oldestKeptTradeDate = addDays(seoulDate(), -options.retentionDays)
  const due = await purgeableBatches(db)
    .where(({ or, eb, exists, selectFrom }) =>
      or([
        eb('b.created_at', '<', sql<Date>`now() - make_interval(days => ${options.retentionDays})`),
        exists(selectFrom('data_collection_logs as d').select('d.run_id').whereRef('d.run_id', '=', 'b.run_id').where('d.collection_date', '<', oldestKeptTradeDate)),
      ]),
    )
    .select(['b.batch_id', 'b.dataset'])
    .orderBy('b.created_at')
    .limit(options.maxBatches ?? PURGE_BATCHES_PER_CALL)
    .execute()

  const report: PurgeReport = { batches: [], rows: 0 }
  for (const candidate of due) {
    if (!isStagedDataset(candidate.dataset)) continue
    const purged = await db.transaction().execute(async (trx) => {
      // Re-checked under the batch row's lock: another process may have purged it meanwhile.
      const claimed = await purgeableBatches(trx)
        .where('b.batch_id', '=', candidate.batch_id)
        .select(['b.batch_id', 'b.dataset', 'b.partition_key'])
        .forUpdate()
        .executeTakeFirst()
      if (!claimed) return undefined
      const deleted = await sql`
        delete from ${stagingTableOf(claimed.dataset)}
        where batch_id = ${claimed.batch_id}::uuid and validation_status in (${sql.join([...REACHED_PRODUCTION])})`.execute(trx)
      await trx.updateTable('staging.batches').set({ purged_at: sql`now()` }).where('batch_id', '=', claimed.batch_id).execute()
      return { batchId: claimed.batch_id, dataset: claimed.dataset, partitionKey: claimed.partition_key, rows: Number(deleted.numAffectedRows ?? 0) }
    })
    if (!purged) continue
    report.batches.push(purged)
    report.rows += purged.rows
  }
  return report
}

/** Promoted, not purged yet, and no RUNNING run of its own. */
function purgeableBatches(db: Kysely<Database>) {
  return db
    .selectFrom('staging.batches as b')
    .where('b.status', '=', 'promoted')
    .where('b.purged_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('data_collection_logs as l').select('l.run_id').whereRef('l.run_id', '=', 'b.run_id').where('l.status', '=', 'RUNNING'))),
    )
}
