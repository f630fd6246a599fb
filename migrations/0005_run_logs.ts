import { sql, type Kysely } from 'kysely'

/** What analysts read: one row per run, one row per quality check. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table data_collection_logs (
      id bigint generated always as identity primary key,
      run_id uuid not null unique,
      batch_id uuid,
      dataset text not null,
      source text not null,
      partition_key text not null,
      trade_date date,
      trigger text not null default 'manual' check (trigger in ('manual', 'schedule', 'backfill', 'demo')),
      status text not null check (status in ('RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED')),
      records_fetched integer,
      records_staged integer,
      records_valid integer,
      records_rejected integer,
      records_promoted integer,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      duration_ms integer,
      stage_timings jsonb,
      error_message text,
      error_detail jsonb,
      host text,
      created_at timestamptz not null default now(),
      check (finished_at is null or finished_at >= started_at),
      check ((status = 'RUNNING') = (finished_at is null))
    )`.execute(db)
  await sql`create index data_collection_logs_dataset_idx on data_collection_logs (dataset, started_at desc)`.execute(db)
  await sql`create index data_collection_logs_partition_idx on data_collection_logs (dataset, partition_key, started_at desc)`.execute(db)
  await sql`create index data_collection_logs_status_idx on data_collection_logs (status, started_at desc) where status in ('FAILED', 'PARTIAL', 'ABORTED')`.execute(db)

  await sql`
    create table data_quality_checks (
      id bigint generated always as identity primary key,
      run_id uuid not null,
      batch_id uuid,
      dataset text not null,
      source text not null,
      partition_key text not null,
      trade_date date,
      check_name text not null,
      severity text not null check (severity in ('reject', 'warn', 'fail')),
      passed boolean not null,
      threshold numeric,
      checked_count integer not null default 0,
      issue_count integer not null default 0 check (issue_count >= 0),
      sample jsonb,
      message text,
      duration_ms integer,
      checked_at timestamptz not null default now(),
      unique (run_id, check_name)
    )`.execute(db)
  await sql`create index data_quality_checks_date_idx on data_quality_checks (checked_at desc)`.execute(db)
  await sql`create index data_quality_checks_failed_idx on data_quality_checks (dataset, checked_at desc) where not passed`.execute(db)
}
