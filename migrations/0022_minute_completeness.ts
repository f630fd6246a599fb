import { sql, type Kysely } from 'kysely'

/**
 * Minute bars' completeness is judged against the day's OHLCV (packages/validators/src/
 * expected-keys.ts): every session minute of each stock that traded (`daily_bars`), or nothing
 * to judge by while ohlcv_daily lacks the day (`no_daily_bars`, an incomplete day).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table partition_completeness drop constraint partition_completeness_basis_check`.execute(db)
  await sql`
    alter table partition_completeness add constraint partition_completeness_basis_check
      check (basis in ('master', 'previous_session', 'none', 'daily_bars', 'no_daily_bars'))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from partition_completeness where basis in ('daily_bars', 'no_daily_bars')`.execute(db)
  await sql`alter table partition_completeness drop constraint partition_completeness_basis_check`.execute(db)
  await sql`alter table partition_completeness add constraint partition_completeness_basis_check check (basis in ('master', 'previous_session', 'none'))`.execute(db)
}
