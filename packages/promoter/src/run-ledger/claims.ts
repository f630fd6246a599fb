import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { Database } from '@kmd/db'

/** Who holds a claim: host and process, so an operator can find it. */
export const CLAIM_HOLDER = `${hostname()}:${process.pid}`

export type ClaimOutcome = { claimed: true; release(): Promise<void> } | { claimed: false; heldBy: string; runId: string }

/**
 * One live run per (dataset, partition) across processes and hosts, whatever started it
 * (scheduler, backfill, manual run): the first insert wins. A claim lives exactly as long as its
 * run's log row is RUNNING: a run writes that row before it claims, and the reaper turns a dead
 * run's row ABANDONED, so a dead holder's claim is taken over at once, with no staleness
 * timeout to wait out.
 */
export async function claimPartition(db: Kysely<Database>, dataset: string, partitionKey: string, runId: string, holder: string): Promise<ClaimOutcome> {
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
