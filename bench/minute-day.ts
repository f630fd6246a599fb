/**
 * One full-market day of minute bars through the whole path: `etl run --dataset ohlcv_minute
 * --source kis` in a process of its own against the simulator (every stock's session from KIS's
 * FHKST03010230, four calls a stock, pacing lifted), then staging, validation (reconciled with
 * the day's ohlcv_daily, which the nightly bench loaded) and promotion; its stage timings come
 * from its run log row, its peak RSS from /proc. Then the same rows COPYed raw into a table like
 * ohlcv_minute (a hypertable of one-day chunks on TimescaleDB): minute_load_vs_copy = our rows/s
 * over COPY's, both over the rows promoted. Takes the database handed over by the bench (the
 * embedded folder admits one process at a time) and opens it again for the COPY.
 *
 * Alone: `npx tsx bench/minute-day.ts` (BENCH_BACKENDS=embedded,server), which loads the day's
 * OHLCV itself first.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { sql } from 'kysely'
import { createLogger, loadConfig, sessionMinuteBars, type TradeDate } from '@kmd/core'
import { detectCapabilities, migrateToLatest, openDatabase, type MarketDatabase } from '@kmd/db'
import { createCollectors, runJob } from '@kmd/pipeline'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { buildCli, spawnCli } from './backfill.ts'
import { openBenchDatabase, type BenchBackend, type DatabaseEnv } from './bench-database.ts'
import { chunked, copyInto, timed } from './load-vs-copy.ts'

const MB = 2 ** 20
const COLUMNS = ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'source'] as const
const APP = { key: 'PSbenchminuteday', secret: 'bench-minute-day-secret' }

export interface MinuteDayResult {
  tradeDate: TradeDate
  stocks: number
  barsPerStock: number
  status: string
  rowsFetched: number
  rowsPromoted: number
  /** The run's stage timings (collect, stage, validate, promote, ledger), ms. */
  stages: Record<string, number>
  /** Staging + validation + promotion (+ the completeness ledger), without collection, ms. */
  loadMs: number
  /** From the simulator to production, collection included, ms. */
  totalMs: number
  loadRowsPerSecond: number
  copyMs: number
  copyRowsPerSecond: number
  /** loadRowsPerSecond / copyRowsPerSecond. */
  minuteLoadVsCopy: number
  peakRssMb: number
  measuredProcess: string
}

/** Runs the day's minute load by the CLI on the handed-over database, then COPYs the same rows raw. */
export async function measureMinuteDay(
  backend: BenchBackend,
  databaseEnv: DatabaseEnv,
  simulator: RunningSimulator,
  tradeDate: TradeDate,
  progress: (line: string) => void,
): Promise<MinuteDayResult> {
  simulator.kis.addApp(APP.key, APP.secret)
  simulator.kis.configure({ requestsPerSecond: Infinity })
  const args = ['run', '--dataset', 'ohlcv_minute', '--source', 'kis', '--date', tradeDate]
  progress(`etl ${args.join(' ')}`)
  const { child, peakRss, stopSampling } = spawnCli(args, databaseEnv, {
    KIS_BASE_URL: simulator.url, KIS_APP_KEY: APP.key, KIS_APP_SECRET: APP.secret, KIS_MAX_REQUESTS_PER_SECOND: '100000',
    KIS_TOKEN_CACHE_DIR: join(await mkdtemp(join(tmpdir(), 'kmd-bench-kis-')), 'cache'),
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-4096)))
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-4096)))
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
  stopSampling()
  if (exitCode !== 0) throw new Error(`etl run ohlcv_minute exited ${exitCode}:\n${output}`)

  const database = await openDatabase({
    databaseUrl: 'DATABASE_URL' in databaseEnv ? databaseEnv.DATABASE_URL : undefined,
    embeddedDataDir: 'EMBEDDED_DATA_DIR' in databaseEnv ? databaseEnv.EMBEDDED_DATA_DIR : '',
    databasePoolSize: 4,
  })
  try {
    const log = await database.db
      .selectFrom('data_collection_logs')
      .select(['status', 'records_fetched', 'records_promoted', 'stage_timings'])
      .where('data_type', '=', 'ohlcv_minute')
      .where('collection_date', '=', tradeDate)
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow()
    const stages = (typeof log.stage_timings === 'string' ? JSON.parse(log.stage_timings) : log.stage_timings) as Record<string, number>
    const rowsPromoted = log.records_promoted ?? 0
    const loadMs = (stages.stage ?? 0) + (stages.validate ?? 0) + (stages.promote ?? 0) + (stages.ledger ?? 0)
    const totalMs = loadMs + (stages.collect ?? 0)
    progress(`minute day ${tradeDate}: ${log.status}, ${rowsPromoted} bars promoted; collect ${stages.collect} ms, stage ${stages.stage} ms, validate ${stages.validate} ms, promote ${stages.promote} ms; CLI peak rss ${Math.round(peakRss() / MB)} MiB`)

    const copyMs = await copyDayRaw(database, tradeDate)
    const loadRowsPerSecond = rowsPromoted / (loadMs / 1000)
    const copyRowsPerSecond = rowsPromoted / (copyMs / 1000)
    progress(`minute day raw COPY: ${copyMs} ms (${Math.round(copyRowsPerSecond)} rows/s); minute_load_vs_copy ${(loadRowsPerSecond / copyRowsPerSecond).toFixed(3)}`)
    const { rows: stockCount } = await sql<{ n: number }>`select count(distinct stock_code)::int as n from ohlcv_daily where time = ${tradeDate}`.execute(database.db)
    return {
      tradeDate,
      stocks: stockCount[0]!.n,
      barsPerStock: sessionMinuteBars(tradeDate).length,
      status: log.status,
      rowsFetched: log.records_fetched ?? 0,
      rowsPromoted,
      stages,
      loadMs,
      totalMs,
      loadRowsPerSecond,
      copyMs,
      copyRowsPerSecond,
      minuteLoadVsCopy: loadRowsPerSecond / copyRowsPerSecond,
      peakRssMb: Math.round(peakRss() / MB),
      measuredProcess: backend === 'embedded' ? 'etl run, with the embedded database inside' : 'etl run (the database server is apart)',
    }
  } finally {
    await database.close()
  }
}

