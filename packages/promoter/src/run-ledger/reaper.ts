import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { Database, MarketDatabase } from '@kmd/db'
import { deathNote, LEGACY_GRACE, leaseIsDead } from './lease.ts'

export interface ReapedRun {
  runId: string
  dataset: string
  source: string
  partitionKey: string
  /** What the row now says, e.g. "process 1234@host died (session lease gone)". */
  reason: string
}

export interface ReapReport {
  /** Log rows turned from RUNNING to ABANDONED. */
  runs: ReapedRun[]
  /** Schedule slots whose run died, now ABANDONED (any replica claims them again). */
  slots: Array<{ job: string; slot: Date }>
  /** Staging batches of those runs marked 'abandoned', their staged rows dropped. */
  batches: number
}

/**
 * Finds the runs whose lease is dead (see lease.ts) and makes the record say so, in one
 * transaction: their RUNNING rows become ABANDONED with the reason, their partition claims are
 * freed, their staging batches end 'abandoned' (staged rows dropped: a resume collects again),
 * and unfinished schedule slots held by a dead lease become ABANDONED. Claims whose run is no
 * longer RUNNING are deleted too. Called before every partition claim, at every scheduler tick,
 * and by `etl status`; cheap when there is nothing to reap (a partial index on RUNNING rows).
 */
export async function reapDeadRuns(database: MarketDatabase): Promise<ReapReport> {
  const runDead = await leaseIsDead(database, sql.ref('l.lease_key'), sql.ref('l.started_at'))
  const slotDead = await leaseIsDead(database, sql.ref('s.lease_key'), sql.ref('s.claimed_at'))
  const leaseDead = await leaseIsDead(database, sql.ref('r.lease_key'), sql.ref('r.acquired_at'))
  const note = deathNote(database)
  const reaper = `${hostname()}:${process.pid}`
  return database.db.transaction().execute(async (trx) => {
    const { rows: runs } = await sql<{ run_id: string; data_type: string; source: string; partition_key: string; error_message: string }>`
      update data_collection_logs l
      set status = 'ABANDONED',
          completed_at = greatest(clock_timestamp(), l.started_at),
          duration_ms = (extract(epoch from greatest(clock_timestamp(), l.started_at) - l.started_at) * 1000)::integer,
          error_message = case
            when l.lease_key is null then format('started without a run lease on %s and still RUNNING after %s', coalesce(l.host, 'an unknown host'), ${LEGACY_GRACE}::text)
            else coalesce((select format('process %s@%s died', r.pid, r.host) from run_leases r where r.lease_key = l.lease_key),
                          format('process on %s died', coalesce(l.host, 'an unknown host'))) || ${` (${note})`}::text
          end,
          error_detail = jsonb_build_object('abandoned', true, 'leaseKey', l.lease_key, 'reapedBy', ${reaper}::text)
      where l.status = 'RUNNING' and ${runDead}
      returning l.run_id, l.data_type, l.source, l.partition_key, l.error_message`.execute(trx)

    let batches = 0
    if (runs.length > 0) {
      const runIds = runs.map((run) => run.run_id)
      await sql`delete from partition_claims where run_id in (${sql.join(runIds.map((runId) => sql`${runId}::uuid`))})`.execute(trx)
      batches = await abandonBatches(trx, runIds)
    }
    // A claim lives while its run is RUNNING (a run writes its row before it claims).
    await sql`
      delete from partition_claims c
      where not exists (select 1 from data_collection_logs l where l.run_id = c.run_id and l.status = 'RUNNING')`.execute(trx)

    const { rows: slots } = await sql<{ job_name: string; slot: Date }>`
      update schedule_slots s set outcome = 'ABANDONED', finished_at = now()
      where s.outcome is null and ${slotDead}
      returning s.job_name, s.slot`.execute(trx)

    await sql`delete from run_leases r where ${leaseDead}`.execute(trx)
    return {
      runs: runs.map((run) => ({ runId: run.run_id, dataset: run.data_type, source: run.source, partitionKey: run.partition_key, reason: run.error_message })),
      slots: slots.map((slot) => ({ job: slot.job_name, slot: new Date(slot.slot) })),
      batches,
    }
  })
}

/**
 * The staging batches of ended-without-outcome runs become 'abandoned' and their staged rows
 * are dropped (a resume collects again); returns how many batches.
 */
export async function abandonBatches(trx: Kysely<Database>, runIds: readonly string[]): Promise<number> {
  const { rows: dead } = await sql<{ batch_id: string; dataset: string }>`
    update staging.batches set status = 'abandoned', updated_at = now()
    where run_id in (${sql.join(runIds.map((runId) => sql`${runId}::uuid`))}) and status in ('loaded', 'validated')
    returning batch_id, dataset`.execute(trx)
  for (const batch of dead) {
    const { rows } = await sql<{ table: string | null }>`select to_regclass(${`staging.${batch.dataset}`})::text as table`.execute(trx)
    if (rows[0]?.table) await sql`delete from ${sql.table(`staging.${batch.dataset}`)} where batch_id = ${batch.batch_id}`.execute(trx)
  }
  return dead.length
}
