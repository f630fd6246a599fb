import { sql, type Kysely } from 'kysely'

/**
 * Coordination through PostgreSQL itself:
 * - partition_claims: one live run per (dataset, partition), whoever starts it (scheduler,
 *   backfill, a manual run); the first insert wins. A claim whose holder stopped heartbeating
 *   is stale and may be taken over.
 * - schedule_slots: one execution per cron slot across scheduler replicas.
 * Plus the staging table of the market calendar, which arrived with the broker API.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table partition_claims (
      dataset text not null,
      partition_key text not null,
      run_id uuid not null,
      claimed_by text not null,
      claimed_at timestamptz not null default now(),
      heartbeat_at timestamptz not null default now(),
      primary key (dataset, partition_key)
    )`.execute(db)

  await sql`
    create table schedule_slots (
      job_name text not null,
      slot timestamptz not null,
      claimed_by text not null,
      claimed_at timestamptz not null default now(),
      finished_at timestamptz,
      outcome text,
      primary key (job_name, slot)
    )`.execute(db)

  await sql`
    create table staging.market_calendar (
      batch_id uuid not null,
      row_number integer not null,
      trade_date date,
      is_trading_day boolean,
      holiday_name text,
      raw jsonb,
      parse_errors text[],
      validation_status text not null default 'pending' check (validation_status in ('pending', 'valid', 'rejected')),
      reject_reasons text[],
      warnings text[],
      primary key (batch_id, row_number)
    ) with (fillfactor = 50)`.execute(db)
}
