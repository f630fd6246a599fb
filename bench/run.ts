/**
 * `pnpm bench`: measures, side by side in one run, on the embedded TimescaleDB and on a
 * PostgreSQL server (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server):
 *   1. the nightly load (all stocks' OHLCV + market cap + investor flows) from the simulator;
 *   2. staging + validation + promotion of 1,000,000 OHLCV rows vs a raw COPY of the same rows
 *      into an identical table (load_vs_copy = our rows/s / COPY rows/s), and the floor: the
 *      same rows written raw into staging, production and the aggregates (floor_vs_copy, the
 *      best load_vs_copy such a path could reach; load_vs_floor, ours against it);
 *   3. query latency (median of many runs), and minute bars at rest (bench/minute-storage.ts):
 *      a month of bars COPYed into ohlcv_minute, one stock's day and month read back, and on
 *      TimescaleDB compressed, with the bytes before and after;
 *   4. one full-market day of minute bars from the simulator's KIS through the whole path, by
 *      `etl run` in a process of its own, against a raw COPY of the same rows (bench/minute-day.ts);
 *   5. a backfill of BENCH_BACKFILL_YEARS (default 10) years of daily bars from the simulator,
 *      by the `etl backfill` CLI in a process of its own (bench/backfill.ts).
 * Prints a table and writes bench/results.json.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { migrateToLatest } from '@kmd/db'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { measureLoadVsCopy } from './load-vs-copy.ts'
import { measureNightly, type NightlyResult } from './nightly.ts'
import { measureQueries } from './queries.ts'
import { measureMinuteStorage } from './minute-storage.ts'
import { measureMinuteDay } from './minute-day.ts'
import { backfillYears, buildCli, describeBackfill, measureBackfill } from './backfill.ts'
import { openBenchDatabase, type BenchDatabase } from './bench-database.ts'

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/test'
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const SIMULATOR_NOW = '2026-11-23T00:00:00Z'

interface BackendResult {
  backend: string
  nightly: NightlyResult
  loadVsCopy: Awaited<ReturnType<typeof measureLoadVsCopy>>
  queries: Awaited<ReturnType<typeof measureQueries>>
  minuteStorage: Awaited<ReturnType<typeof measureMinuteStorage>>
  minuteDay: Awaited<ReturnType<typeof measureMinuteDay>>
  backfill: Awaited<ReturnType<typeof measureBackfill>>
}

async function main(): Promise<void> {
  const years = backfillYears() // a bad BENCH_BACKFILL_YEARS stops the run before anything is measured
  await buildCli() // the backfill runs the CLI's bundle: built from the current sources
  // The simulator's clock just after the nightly's day: KIS serves a year of minute bars back from it.
  const simulator = await startSimulator({ port: 0, clock: () => new Date(SIMULATOR_NOW) })
  const results: BackendResult[] = []
  try {
    const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? LOCAL_SERVER
    for (const backend of ['embedded', 'server'] as const) {
      const target = await openBenchDatabase(backend, serverUrl)
      try {
        console.error(`\n[${backend}] ${target.database.location}`)
        results.push(await benchBackend(target, simulator, years))
      } finally {
        await target.dispose()
      }
    }
  } finally {
    await simulator.stop()
  }
  printTable(results)
  const file = fileURLToPath(new URL('./results.json', import.meta.url))
  await writeFile(file, `${JSON.stringify({ measuredAt: new Date().toISOString(), rows: ROWS, results }, null, 2)}\n`)
  console.log(`\nwritten ${file}`)
}

async function benchBackend(target: BenchDatabase, simulator: RunningSimulator, backfillYears: number): Promise<BackendResult> {
  const { backend, database } = target
  const simulatorUrl = simulator.url
  const outcome = await migrateToLatest(database.db)
  if (outcome.error) throw outcome.error
  const nightly = await measureNightly(database, simulatorUrl, (line) => console.error(`[${backend}] ${line}`))

  const loadVsCopy = await measureLoadVsCopy(database, ROWS, (line) => console.error(`[${backend}] ${line}`))
  const queries = await measureQueries(database, nightly.tradeDate, (line) => console.error(`[${backend}] ${line}`))
  const minuteStorage = await measureMinuteStorage(database, (line) => console.error(`[${backend}] ${line}`))
  // By the CLI in their own processes, on the database the measurements above leave (the
  // embedded folder admits one process at a time); the backfill last, so ten years of bars do
  // not change what the measurements above read.
  const handedOver = await target.handOver()
  const minuteDay = await measureMinuteDay(backend, handedOver, simulator, nightly.tradeDate, (line) => console.error(`[${backend}] ${line}`))
  const backfill = await measureBackfill(backend, handedOver, simulatorUrl, backfillYears, (line) => console.error(`[${backend}] ${line}`))
  return { backend, nightly, loadVsCopy, queries, minuteStorage, minuteDay, backfill }
}

function printTable(results: BackendResult[]): void {
  console.log('\nnightly load (one trading day, whole synthetic market, from the simulator)')
  console.table(
    results.flatMap((r) =>
      Object.entries(r.nightly.datasets).map(([dataset, d]) => ({ backend: r.backend, dataset, rows: d.rows, 'collect ms': d.collectMs, 'stage ms': d.stageMs, 'validate ms': d.validateMs, 'promote ms': d.promoteMs, 'total ms': d.totalMs })),
    ),
  )
  console.log(`\n${ROWS.toLocaleString('en')} OHLCV rows: staging + validation + promotion vs raw COPY into an identical table`)
  console.table(
    results.map((r) => ({
      backend: r.backend,
      'ours rows/s': Math.round(r.loadVsCopy.pipelineRowsPerSecond),
      'COPY rows/s': Math.round(r.loadVsCopy.copyRowsPerSecond),
      load_vs_copy: Number(r.loadVsCopy.loadVsCopy.toFixed(3)),
      'stage ms': r.loadVsCopy.stageMs,
      'validate ms': r.loadVsCopy.validateMs,
      'promote ms': r.loadVsCopy.promoteMs,
      'refresh aggregates ms': r.loadVsCopy.refreshMs,
      'COPY ms': r.loadVsCopy.copyMs,
    })),
  )
  console.log('the floor: the same rows written raw into staging, production and the aggregates (no validation, no bookkeeping)')
  console.table(
    results.map((r) => ({
      backend: r.backend,
      'staging COPY ms': r.loadVsCopy.floorStageMs,
      'production INSERT ms': r.loadVsCopy.floorPromoteMs,
      'aggregates INSERT ms': r.loadVsCopy.floorAggregatesMs,
      'floor ms': r.loadVsCopy.floorMs,
      floor_vs_copy: Number(r.loadVsCopy.floorVsCopy.toFixed(3)),
      load_vs_floor: Number(r.loadVsCopy.loadVsFloor.toFixed(3)),
    })),
  )
  console.log('\nquery latency (median ms)')
  console.table(results.map((r) => ({ backend: r.backend, ...Object.fromEntries(Object.entries(r.queries).map(([k, v]) => [k, Number(v.medianMs.toFixed(2))])) })))
  console.log(`\nminute bars at rest: a month of ${results[0]?.minuteStorage.stocks ?? '?'} stocks' bars COPYed into ohlcv_minute; reads median ms (random_page_cost default / 1.1)`)
  console.table(
    results.map(({ backend, minuteStorage: m }) => {
      const reads = (q: typeof m.queries) => `${q.one_stock_one_day.medianMs.toFixed(2)} / ${q.one_stock_one_month.medianMs.toFixed(1)} (${q.ssdCost.one_stock_one_day.medianMs.toFixed(2)} / ${q.ssdCost.one_stock_one_month.medianMs.toFixed(1)})`
      return {
        backend,
        rows: m.rows,
        'COPY rows/s': Math.round(m.copyRowsPerSecond),
        'MiB': Math.round(m.tableBytes / 2 ** 20),
        'one stock: day / month': reads(m.queries),
        'compressed MiB': m.compressed ? Math.round(m.compressed.afterBytes / 2 ** 20) : '-',
        'compression': m.compressed ? `${m.compressed.ratio.toFixed(1)}x` : '-',
        'compressed: day / month': m.compressed ? reads(m.compressed.queries) : '-',
      }
    }),
  )
  console.log(`\none full-market day of minute bars (${results[0]?.minuteDay.stocks ?? '?'} stocks × ${results[0]?.minuteDay.barsPerStock ?? '?'} bars) from the simulator's KIS through the whole path, by etl run in its own process`)
  console.table(
    results.map(({ backend, minuteDay: m }) => ({
      backend,
      status: m.status,
      bars: m.rowsPromoted,
      'collect ms': m.stages.collect,
      'stage ms': m.stages.stage,
      'validate ms': m.stages.validate,
      'promote ms': m.stages.promote,
      'load s': Number((m.loadMs / 1000).toFixed(1)),
      'load rows/s': Math.round(m.loadRowsPerSecond),
      'COPY rows/s': Math.round(m.copyRowsPerSecond),
      minute_load_vs_copy: Number(m.minuteLoadVsCopy.toFixed(3)),
      'CLI peak RSS MiB': m.peakRssMb,
    })),
  )
  console.log(`\nbackfill: ${results[0]?.backfill.years ?? '?'} year(s) of ohlcv_daily, whole synthetic market, pacing lifted, by the etl CLI in its own process`)
  console.table(results.map((r) => describeBackfill(r.backend, r.backfill)))
}

await main()
