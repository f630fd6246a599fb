import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { Database, MarketDatabase } from '@kmd/db'
import { abandonRun, acquireRunLease, reapDeadRuns, startRun, type RunIdentity } from '@kmd/promoter'

export { acquireRunLease, reapDeadRuns, type ReapReport, type ReapedRun, type RunLease } from '@kmd/promoter'

/** Who holds a claim: host and process, so an operator can find it. */
export const CLAIM_HOLDER = `${hostname()}:${process.pid}`

export type ClaimOutcome = { claimed: true; release(): Promise<void> } | { claimed: false; heldBy: string; runId: string }

/**
 * One live run per (dataset, partition) across processes and hosts, whatever started it
 * (scheduler, backfill, manual run): the first insert wins. A claim lives exactly as long as its
 * run's log row is RUNNING: a run writes that row before it claims, and the reaper
 * (reapDeadRuns) turns a dead run's row ABANDONED, so a dead holder's claim is taken over at
 * once, with no staleness timeout to wait out.
 */
export async function claimPartition(db: Kysely<Database>, dataset: string, partitionKey: string, runId: string, holder = CLAIM_HOLDER): Promise<ClaimOutcome> {
  const { rows } = await sql<{ run_id: string; claimed_by: string }>`
    insert into partition_claims (dataset, partition_key, run_id, claimed_by)
    values (${dataset}, ${partitionKey}, ${runId}, ${holder})
    on conflict (dataset, partition_key) do update
      set run_id = excluded.run_id, claimed_by = excluded.claimed_by, claimed_at = now()
      where not exists (select 1 from data_collection_logs l where l.run_id = partition_claims.run_id and l.status = 'RUNNING')
    returning run_id, claimed_by`.execute(db)
  if (rows[0]?.run_id !== runId) {
    const holderRow = await sql<{ run_id: string; claimed_by: string }>`
      select run_id, claimed_by from partition_claims where dataset = ${dataset} and partition_key = ${partitionKey}`.execute(db)
    return { claimed: false, heldBy: holderRow.rows[0]?.claimed_by ?? 'unknown', runId: holderRow.rows[0]?.run_id ?? 'unknown' }
  }
  return {
    claimed: true,
    release: async () => {
      await sql`delete from partition_claims where dataset = ${dataset} and partition_key = ${partitionKey} and run_id = ${runId}`.execute(db)
    },
  }
}

export interface OpenedRun {
  claim: ClaimOutcome
  /**
   * Ends the run's hold on the world: frees its claim, marks its row ABANDONED if the run never
   * recorded an outcome (finishRun itself failed), and gives back the process's run lease.
   */
  close(): Promise<void>
}

/**
 * The start of every run: takes the process's run lease, reaps the runs whose process died
 * (so their partitions are free at once), writes this run's RUNNING row under the lease, then
 * claims the partition. Pair with `close()` in a finally block.
 */
export async function openRun(database: MarketDatabase, run: Omit<RunIdentity, 'leaseKey'>): Promise<OpenedRun> {
  const lease = await acquireRunLease(database)
  try {
    await reapDeadRuns(database)
    await startRun(database.db, { ...run, leaseKey: lease.key })
    const claim = await claimPartition(database.db, run.dataset, run.partitionKey, run.runId)
    return {
      claim,
      close: async () => {
        try {
          if (claim.claimed) await claim.release()
          await abandonRun(database.db, run.runId, `the run ended without recording its outcome (process ${process.pid}@${hostname()})`).catch(() => undefined)
        } finally {
          await lease.release()
        }
      },
    }
  } catch (error) {
    await lease.release()
    throw error
  }
}

const HELD = 'partition already being loaded by '

/** The SKIPPED message of a run that found its partition claimed by a live run. */
export function heldMessage(claim: { heldBy: string; runId: string }): string {
  return `${HELD}${claim.heldBy} (run ${claim.runId})`
}

/** Whether a SKIPPED result means another live run held the partition (not a closed market). */
export function wasHeld(result: { status: string; message: string | undefined }): boolean {
  return result.status === 'SKIPPED' && (result.message?.startsWith(HELD) ?? false)
}
