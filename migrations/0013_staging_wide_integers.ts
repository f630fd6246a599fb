import { sql, type Kysely } from 'kysely'

// The staging columns that held bigint, per staging table.
const WIDENED: Record<string, readonly string[]> = {
  ohlcv_daily: ['volume', 'trading_value'],
  market_cap_daily: ['market_cap', 'listed_shares'],
  investor_trading: ['sell_volume', 'buy_volume', 'net_volume', 'sell_value', 'buy_value', 'net_value'],
  ohlcv_minute: ['volume', 'trading_value'],
  stocks: ['listed_shares'],
  floating_shares: ['total_shares', 'floating_shares'],
}

/**
 * 1. Staging takes counts and amounts as unbounded numeric, not bigint: a value beyond 64 bits
 * (a corrupted cell) used to fail the COPY and lose the whole batch; now it lands, and the
 * out_of_range rule rejects its row alone against production's bigint.
 * 2. A staged row may settle as 'duplicate': an identical copy of a row that is kept, set
 * aside without loss, so it neither counts as rejected nor makes a run PARTIAL.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(WIDENED)) {
    const changes = sql.join(columns.map((column) => sql`alter column ${sql.id(column)} type numeric`))
    await sql`alter table ${sql.table(`staging.${table}`)} ${changes}`.execute(db)
  }
  const { rows } = await sql<{ table_name: string; constraint_name: string }>`
    select c.relname as table_name, k.conname as constraint_name
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'staging' and k.contype = 'c' and pg_get_constraintdef(k.oid) like '%validation_status%'`.execute(db)
  for (const { table_name: table, constraint_name: name } of rows) {
    const staged = sql.table(`staging.${table}`)
    await sql`alter table ${staged} drop constraint ${sql.id(name)}`.execute(db)
    await sql`alter table ${staged} add constraint ${sql.id(name)} check (validation_status in ('pending', 'valid', 'rejected', 'duplicate'))`.execute(db)
  }
}
