import { hostname } from 'node:os'
import { sql, type Kysely } from 'kysely'
import type { Database } from '@kmd/db'

/** Who holds a claim: host and process, so an operator can find it. */
export const CLAIM_HOLDER = `${hostname()}:${process.pid}`

// A live run refreshes its claim every HEARTBEAT_MS; one silent for STALE_AFTER_MS crashed.
const HEARTBEAT_MS = 30_000
const STALE_AFTER_MS = 5 * 60_000

export type ClaimOutcome = { claimed: true; release(): Promise<void> } | { claimed: false; heldBy: string; runId: string }

/**
 * One live run per (dataset, partition) across processes and hosts, whatever started it
 * (scheduler, backfill, manual run): the first insert wins; a stale claim is taken over.
 */
export async function claimPartition(db: Kysely<Database>, dataset: string, partitionKey: string, runId: string, holder = CLAIM_HOLDER): Promise<ClaimOutcome> {
  const { rows } = await sql<{ run_id: string; claimed_by: string }>`
    insert into partition_claims (dataset, partition_key, run_id, claimed_by)
    values (${dataset}, ${partitionKey}, ${runId}, ${holder})
    on conflict (dataset, partition_key) do update
      set run_id = excluded.run_id, claimed_by = excluded.claimed_by, claimed_at = now(), heartbeat_at = now()
      where partition_claims.heartbeat_at < now() - make_interval(secs => ${STALE_AFTER_MS / 1000})
    returning run_id, claimed_by`.execute(db)
  if (rows[0]?.run_id !== runId) {
    const holderRow = await sql<{ run_id: string; claimed_by: string }>`
      select run_id, claimed_by from partition_claims where dataset = ${dataset} and partition_key = ${partitionKey}`.execute(db)
    return { claimed: false, heldBy: holderRow.rows[0]?.claimed_by ?? 'unknown', runId: holderRow.rows[0]?.run_id ?? 'unknown' }
  }
  const heartbeat = setInterval(() => {
    sql`update partition_claims set heartbeat_at = now() where dataset = ${dataset} and partition_key = ${partitionKey} and run_id = ${runId}`
      .execute(db)
      .catch(() => undefined)
  }, HEARTBEAT_MS)
  heartbeat.unref()
  return {
    claimed: true,
    release: async () => {
      clearInterval(heartbeat)
      await sql`delete from partition_claims where dataset = ${dataset} and partition_key = ${partitionKey} and run_id = ${runId}`.execute(db)
    },
  }
}
