import { sql, type Kysely } from 'kysely'

/**
 * The completeness ledger: for each daily partition, how many keys production should hold
 * (the stocks listed that day, × investor types for investor flows), how many it holds, and a
 * sample of the missing ones. Written after every promotion of the partition; backfill resume
 * and `etl status` read "complete" from here, never from a run's status alone.
 *
 * A check of severity `partial` keeps its rows but keeps the run from SUCCESS (completeness).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table partition_completeness (
      dataset text not null,
      trade_date date not null,
      basis text not null check (basis in ('master', 'previous_session', 'none')),
      expected_count integer not null check (expected_count >= 0),
      present_count integer not null check (present_count >= 0),
      missing_count integer not null check (missing_count >= 0),
      missing_sample text[] not null default '{}',
      threshold numeric not null check (threshold > 0 and threshold <= 1),
      complete boolean not null,
      run_id uuid,
      checked_at timestamptz not null default now(),
      primary key (dataset, trade_date)
    )`.execute(db)
  await sql`create index partition_completeness_incomplete_idx on partition_completeness (dataset, trade_date) where not complete`.execute(db)

  await sql`alter table data_quality_checks drop constraint data_quality_checks_severity_check`.execute(db)
  await sql`alter table data_quality_checks add constraint data_quality_checks_severity_check check (severity in ('reject', 'warn', 'fail', 'partial'))`.execute(db)
}
