import { sql, type Kysely } from 'kysely'
import type { Database } from '@kmd/db'
import type { JobStatus } from '@kmd/pipeline'

/**
 * How a slot ended, in schedule_slots.outcome: the run's status, or
 * - SKIPPED_OVERRUN: the job's previous run was still going, so this slot did not start;
 * - NOT_STARTED: claimed, then released at shutdown before its run began;
 * - ERROR: the run could not even write its log (e.g. the database went away);
 * - ALERT_SENT: a once-per-condition alert (job name "alert:…"), not a job run;
 * - ABANDONED: the replica that held it died mid-slot (its run lease is gone; RunLedger.reap()
 *   wrote this), so its run never finished: production untouched by it.
 * NULL while the run is going; such a row names the run lease (lease_key) it lives by.
 */
export type SlotOutcome = JobStatus | 'SKIPPED_OVERRUN' | 'NOT_STARTED' | 'ERROR' | 'ALERT_SENT' | 'ABANDONED'

// A slot that ended like this left production untouched, so any replica may claim it again.
const RECLAIMABLE: readonly SlotOutcome[] = ['ABORTED', 'NOT_STARTED', 'ABANDONED']

export interface SlotRow {
  job_name: string
  slot: Date
  claimed_by: string
  outcome: string | null
}

/**
 * One execution per (job, slot) across replicas: the first insert wins and everyone else gets
 * false. A slot whose earlier claim ended ABORTED, NOT_STARTED or ABANDONED is taken over by
 * the first replica to ask again (the row lock makes that first-wins too). A claim to run the
 * slot names the claimer's run lease (`leaseKey`), so the slot is known dead if the claimer
 * dies. With `outcome` the claim is recorded as already finished (SKIPPED_OVERRUN).
 */
export async function claimSlot(db: Kysely<Database>, jobName: string, slot: Date, holder: string, outcome?: SlotOutcome, leaseKey?: number): Promise<boolean> {
  const finishedAt = outcome === undefined ? null : new Date()
  const { rows } = await sql<{ job_name: string }>`
    insert into schedule_slots (job_name, slot, claimed_by, finished_at, outcome, lease_key)
    values (${jobName}, ${slot}, ${holder}, ${finishedAt}, ${outcome ?? null}, ${leaseKey ?? null}::integer)
    on conflict (job_name, slot) do update
      set claimed_by = excluded.claimed_by, claimed_at = now(), finished_at = excluded.finished_at, outcome = excluded.outcome, lease_key = excluded.lease_key
      where schedule_slots.outcome in (${sql.join(RECLAIMABLE)})
    returning job_name`.execute(db)
  return rows.length === 1
}

/** Records how a claimed slot ended. */
export async function finishSlot(db: Kysely<Database>, jobName: string, slot: Date, holder: string, outcome: SlotOutcome): Promise<void> {
  await sql`
    update schedule_slots set finished_at = now(), outcome = ${outcome}
    where job_name = ${jobName} and slot = ${slot} and claimed_by = ${holder}`.execute(db)
}

/** The rows of these jobs' slots in (after, until]: which slots someone already has. */
export async function slotRows(db: Kysely<Database>, jobNames: readonly string[], after: Date, until: Date): Promise<SlotRow[]> {
  if (jobNames.length === 0) return []
  const { rows } = await sql<SlotRow>`
    select job_name, slot, claimed_by, outcome from schedule_slots
    where job_name in (${sql.join(jobNames)}) and slot > ${after} and slot <= ${until}`.execute(db)
  return rows
}

/** Slots of these jobs in [since, before] whose run died (ABANDONED): re-run even when older than the catch-up window. */
export async function abandonedSlots(db: Kysely<Database>, jobNames: readonly string[], since: Date, before: Date): Promise<SlotRow[]> {
  if (jobNames.length === 0) return []
  const { rows } = await sql<SlotRow>`
    select job_name, slot, claimed_by, outcome from schedule_slots
    where job_name in (${sql.join(jobNames)}) and outcome = 'ABANDONED' and slot >= ${since} and slot <= ${before}
    order by slot`.execute(db)
  return rows
}

export function isReclaimable(outcome: string | null): boolean {
  return outcome !== null && (RECLAIMABLE as readonly string[]).includes(outcome)
}
