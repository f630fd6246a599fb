import { sql, type Kysely } from 'kysely'

/**
 * What promoting the reference datasets needs beyond 0001:
 * - stocks.as_of_date: the date of the newest master snapshot the row reflects, so an older
 *   snapshot arriving late (a backfill out of order) is refused instead of overwriting it.
 * - index_snapshots: every index snapshot applied to index_components. Intervals only record
 *   changes, so a snapshot that changed nothing would leave no trace; this register is how an
 *   older snapshot is recognised and refused, and tells readers when an index was last confirmed.
 * - One open history row per stock and one open interval per index member: the promoter's
 *   invariants, kept by the database as well.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table stocks add column as_of_date date`.execute(db)

  await sql`
    create table index_snapshots (
      index_code text not null check (index_code ~ '^[0-9]/[0-9A-Z]{3}$'),
      snapshot_date date not null,
      member_count integer not null check (member_count >= 0),
      source text not null,
      batch_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (index_code, snapshot_date)
    )`.execute(db)

  await sql`create unique index stock_history_open_idx on stock_history (stock_code) where valid_to is null`.execute(db)
  await sql`create unique index index_components_open_member_idx on index_components (index_code, stock_code) where end_date is null`.execute(db)
}
