import { sql, type Kysely } from 'kysely'

/**
 * A run log that never lies: a run whose process died is recognised as dead and ends ABANDONED.
 *
 * - run_leases: one row per live process that runs jobs (host, pid). On a server the process
 *   holds the advisory lock (RUN_LEASE_LOCK_CLASS, lease_key) on a dedicated session for as long
 *   as it has runs going, so the lease vanishes with the process (or its connection); on the
 *   embedded database only one process can open the data folder, so every lease but the
 *   opener's is dead. See packages/promoter/src/run-ledger/lease.ts.
 * - data_collection_logs.lease_key, schedule_slots.lease_key: whose lease a RUNNING row or an
 *   unfinished slot lives by. Rows written before this migration have none.
 * - ABANDONED: a run (or slot) whose lease died before it recorded its outcome; the reaper
 *   writes why. staging.batches gets 'abandoned' for such a run's batch, whose rows are dropped.
 * - partition_claims: a claim lives as long as its run's log row is RUNNING, so the
 *   heartbeat column goes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table run_leases (
      lease_key integer generated always as identity primary key,
      host text not null,
      pid integer not null,
      acquired_at timestamptz not null default now()
    )`.execute(db)

  await sql`alter table data_collection_logs add column lease_key integer`.execute(db)
  await sql`alter table data_collection_logs drop constraint data_collection_logs_status_check`.execute(db)
  await sql`
    alter table data_collection_logs add constraint data_collection_logs_status_check
      check (status in ('RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED', 'ABANDONED'))`.execute(db)
  // The reaper looks at RUNNING rows on every run start: a small partial index, not a scan of the log.
  await sql`create index data_collection_logs_running_idx on data_collection_logs (lease_key) where status = 'RUNNING'`.execute(db)
  await sql`drop index data_collection_logs_status_idx`.execute(db)
  await sql`create index data_collection_logs_status_idx on data_collection_logs (status, started_at desc) where status in ('FAILED', 'PARTIAL', 'ABORTED', 'ABANDONED')`.execute(db)

  await sql`alter table schedule_slots add column lease_key integer`.execute(db)
  await sql`alter table partition_claims drop column heartbeat_at`.execute(db)

  await sql`alter table staging.batches drop constraint batches_status_check`.execute(db)
  await sql`alter table staging.batches add constraint batches_status_check check (status in ('loaded', 'validated', 'promoted', 'failed', 'abandoned'))`.execute(db)
}