/** The day's promoted bars COPYed raw into a fresh table like ohlcv_minute; the COPY's ms. */
async function copyDayRaw(database: MarketDatabase, tradeDate: TradeDate): Promise<number> {
  const { db } = database
  const { rows } = await sql<{ line: string }>`
    select concat_ws(',', stock_code, to_char(time at time zone 'Asia/Seoul', 'YYYY-MM-DD"T"HH24:MI:SS"+09:00"'), open_price, high_price, low_price, close_price, volume, trading_value, source) || e'\n' as line
    from ohlcv_minute
    where time >= ${tradeDate}::timestamp at time zone 'Asia/Seoul' and time < (${tradeDate}::date + 1)::timestamp at time zone 'Asia/Seoul'`.execute(db)
  await sql`drop table if exists bench_minute_copy`.execute(db)
  await sql`create table bench_minute_copy (like ohlcv_minute including defaults including constraints including indexes)`.execute(db)
  if ((await detectCapabilities(db)).timescaledbInstalled) {
    await sql`select create_hypertable('bench_minute_copy'::regclass, by_range('time', interval '1 day'))`.execute(db)
  }
  const lines = rows.map((row) => row.line)
  const ms = await timed(() => copyInto(database, 'bench_minute_copy', COLUMNS, chunked(lines)))
  await sql`drop table bench_minute_copy`.execute(db)
  return ms
}

async function main(): Promise<void> {
  const backends = (process.env.BENCH_BACKENDS ?? 'embedded,server').split(',') as BenchBackend[]
  const tradeDate = process.env.BENCH_MINUTE_DAY ?? '2026-11-20'
  await buildCli()
  const simulator = await startSimulator({ port: 0 })
  try {
    for (const backend of backends) {
      const target = await openBenchDatabase(backend, process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'minute')
      try {
        const outcome = await migrateToLatest(target.database.db)
        if (outcome.error) throw outcome.error
        const config = loadConfig({ ...process.env, KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '1000' })
        const logger = createLogger({ level: 'warn' })
        const daily = await runJob({ database: target.database, logger, collectors: createCollectors(config, logger) }, { dataset: 'ohlcv_daily', source: 'krx', tradeDate })
        if (daily.status !== 'SUCCESS') throw new Error(`ohlcv_daily ${tradeDate} ended ${daily.status}: ${daily.message}`)
        const result = await measureMinuteDay(backend, await target.handOver(), simulator, tradeDate, (line) => console.error(`[${backend}] ${line}`))
        console.log(JSON.stringify({ backend, ...result }))
      } finally {
        await target.dispose()
      }
    }
  } finally {
    await simulator.stop()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
