import { sql, type Kysely } from 'kysely'

// Autovacuum's default analyze scale factor: statistics count as stale once a table has grown
// by a tenth since they were taken.
const GROWTH_BEFORE_ANALYZE = 0.1

/**
 * ANALYZEs the table, or each of its chunks (a hypertable's chunks, a partitioned table's
 * partitions), that has grown by more than a tenth since its statistics were taken, and returns
 * what it analyzed. The embedded database runs no autovacuum, and on a server autovacuum lags a
 * fast backfill: with statistics taken when a chunk held two days, the planner took the dates a
 * backfill had since added for empty and scanned the chunk through its time index for every
 * staged row. Growth is read from the relation's size against the pages its last ANALYZE
 * counted, so the check costs one catalog query. A table another session is analyzing is
 * skipped (and reported all the same).
 */
export async function analyzeGrownTables(db: Kysely<any>, table: string): Promise<string[]> {
  const { rows } = await sql<{ schema: string; name: string }>`
    select n.nspname as schema, c.relname as name
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where (c.oid = ${table}::regclass or c.oid in (select inhrelid from pg_inherits where inhparent = ${table}::regclass))
      and c.relkind = 'r'
      and pg_relation_size(c.oid) > (greatest(c.relpages, 0) * ${1 + GROWTH_BEFORE_ANALYZE}::float8 + 1) * current_setting('block_size')::int`.execute(db)
  // Concurrent promotions see the same growth: one analyzes, the others go on (ANALYZE of one
  // table waits for another's).
  for (const { schema, name } of rows) await sql`analyze (skip_locked) ${sql.id(schema, name)}`.execute(db)
  return rows.map(({ schema, name }) => `${schema}.${name}`)
}
