import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './_shared.ts'
import { AGGREGATE_VIEWS, createAggregates, type AggregatedColumns } from './0003_aggregates.ts'

/** Old name -> the seed design's name, per market-data table; the staging twin is renamed alike. */
const RENAMES: Record<string, ReadonlyArray<readonly [from: string, to: string]>> = {
  ohlcv_daily: [
    ['open', 'open_price'],
    ['high', 'high_price'],
    ['low', 'low_price'],
    ['close', 'close_price'],
  ],
  ohlcv_minute: [
    ['open', 'open_price'],
    ['high', 'high_price'],
    ['low', 'low_price'],
    ['close', 'close_price'],
  ],
  market_cap_daily: [
    ['close', 'close_price'],
    ['listed_shares', 'shares_outstanding'],
  ],
  investor_trading: [
    ['net_volume', 'net_buy_volume'],
    ['net_value', 'net_buy_value'],
  ],
  floating_shares: [['effective_date', 'base_date']],
  etf_portfolios: [
    ['trade_date', 'base_date'],
    ['weight_pct', 'weight'],
    ['shares_per_cu', 'shares'],
  ],
}

/**
 * Stock and ETF prices are whole won: production stores them as bigint (numeric(16,2) before).
 * Staging keeps numeric, so a fractional price still lands and out_of_range rejects its row
 * instead of the promoter's cast rounding it.
 */
const WHOLE_WON: Record<string, readonly string[]> = {
  ohlcv_daily: ['open_price', 'high_price', 'low_price', 'close_price', 'change'],
  ohlcv_minute: ['open_price', 'high_price', 'low_price', 'close_price'],
  market_cap_daily: ['close_price'],
}

/** The column names the aggregates read and show since this migration. */
export const SEED_NAMES: AggregatedColumns = {
  open: 'open_price',
  high: 'high_price',
  low: 'low_price',
  close: 'close_price',
  netVolume: 'net_buy_volume',
  netValue: 'net_buy_value',
}

/**
 * Production's market-data columns take the names of the user's seed design (open_price …,
 * shares_outstanding, net_buy_volume, base_date, weight, shares) and prices become whole won
 * (bigint). ETF portfolio share counts and amounts stay numeric: a PDF line can hold fractional
 * shares (foreign stocks, futures multipliers) and amounts with decimals.
 *
 * The aggregates and sql/10_views.sql's investor_trading_institution read the renamed columns,
 * so they are dropped first and made again over the new names (the view by the repeatable
 * script, re-applied after this migration). A price with a fraction stops the migration
 * instead of being rounded. On TimescaleDB a column's type cannot change while compression is
 * enabled: each retyped hypertable is decompressed, retyped and compressed again with its own
 * settings and policy, its compressed chunks compressed again.
 */
export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  await sql`drop view if exists investor_trading_institution`.execute(db)
  for (const view of AGGREGATE_VIEWS) await sql`drop materialized view if exists ${sql.table(view)}`.execute(db)

  for (const [table, renames] of Object.entries(RENAMES)) {
    for (const schema of ['public', 'staging']) {
      for (const [from, to] of renames) {
        await sql`alter table ${sql.table(`${schema}.${table}`)} rename column ${sql.id(from)} to ${sql.id(to)}`.execute(db)
      }
    }
  }

  for (const [table, columns] of Object.entries(WHOLE_WON)) {
    await refuseFractions(db, table, columns)
    const retype = () =>
      sql`alter table ${sql.table(table)} ${sql.join(columns.map((c) => sql`alter column ${sql.id(c)} type bigint using ${sql.id(c)}::bigint`))}`.execute(db)
    if (context.timescaledb) await withCompressionSuspended(db, table, retype)
    else await retype()
  }

  await sql`comment on column etf_portfolios.shares is 'Shares (or contracts) per creation unit; numeric: foreign stocks and futures lines can hold fractions'`.execute(db)
  await sql`comment on column etf_portfolios.weight is 'Weight in the portfolio, percent'`.execute(db)

  await createAggregates(db, context, SEED_NAMES)
}

/**
 * The continuous aggregates made again hold nothing materialised; the promoter refreshes only
 * the buckets it touches, which would move each one's watermark past the unmaterialised
 * history and hide it. So they are filled over all history, once, after the commit
 * (TimescaleDB refuses to refresh inside a transaction). Plain materialized views were made
 * WITH DATA already.
 */
export async function afterCommit(db: Kysely<any>, context: MigrationContext): Promise<void> {
  if (!context.timescaledb) return
  for (const view of AGGREGATE_VIEWS) await sql`call refresh_continuous_aggregate(${view}::regclass, null, null)`.execute(db)
}

/** Stops the migration, naming a few rows, when a price that becomes bigint has a fraction. */
async function refuseFractions(db: Kysely<any>, table: string, columns: readonly string[]): Promise<void> {
  const fractional = sql.join(
    columns.map((c) => sql`${sql.id(c)} <> trunc(${sql.id(c)})`),
    sql` or `,
  )
  const { rows } = await sql<{ stock_code: string; time: string }>`
    select stock_code, time::text as time from ${sql.table(table)} where ${fractional} order by time, stock_code limit 5`.execute(db)
  if (rows.length === 0) return
  const sample = rows.map((row) => `${row.stock_code}@${row.time}`).join(', ')
  throw new Error(`${table}: prices with a fraction of a won (${sample}) cannot become whole won (bigint); correct those rows, then migrate again`)
}

/**
 * Runs `change` on a hypertable with its compression turned off: TimescaleDB changes no
 * column's type while compression is enabled. Its settings, policy and compressed chunks are
 * read first and restored after.
 */
async function withCompressionSuspended(db: Kysely<any>, table: string, change: () => Promise<unknown>): Promise<void> {
  const settings = await sql<{ segmentby: string | null; orderby: string | null }>`
    select segmentby, orderby from timescaledb_information.hypertable_compression_settings
    where hypertable = ${table}::regclass`.execute(db)
  const compression = settings.rows[0]
  if (!compression) {
    await change()
    return
  }
  const policy = await sql<{ compress_after: string }>`
    select config ->> 'compress_after' as compress_after from timescaledb_information.jobs
    where proc_name = 'policy_compression' and hypertable_schema = 'public' and hypertable_name = ${table}`.execute(db)
  const chunks = await sql<{ chunk: string }>`
    select format('%I.%I', chunk_schema, chunk_name) as chunk from timescaledb_information.chunks
    where hypertable_schema = 'public' and hypertable_name = ${table} and is_compressed
    order by range_start`.execute(db)

  const hypertable = sql.table(table)
  await sql`select remove_compression_policy(${table}::regclass, if_exists => true)`.execute(db)
  for (const { chunk } of chunks.rows) await sql`select decompress_chunk(${chunk}::regclass)`.execute(db)
  await sql`alter table ${hypertable} set (timescaledb.compress = false)`.execute(db)

  await change()

  const options = [
    sql`timescaledb.compress`,
    ...(compression.segmentby ? [sql`timescaledb.compress_segmentby = ${sql.lit(compression.segmentby)}`] : []),
    ...(compression.orderby ? [sql`timescaledb.compress_orderby = ${sql.lit(compression.orderby)}`] : []),
  ]
  await sql`alter table ${hypertable} set (${sql.join(options)})`.execute(db)
  for (const { compress_after: after } of policy.rows) {
    await sql`select add_compression_policy(${table}::regclass, ${after}::interval)`.execute(db)
  }
  for (const { chunk } of chunks.rows) await sql`select compress_chunk(${chunk}::regclass)`.execute(db)
}
