/**
 * `tsx bench/aggregate-step.ts`: the aggregate step of one day's OHLCV promotion on a PostgreSQL
 * server without TimescaleDB (TEST_DATABASE_URL, else the local server; a database of its own, dropped after), with a year of
 * ohlcv_daily in production. Before: the whole-view `refresh materialized view concurrently` of
 * ohlcv_weekly and ohlcv_monthly (the schema at migration 0017). After: the promotion's own
 * maintenance of the touched buckets in the aggregate tables (0018), as `promoteBatch`
 * reports it (and the rest of that promotion's time, the upsert's). Prints the medians and
 * their ratio; a figure, not a test.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { detectCapabilities, migrateToLatest, type MarketDatabase } from '@kmd/db'
import { promoteBatch, RunLedger } from '@kmd/promoter'
import { openBenchDatabase } from './bench-database.ts'

const STOCKS = Number(process.env.BENCH_STOCKS ?? 2_700)
const YEAR = { from: '2024-01-01', to: '2024-12-31' }
const DAYS = ['2025-01-02', '2025-01-03', '2025-01-06']

/** One synthetic weekday bar per stock and date, deterministic. */
function bars(from: string, to: string) {
  return sql`
    select lpad(s::text, 6, '0') as stock_code, d::date as time,
           1000 + s + (extract(doy from d)::int % 37) as open_price, 1100 + s + (extract(doy from d)::int % 37) as high_price,
           900 + s as low_price, 1000 + s + (extract(doy from d)::int % 53) as close_price, 1000 + s as volume, (1000 + s) * 1000 as trading_value
    from generate_series(1, ${STOCKS}) s
    cross join generate_series(${from}::date, ${to}::date, interval '1 day') d
    where extract(isodow from d) < 6`
}

async function seedYear(database: MarketDatabase): Promise<number> {
  const inserted = await sql`
    insert into ohlcv_daily (stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, source)
    select b.*, 'bench' from (${bars(YEAR.from, YEAR.to)}) b`.execute(database.db)
  await sql`analyze ohlcv_daily`.execute(database.db)
  return Number(inserted.numAffectedRows ?? 0n)
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main(): Promise<void> {
  const target = await openBenchDatabase('server', process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
  try {
    const database = target.database
    const before = await migrateToLatest(database.db, { through: '0017_staging_purge' })
    if (before.error) throw before.error
    if ((await detectCapabilities(database.db)).timescaledbInstalled) throw new Error('needs a server without TimescaleDB (plain PostgreSQL)')
    const rows = await seedYear(database)
    for (const view of ['ohlcv_weekly', 'ohlcv_monthly']) await sql`refresh materialized view ${sql.table(view)}`.execute(database.db)

    // Before: one day lands in production, then both views are refreshed whole.
    const wholeView: number[] = []
    for (const day of DAYS) {
      await sql`insert into ohlcv_daily (stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, source)
                select b.*, 'bench' from (${bars(day, day)}) b`.execute(database.db)
      const started = performance.now()
      for (const view of ['ohlcv_weekly', 'ohlcv_monthly']) await sql`refresh materialized view concurrently ${sql.table(view)}`.execute(database.db)
      wholeView.push(performance.now() - started)
    }
    await sql`delete from ohlcv_daily where time > ${YEAR.to}::date`.execute(database.db)

    // After: migration 0018, then each day promoted through promoteBatch.
    const after = await migrateToLatest(database.db)
    if (after.error) throw after.error
    const incremental: number[] = []
    const upserts: number[] = []
    for (const day of DAYS) {
      const runId = randomUUID()
      const batchId = randomUUID()
      await new RunLedger(database).start({ runId, dataset: 'ohlcv_daily', source: 'krx', partitionKey: day, tradeDate: day, trigger: 'manual' })
      await database.db.insertInto('staging.batches').values({ batch_id: batchId, run_id: runId, dataset: 'ohlcv_daily', source: 'krx', partition_key: day, row_count: STOCKS }).execute()
      await sql`
        insert into staging.ohlcv_daily (batch_id, row_number, stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, validation_status)
        select ${batchId}::uuid, row_number() over (), b.*, 'valid' from (${bars(day, day)}) b`.execute(database.db)
      const started = performance.now()
      const report = await promoteBatch(database, { runId, batchId, dataset: 'ohlcv_daily', source: 'krx', tradeDate: day })
      incremental.push(report.refreshMs)
      upserts.push(Math.round(performance.now() - started - report.refreshMs))
    }

    const [whole, touched] = [median(wholeView), median(incremental)]
    console.log(
      JSON.stringify(
        { production_rows: rows, stocks: STOCKS, days: DAYS, whole_view_refresh_ms: wholeView.map(Math.round), touched_buckets_ms: incremental, rest_of_promotion_ms: upserts, median_before_ms: Math.round(whole), median_after_ms: touched, ratio: Number((whole / touched).toFixed(1)) },
        null,
        2,
      ),
    )
  } finally {
    await target.dispose()
  }
}

await main()
