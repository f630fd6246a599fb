import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './_shared.ts'
import { aggregateDefinitions, aggregateKey, aggregateSelect } from './0003_aggregates.ts'
import { SEED_NAMES } from './0015_seed_column_names.ts'

/**
 * Plain PostgreSQL: the materialized views ohlcv_weekly, ohlcv_monthly and
 * investor_trading_weekly become ordinary tables of the same names, columns (the same
 * queries make them) and unique keys, filled from production now. The promoter then
 * recomputes only the buckets a batch touched, in the promotion's transaction, instead of
 * refreshing whole views after it. TimescaleDB keeps its continuous aggregates: nothing to do.
 */
export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  if (context.timescaledb) return
  for (const aggregate of aggregateDefinitions(false, SEED_NAMES)) {
    const filled = `${aggregate.view}_filled`
    await sql`create table ${sql.table(filled)} as ${aggregateSelect(false, aggregate)}`.execute(db)
    await sql`drop materialized view ${sql.table(aggregate.view)}`.execute(db)
    await sql`alter table ${sql.table(filled)} rename to ${sql.table(aggregate.view)}`.execute(db)
    await sql`alter table ${sql.table(aggregate.view)} add constraint ${sql.id(`${aggregate.view}_key`)} primary key (${aggregateKey(aggregate)})`.execute(db)
  }
}
