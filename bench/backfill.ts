/**
 * Backfill benchmark: N years (BENCH_BACKFILL_YEARS, default 10) of daily bars (ohlcv_daily) for
 * the whole synthetic market, from the source simulator with pacing lifted, through
 * `runBackfill` (collect, staging, validation, promotion per trading day, aggregates at the end).
 * Reports rows/s end to end and memory: peak RSS during the backfill, sampled, and RSS and JS
 * heap at every tenth of the way, which should stay flat whatever the range. RSS includes the
 * embedded database (WASM, in this process) and what an earlier backend left behind; the heap
 * is the pipeline's own.
 *
 * `pnpm bench` calls `measureBackfill` on each backend. Alone, on both backends:
 *   BENCH_BACKFILL_YEARS=1 npx tsx bench/backfill.ts
 */
import { pathToFileURL } from 'node:url'
import { createLogger, loadConfig } from '@kmd/core'
import { migrateToLatest, type MarketDatabase } from '@kmd/db'
import { openBenchDatabase } from './bench-database.ts'
import { createCollectors, formatDuration, progressLine, runBackfill, type JobStatus } from '@kmd/pipeline'
import { startSimulator } from '@kmd/source-simulator'

// Ends before the nightly bench's days (2026-11-19/20), so the two never share a partition.
const LAST_DAY = '2026-10-30'
const RSS_SAMPLE_MS = 250
const MB = 1024 * 1024

export interface BackfillBenchResult {
  years: number
  from: string
  to: string
  concurrency: number
  partitions: number
  statuses: Record<JobStatus, number>
  rowsProcessed: number
  rowsPromoted: number
  elapsedMs: number
  rowsPerSecond: number
  aggregatesRefreshed: string[]
  /** Highest RSS sampled while the backfill ran, in MiB (the embedded database lives in this process). */
  peakRssMb: number
  rssAtStartMb: number
  /** RSS after each tenth of the partitions, in MiB: flat means memory does not grow with the range. */
  rssByTenthMb: number[]
  /** The same for the JavaScript heap: the pipeline's own memory, without the embedded database's WASM memory. */
  peakHeapMb: number
  heapByTenthMb: number[]
}

export function backfillYears(env: NodeJS.ProcessEnv = process.env): number {
  const years = Number(env.BENCH_BACKFILL_YEARS ?? 10)
  if (!Number.isInteger(years) || years < 1 || years > 12) throw new Error(`BENCH_BACKFILL_YEARS must be a whole number from 1 to 12 (the KRX calendar covers 2015-2027), got "${env.BENCH_BACKFILL_YEARS}"`)
  return years
}

export async function measureBackfill(database: MarketDatabase, simulatorUrl: string, years: number, progress: (line: string) => void): Promise<BackfillBenchResult> {
  const config = loadConfig({ ...process.env, KRX_BASE_URL: simulatorUrl, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '1000' })
  const logger = createLogger({ level: 'warn' })
  const from = `${Number(LAST_DAY.slice(0, 4)) - years}${LAST_DAY.slice(4)}`
  const concurrency = database.backend === 'embedded' ? 1 : 4

  const rssAtStart = process.memoryUsage().rss
  let peakRss = rssAtStart
  let peakHeap = process.memoryUsage().heapUsed
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage()
    peakRss = Math.max(peakRss, rss)
    peakHeap = Math.max(peakHeap, heapUsed)
    return { rss, heapUsed }
  }
  const sampler = setInterval(sample, RSS_SAMPLE_MS)
  const rssByTenth: number[] = []
  const heapByTenth: number[] = []
  let lastLineAt = performance.now()
  try {
    const summary = await runBackfill(
      { database, logger, collectors: createCollectors(config, logger) },
      {
        dataset: 'ohlcv_daily', source: 'krx', from, to: LAST_DAY, concurrency,
        onRun: (_result, p) => {
          if (p.toRun > 0 && Math.floor((p.finished * 10) / p.toRun) > rssByTenth.length) {
            const { rss, heapUsed } = sample()
            rssByTenth.push(rss)
            heapByTenth.push(heapUsed)
          }
          if (performance.now() - lastLineAt > 30_000 || p.finished === p.toRun) {
            progress(`backfill ${progressLine(p)}, rss ${Math.round(process.memoryUsage().rss / MB)} MiB`)
            lastLineAt = performance.now()
          }
        },
      },
    )
    sample()
    return {
      years, from, to: LAST_DAY, concurrency,
      partitions: summary.partitions,
      statuses: summary.statuses,
      rowsProcessed: summary.rowsProcessed,
      rowsPromoted: summary.rowsPromoted,
      elapsedMs: Math.round(summary.elapsedMs),
      rowsPerSecond: summary.rowsPerSecond,
      aggregatesRefreshed: summary.aggregatesRefreshed,
      peakRssMb: Math.round(peakRss / MB),
      rssAtStartMb: Math.round(rssAtStart / MB),
      rssByTenthMb: rssByTenth.map((rss) => Math.round(rss / MB)),
      peakHeapMb: Math.round(peakHeap / MB),
      heapByTenthMb: heapByTenth.map((heap) => Math.round(heap / MB)),
    }
  } finally {
    clearInterval(sampler)
  }
}

export function describeBackfill(backend: string, r: BackfillBenchResult): Record<string, string | number> {
  return {
    backend,
    range: `${r.from}..${r.to}`,
    partitions: r.partitions,
    'SUCCESS/PARTIAL/FAILED': `${r.statuses.SUCCESS}/${r.statuses.PARTIAL}/${r.statuses.FAILED}`,
    rows: r.rowsProcessed,
    'rows/s': Math.round(r.rowsPerSecond),
    elapsed: formatDuration(r.elapsedMs),
    'peak RSS MiB': r.peakRssMb,
    'RSS by tenth MiB': r.rssByTenthMb.join(' '),
    'peak heap MiB': r.peakHeapMb,
    'heap by tenth MiB': r.heapByTenthMb.join(' '),
  }
}

/** Alone: a simulator, the embedded database and the server (BENCH_DATABASE_URL, TEST_DATABASE_URL or the local one). */
async function main(): Promise<void> {
  const years = backfillYears()
  const simulator = await startSimulator({ port: 0 })
  const rows: Array<Record<string, string | number>> = []
  try {
    const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
    for (const backend of ['embedded', 'server'] as const) {
      const target = await openBenchDatabase(backend, serverUrl, 'backfill')
      try {
        const outcome = await migrateToLatest(target.database.db)
        if (outcome.error) throw outcome.error
        const result = await measureBackfill(target.database, simulator.url, years, (line) => console.error(`[${backend}] ${line}`))
        rows.push(describeBackfill(backend, result))
        console.error(`[${backend}] ${JSON.stringify(result)}`)
      } finally {
        await target.dispose()
      }
    }
  } finally {
    await simulator.stop()
  }
  console.log(`\nbackfill of ${years} year(s) of ohlcv_daily, whole synthetic market`)
  console.table(rows)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
