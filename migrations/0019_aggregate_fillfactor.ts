import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './_shared.ts'
import { AGGREGATE_VIEWS } from './0003_aggregates.ts'

/**
 * Plain PostgreSQL: the aggregate tables of 0018 leave half of each page free. A promotion
 * rewrites every row of the buckets it touched (a day of 2,720 stocks: 2,720 weekly and 2,720
 * monthly rows), each bucket row some 5 or 21 times over its week or month. On full pages each
 * new version went to another page with a new index entry, and without a vacuum in between (a
 * backfill outruns autovacuum) a year's backfill left 35,360 monthly rows in 63 MB, every
 * promotion reading more dead versions than the last. With room on the page the update stays
 * there (HOT) and the next one prunes the versions before it, so the tables stay twice their
 * rows' size however long the backfill. TimescaleDB keeps continuous aggregates: nothing to do.
 */
const FREE_HALF = 50

export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  if (context.timescaledb) return
  for (const table of AGGREGATE_VIEWS) await sql`alter table ${sql.table(table)} set (fillfactor = ${sql.lit(FREE_HALF)})`.execute(db)
}

export async function down(db: Kysely<any>, context: MigrationContext): Promise<void> {
  if (context.timescaledb) return
  for (const table of AGGREGATE_VIEWS) await sql`alter table ${sql.table(table)} reset (fillfactor)`.execute(db)
}
