import { sql, type RawBuilder } from 'kysely'
import { aggregateDefinition, aggregateKey, aggregateSelect, detectCapabilities, type MarketDatabase } from '@kmd/db'

const RUNS = 50
const HISTORY_STOCKS = 50

/** Ten years of weekday bars for a few stocks, so the history queries have something to read. */
async function seedHistory(database: MarketDatabase): Promise<void> {
  await sql`
    insert into ohlcv_daily (stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, source)
    select 'H' || lpad(s::text, 5, '0'), d::date, 1000 + s, 1100 + s, 900 + s, 1000 + s + (extract(doy from d)::int % 50), 1000, 1000 * (1000 + s), 'bench'
    from generate_series(1, ${HISTORY_STOCKS}) s
    cross join generate_series(date '2015-01-01', date '2024-12-31', interval '1 day') d
    where extract(isodow from d) < 6`.execute(database.db)
  const capabilities = await detectCapabilities(database.db)
  if (capabilities.timescaledbInstalled) {
    await sql`call refresh_continuous_aggregate('ohlcv_weekly', null, null)`.execute(database.db)
  } else {
    // Plain PostgreSQL keeps the aggregate as a table the promoter maintains (0018); these rows
    // bypassed promotion, so their buckets are added with the aggregate's own query.
    const weekly = aggregateDefinition(false, 'ohlcv_weekly')
    const seeded = sql`(select * from ohlcv_daily where stock_code like 'H%') as ohlcv_daily`
    await sql`insert into ohlcv_weekly ${aggregateSelect(false, weekly, seeded)} on conflict (${aggregateKey(weekly)}) do nothing`.execute(database.db)
  }
  await sql`analyze ohlcv_daily`.execute(database.db)
}

async function median(database: MarketDatabase, query: RawBuilder<unknown>, expectRows: (n: number) => boolean, name: string): Promise<{ medianMs: number; rows: number }> {
  const times: number[] = []
  let rows = 0
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now()
    rows = (await query.execute(database.db)).rows.length
    times.push(performance.now() - started)
  }
  if (!expectRows(rows)) throw new Error(`${name} returned ${rows} rows`)
  times.sort((a, b) => a - b)
  return { medianMs: times[Math.floor(times.length / 2)]!, rows }
}

export async function measureQueries(database: MarketDatabase, marketDay: string, progress: (line: string) => void) {
  await seedHistory(database)
  const result = {
    one_stock_one_year_daily: await median(
      database,
      sql`select time, open_price, high_price, low_price, close_price, volume from ohlcv_daily where stock_code = 'H00007' and time >= date '2023-01-01' and time < date '2024-01-01' order by time`,
      (n) => n > 250,
      'one stock one year',
    ),
    all_stocks_one_day: await median(database, sql`select stock_code, close_price, volume from ohlcv_daily where time = ${marketDay}`, (n) => n > 2000, 'all stocks one day'),
    one_stock_ten_years_weekly: await median(
      database,
      sql`select bucket, open_price, high_price, low_price, close_price, volume from ohlcv_weekly where stock_code = 'H00007' and bucket >= date '2015-01-01' order by bucket`,
      (n) => n > 500,
      'ten years weekly',
    ),
  }
  progress(`query medians (ms): ${Object.entries(result).map(([k, v]) => `${k} ${v.medianMs.toFixed(2)}`).join(', ')}`)
  return result
}
