/**
 * Minute bars at rest: a month of the synthetic market's minute bars (BENCH_MINUTE_STOCKS stocks,
 * default 300, × the month's sessions × 381 bars; the simulator's own bars, the path KIS's
 * minute APIs serve) COPYed into `ohlcv_minute`, then the two reads the LP/MM and trading
 * projects make (one stock × one day, one stock × one month: median of 50), and on TimescaleDB
 * the same reads after compressing every chunk (segmented by stock_code, migration 0002) with
 * the bytes before and after. The pipeline does not load minute bars yet: this measures the
 * storage they will land in.
 *
 * Alone: `npx tsx bench/minute-storage.ts` (BENCH_BACKENDS=embedded,server).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { pathToFileURL } from 'node:url'
import { tradingDaysBetween, type TradeDate } from '@kmd/core'
import { detectCapabilities, migrateToLatest, type Database, type MarketDatabase } from '@kmd/db'
import { SyntheticMarket } from '@kmd/source-simulator'
import { openBenchDatabase, type BenchBackend } from './bench-database.ts'
import { chunked, copyInto, timed } from './load-vs-copy.ts'

const MONTH: readonly [TradeDate, TradeDate] = ['2026-09-01', '2026-09-30']
const RUNS = 50
const COLUMNS = ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'source'] as const

export interface MinuteStorageResult {
  stocks: number
  sessions: number
  rows: number
  copyRowsPerSecond: number
  tableBytes: number
  queries: Reads
  /** TimescaleDB only: every chunk compressed. */
  compressed?: { beforeBytes: number; afterBytes: number; ratio: number; compressMs: number; queries: Reads }
}

interface Reads {
  one_stock_one_day: QueryMedian
  one_stock_one_month: QueryMedian
  /** The same with random_page_cost 1.1. */
  ssdCost: { one_stock_one_day: QueryMedian; one_stock_one_month: QueryMedian }
}

interface QueryMedian {
  medianMs: number
  rows: number
}

/** The month's bars as CSV lines, session by session: what a day's load writes, in its order. */
function* monthOfBars(market: SyntheticMarket, stocks: number): Generator<string> {
  for (const date of tradingDaysBetween(...MONTH)) {
    const session = market.session(date)!
    for (let index = 0; index < stocks; index++) {
      const code = market.stocks[index]!.code
      for (const bar of market.minuteBars(session, index)) {
        yield `${code},${date}T${bar.time}:00+09:00,${bar.open},${bar.high},${bar.low},${bar.close},${bar.volume},${bar.value},bench\n`
      }
    }
  }
}

async function median(db: Kysely<Database>, query: RawBuilder<unknown>): Promise<QueryMedian> {
  const times: number[] = []
  let rows = 0
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    rows = (await query.execute(db)).rows.length
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  return { medianMs: times[Math.floor(times.length / 2)]!, rows }
}

/**
 * The two reads, as a session plans them by default, and with `random_page_cost` 1.1 (the usual
 * setting for SSD storage; PostgreSQL's default 4 prices a page read at random as four read in
 * order, and the planner then prefers walking the whole market's day in the time index to the
 * stock's own rows in the primary key).
 */
async function reads(database: MarketDatabase, stockCode: string): Promise<Reads> {
  return {
    ...(await readsIn(database.db, stockCode)),
    ssdCost: await database.db.transaction().execute(async (trx) => {
      await sql`set local random_page_cost = 1.1`.execute(trx)
      return readsIn(trx, stockCode)
    }),
  }
}

