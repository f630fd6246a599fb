import { sql, type Kysely } from 'kysely'

/**
 * Staging that does not outgrow production (packages/staging-loader/src/purge.ts).
 *
 * - purged_at: when the rows of a promoted batch that reached production were deleted after the
 *   retention window (STAGING_RETENTION_DAYS). Its rejected rows stay, and so does the batch row
 *   with its counts, so a log row's batch_id still resolves.
 * - quarantine_cleared_at: when a person cleared the batch's quarantined rows
 *   (`etl quarantine clear`).
 * - The purge looks for promoted batches not yet purged on every run: a small partial index,
 *   not a scan of every batch ever staged.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table staging.batches add column purged_at timestamptz, add column quarantine_cleared_at timestamptz`.execute(db)
  await sql`create index batches_purge_due_idx on staging.batches (created_at) where status = 'promoted' and purged_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index staging.batches_purge_due_idx`.execute(db)
  await sql`alter table staging.batches drop column purged_at, drop column quarantine_cleared_at`.execute(db)
}
