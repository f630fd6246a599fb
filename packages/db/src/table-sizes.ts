import { sql, type Kysely } from 'kysely'

// Tables up to this size are counted when their statistics say nothing (a few ms at most).
const EXACT_COUNT_MAX_BYTES = 64 * 1024 * 1024

export interface TableSize {
  /** As asked, e.g. `ohlcv_daily` or `staging.ohlcv_daily`. */
  table: string
  /** On disk with indexes and TOAST; a hypertable's chunks (compressed ones included); null when the table does not exist. */
  bytes: number | null
  /** Rows by the statistics (planner estimate, or live-row counter before the first ANALYZE), counted when those say nothing of a small table; null when unknown. */
  rowsEstimate: number | null
}

/**
 * Size of each table from the catalog, cheap at any size: no table is scanned. Hypertables are
 * measured by TimescaleDB (`hypertable_size`, `approximate_row_count`), since their parent
 * table holds nothing itself.
 */
export async function readTableSizes(db: Kysely<any>, tables: readonly string[]): Promise<TableSize[]> {
  const { rows: extension } = await sql<{ installed: boolean }>`select exists (select 1 from pg_extension where extname = 'timescaledb') as installed`.execute(db)
  const timescaledb = extension[0]?.installed ?? false
  const sizes: TableSize[] = []
  for (const table of tables) {
    const { rows } = await sql<{ oid: number | null; hypertable: boolean }>`
      select c.oid::int as oid,
             ${timescaledb ? sql`exists (select 1 from timescaledb_information.hypertables h where h.hypertable_schema = n.nspname and h.hypertable_name = c.relname)` : sql`false`} as hypertable
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = to_regclass(${table})`.execute(db)
    const found = rows[0]
    if (!found) {
      sizes.push({ table, bytes: null, rowsEstimate: null })
      continue
    }
    const { rows: measured } = found.hypertable
      ? await sql<{ bytes: string; rows: string }>`select hypertable_size(${table}::regclass)::text as bytes, approximate_row_count(${table}::regclass)::text as rows`.execute(db)
      : // Before its first ANALYZE (reltuples -1) a table's live-row counter from the statistics system stands in.
        await sql<{ bytes: string; rows: string }>`
          select pg_total_relation_size(c.oid)::text as bytes,
                 (case when c.reltuples >= 0 then c.reltuples::bigint else coalesce(s.n_live_tup, -1) end)::text as rows
          from pg_class c left join pg_stat_all_tables s on s.relid = c.oid
          where c.oid = ${table}::regclass`.execute(db)
    const bytes = Number(measured[0]?.bytes ?? 0)
    let estimate = Number(measured[0]?.rows ?? -1)
    // No statistics yet (the embedded database never autovacuums) on a table small enough to count cheaply: count it.
    if (estimate <= 0 && !found.hypertable && bytes <= EXACT_COUNT_MAX_BYTES) {
      const { rows: counted } = await sql<{ rows: string }>`select count(*)::text as rows from ${sql.table(table)}`.execute(db)
      estimate = Number(counted[0]?.rows ?? -1)
    }
    sizes.push({ table, bytes, rowsEstimate: estimate >= 0 ? estimate : null })
  }
  return sizes
}