async function readsIn(db: Kysely<Database>, stockCode: string): Promise<Omit<Reads, 'ssdCost'>> {
  const [first, last] = MONTH
  const day = tradingDaysBetween(...MONTH)[10]!
  const columns = sql`time, open_price, high_price, low_price, close_price, volume`
  return {
    one_stock_one_day: await median(db, sql`select ${columns} from ohlcv_minute where stock_code = ${stockCode} and time >= ${`${day}T00:00:00+09:00`}::timestamptz and time < ${`${day}T00:00:00+09:00`}::timestamptz + interval '1 day' order by time`),
    one_stock_one_month: await median(db, sql`select ${columns} from ohlcv_minute where stock_code = ${stockCode} and time >= ${`${first}T00:00:00+09:00`}::timestamptz and time < ${`${last}T00:00:00+09:00`}::timestamptz + interval '1 day' order by time`),
  }
}

export async function measureMinuteStorage(database: MarketDatabase, progress: (line: string) => void): Promise<MinuteStorageResult> {
  const timescaledb = (await detectCapabilities(database.db)).timescaledbInstalled
  const stocks = Number(process.env.BENCH_MINUTE_STOCKS ?? 300)
  const market = new SyntheticMarket({ seed: 42, stockCount: Math.max(stocks, 300) })
  const sessions = tradingDaysBetween(...MONTH).length
  const copyMs = await timed(() => copyInto(database, 'ohlcv_minute', COLUMNS, chunked(monthOfBars(market, stocks))))
  const { rows: counted } = await sql<{ rows: number }>`select count(*)::int as rows from ohlcv_minute`.execute(database.db)
  const rows = counted[0]!.rows
  progress(`minute bars: ${rows} rows of ${stocks} stocks × ${sessions} sessions COPYed in ${Math.round(copyMs)} ms`)
  await sql`analyze ohlcv_minute`.execute(database.db)
  // A stock that traded every session of the month.
  const tradedEveryDay = market.stocks.slice(0, stocks).findIndex((_, index) => tradingDaysBetween(...MONTH).every((date) => market.session(date)!.quotes[index]!.volume > 0))
  const stockCode = market.stocks[Math.max(tradedEveryDay, 0)]!.code
  // On TimescaleDB the rows live in the chunks; the hypertable's own relation is empty.
  const size = timescaledb
    ? sql<{ bytes: string }>`select sum(total_bytes)::text as bytes from chunks_detailed_size('ohlcv_minute')`
    : sql<{ bytes: string }>`select pg_total_relation_size('ohlcv_minute')::text as bytes`
  const { rows: sized } = await size.execute(database.db)
  const result: MinuteStorageResult = { stocks, sessions, rows, copyRowsPerSecond: rows / (copyMs / 1000), tableBytes: Number(sized[0]!.bytes), queries: await reads(database, stockCode) }

  if (timescaledb) {
    const compressMs = await timed(() => sql`select count(compress_chunk(c, if_not_compressed => true)) from show_chunks('ohlcv_minute') c`.execute(database.db))
    const { rows: stats } = await sql<{ before: string; after: string }>`
      select sum(before_compression_total_bytes)::text as before, sum(after_compression_total_bytes)::text as after
      from hypertable_compression_stats('ohlcv_minute')`.execute(database.db)
    const beforeBytes = Number(stats[0]!.before)
    const afterBytes = Number(stats[0]!.after)
    result.compressed = { beforeBytes, afterBytes, ratio: beforeBytes / afterBytes, compressMs: Math.round(compressMs), queries: await reads(database, stockCode) }
    progress(`minute bars compressed ${(beforeBytes / afterBytes).toFixed(1)}x in ${Math.round(compressMs)} ms`)
  }
  await sql`truncate ohlcv_minute`.execute(database.db)
  return result
}

async function main(): Promise<void> {
  const backends = (process.env.BENCH_BACKENDS ?? 'embedded,server').split(',') as BenchBackend[]
  for (const backend of backends) {
    const target = await openBenchDatabase(backend, process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'minutes')
    try {
      const migrated = await migrateToLatest(target.database.db)
      if (migrated.error) throw migrated.error
      console.log(JSON.stringify({ backend, ...(await measureMinuteStorage(target.database, (line) => console.error(`[${backend}] ${line}`))) }, null, 1))
    } finally {
      await target.dispose()
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
