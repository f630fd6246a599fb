/**
 * Backfill benchmark: N years (BENCH_BACKFILL_YEARS, default 10) of daily bars (ohlcv_daily) for
 * the whole synthetic market, from the source simulator with pacing lifted, through the real
 * CLI: `etl backfill --progress json` from the bundle (`pnpm build`, done first), as a process
 * of its own (collect, staging, validation, promotion per trading day, aggregates at the end).
 *
 * Reports rows/s end to end, the time per partition by tenth of the run (flat means a
 * partition costs the same in the tenth year as in the first) and the CLI process's memory:
 * its RSS sampled from /proc every 250 ms (peak, and at every tenth of the partitions) and its
 * JS heap at each partition's end. On the embedded backend the database (PGlite's WASM memory)
 * runs inside the CLI process and counts in its RSS; on a server it does not.
 *
 * `pnpm bench` calls `measureBackfill` on each backend, on the database its other parts left.
 * Alone, on fresh databases (BENCH_BACKENDS=embedded,server by default):
 *   BENCH_BACKFILL_YEARS=1 npx tsx bench/backfill.ts
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { migrateToLatest } from '@kmd/db'
import { formatDuration, type JobStatus } from '@kmd/pipeline'
import { startSimulator } from '@kmd/source-simulator'
import { openBenchDatabase, type BenchBackend, type DatabaseEnv } from './bench-database.ts'
import { readProcessRss } from './process-rss.ts'

// Ends before the nightly bench's days (2026-11-19/20), so the two never share a partition.
const LAST_DAY = '2026-10-30'
const RSS_SAMPLE_MS = 250
const PROGRESS_EVERY_MS = 30_000
const MB = 1024 * 1024
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url))
const BACKENDS: readonly BenchBackend[] = ['embedded', 'server']

export interface BackfillBenchResult {
  years: number
  from: string
  to: string
  concurrency: number
  /** Whose memory the RSS figures are: the CLI process, with or without the database inside. */
  measuredProcess: string
  partitions: number
  statuses: Record<JobStatus, number>
  /** The partitions that did not end SUCCESS (the first 20), with the checks that failed and the run's message. */
  notSuccess: Array<{ key: string; status: JobStatus; failedChecks: string[]; message: string | null }>
  rowsProcessed: number
  rowsPromoted: number
  /** The backfill's own time (planning to aggregate refresh), as the CLI reports it. */
  elapsedMs: number
  /** From starting the CLI process to its exit (adds opening the database and the bundle's start). */
  processElapsedMs: number
  exitCode: number
  rowsPerSecond: number
  aggregatesRefreshed: string[]
  /** Highest RSS of the CLI process (its VmHWM, and every sample), in MiB. */
  peakRssMb: number
  /** The CLI process's RSS when each tenth of the partitions had finished, in MiB: flat means memory does not grow with the range. */
  rssByTenthMb: number[]
  /** The CLI's JS heap (the pipeline's own memory, without PGlite's WASM memory), highest and at each tenth, from its progress lines. */
  peakHeapMb: number
  heapByTenthMb: number[]
  /** Mean time of a partition's own runs (their timed stages) in each tenth of the partitions, in ms. */
  partitionMsByTenth: number[]
  /** Wall-clock time of each tenth over its partitions, in ms: with several workers, what a partition costs the run. */
  wallMsPerPartitionByTenth: number[]
  /** Last tenth over first tenth of `partitionMsByTenth`: 1 is flat. */
  partitionMsLastToFirst: number
  /** Last tenth over first tenth of `wallMsPerPartitionByTenth`. */
  wallMsLastToFirst: number
}

/** What the bench reads of the CLI's `--progress json` lines. */
interface PartitionLine {
  partition: { key: string; status: JobStatus; ms: number; failedChecks?: string[]; message?: string | null }
  progress: { finished: number; toRun: number; rowsProcessed: number; rowsPerSecond: number; elapsedMs: number }
  memory: { rssMb: number; heapUsedMb: number }
}
interface SummaryLine {
  summary: {
    partitions: number; toRun: number; statuses: Record<JobStatus, number>; rowsProcessed: number; rowsPromoted: number
    elapsedMs: number; rowsPerSecond: number; aggregatesRefreshed: string[]; refreshError?: string; aborted: boolean
  }
}

export function backfillYears(env: NodeJS.ProcessEnv = process.env): number {
  const years = Number(env.BENCH_BACKFILL_YEARS ?? 10)
  if (!Number.isInteger(years) || years < 1 || years > 12) throw new Error(`BENCH_BACKFILL_YEARS must be a whole number from 1 to 12 (the KRX calendar covers 2015-2027), got "${env.BENCH_BACKFILL_YEARS}"`)
  return years
}

/** Bundles the CLI from the current sources (`pnpm build`), so the bench measures them. */
export async function buildCli(): Promise<void> {
  await promisify(execFile)(process.execPath, ['scripts/build-cli.mjs'], { cwd: REPO_ROOT })
}

/**
 * The `etl` CLI started in a process of its own on the database `databaseEnv` opens, with this
 * process's environment less its database and `env` added (no .env file), its resident memory
 * sampled from the start: `sampleRss()` reads it now, `peakRss()` is the highest seen.
 */
export function spawnCli(args: readonly string[], databaseEnv: DatabaseEnv, env: Record<string, string>): { child: ChildProcessByStdio<null, Readable, Readable>; sampleRss(): number | undefined; peakRss(): number; stopSampling(): void } {
  const childEnv: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'DATABASE_URL' && key !== 'EMBEDDED_DATA_DIR') childEnv[key] = value
  Object.assign(childEnv, { ENV_FILE: 'none', LOG_LEVEL: 'warn', ...env, ...databaseEnv })
  const child = spawn(process.execPath, ['packages/cli/bin/etl.mjs', ...args], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  const pid = child.pid
  if (pid === undefined) throw new Error(`etl ${args[0]} did not start`)
  let peak = 0
  const sampleRss = () => {
    const now = readProcessRss(pid)
    if (now) peak = Math.max(peak, now.rss, now.peak)
    return now?.rss
  }
  const sampler = setInterval(sampleRss, RSS_SAMPLE_MS)
  return { child, sampleRss, peakRss: () => peak, stopSampling: () => clearInterval(sampler) }
}

/** Runs `etl backfill` on the database `databaseEnv` opens (migrated, and no other process in it) and follows it. */
export async function measureBackfill(backend: BenchBackend, databaseEnv: DatabaseEnv, simulatorUrl: string, years: number, progress: (line: string) => void): Promise<BackfillBenchResult> {
  const from = `${Number(LAST_DAY.slice(0, 4)) - years}${LAST_DAY.slice(4)}`
  const concurrency = backend === 'embedded' ? 1 : 4
  const args = ['backfill', '--dataset', 'ohlcv_daily', '--source', 'krx', '--from', from, '--to', LAST_DAY, '--concurrency', String(concurrency), '--progress', 'json']
  progress(`etl ${args.join(' ')}`)

  const startedAt = performance.now()
  const { child, sampleRss, peakRss, stopSampling } = spawnCli(args, databaseEnv, {
    KRX_BASE_URL: simulatorUrl, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '1000',
  })

  const partitions: PartitionLine[] = []
  const rssByTenth: number[] = []
  let summary: SummaryLine['summary'] | undefined
  let stdout = ''
  const otherLines: string[] = []
  let lastLineAt = performance.now()
  // The summary table and warnings: only the end is kept, to show when the CLI fails.
  child.stdout.on('data', (chunk) => (stdout = (stdout + chunk).slice(-4096)))
  const lines = createInterface({ input: child.stderr })
  lines.on('line', (line) => {
    const record = parseJsonLine(line)
    if (record && 'partition' in record) {
      const p = record.progress
      const rss = sampleRss()
      partitions.push(record)
      if (Math.floor((p.finished * 10) / p.toRun) > rssByTenth.length) rssByTenth.push(rss ?? Number.NaN)
      if (performance.now() - lastLineAt > PROGRESS_EVERY_MS || p.finished === p.toRun) {
        progress(`backfill ${p.finished}/${p.toRun} partitions, ${p.rowsProcessed} rows, ${p.rowsPerSecond} rows/s, elapsed ${formatDuration(p.elapsedMs)}, CLI rss ${Math.round((rss ?? 0) / MB)} MiB`)
        lastLineAt = performance.now()
      }
    } else if (record && 'summary' in record) {
      summary = record.summary
    } else {
      otherLines.push(line)
      if (otherLines.length > 20) otherLines.shift()
      progress(`etl: ${line}`)
    }
  })
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)))
  })
  stopSampling()
  const processElapsedMs = performance.now() - startedAt
  if (!summary) throw new Error(`etl backfill exited ${exitCode} without a summary:\n${otherLines.join('\n')}\n${stdout.slice(-2000)}`)

  const tenths = byTenth(partitions.map((line) => ({ ms: line.partition.ms, elapsedMs: line.progress.elapsedMs })))
  const heapAtTenths = tenthEnds(partitions.length).map((end) => partitions[end]!.memory.heapUsedMb)
  return {
    years, from, to: LAST_DAY, concurrency,
    measuredProcess: backend === 'embedded' ? 'etl backfill, with the embedded database inside' : 'etl backfill (the database server is apart)',
    partitions: summary.partitions,
    statuses: summary.statuses,
    notSuccess: partitions
      .filter((line) => line.partition.status !== 'SUCCESS')
      .slice(0, 20)
      .map(({ partition }) => ({ key: partition.key, status: partition.status, failedChecks: partition.failedChecks ?? [], message: partition.message ?? null })),
    rowsProcessed: summary.rowsProcessed,
    rowsPromoted: summary.rowsPromoted,
    elapsedMs: Math.round(summary.elapsedMs),
    processElapsedMs: Math.round(processElapsedMs),
    exitCode,
    rowsPerSecond: summary.rowsPerSecond,
    aggregatesRefreshed: summary.aggregatesRefreshed,
    peakRssMb: Math.round(peakRss() / MB),
    rssByTenthMb: rssByTenth.map((rss) => Math.round(rss / MB)),
    peakHeapMb: Math.max(0, ...partitions.map((line) => line.memory.heapUsedMb)),
    heapByTenthMb: heapAtTenths,
    partitionMsByTenth: tenths.partitionMs,
    wallMsPerPartitionByTenth: tenths.wallMsPerPartition,
    partitionMsLastToFirst: lastToFirst(tenths.partitionMs),
    wallMsLastToFirst: lastToFirst(tenths.wallMsPerPartition),
  }
}

function parseJsonLine(line: string): PartitionLine | SummaryLine | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const record = JSON.parse(line) as Partial<PartitionLine & SummaryLine>
    return record.partition || record.summary ? (record as PartitionLine | SummaryLine) : undefined
  } catch {
    return undefined
  }
}

/** Index of the last partition of each tenth of `count` partitions in finishing order (fewer than ten: one per partition). */
function tenthEnds(count: number): number[] {
  const ends: number[] = []
  for (let i = 0; i < count; i += 1) if (i === count - 1 || Math.floor(((i + 1) * 10) / count) !== Math.floor((i * 10) / count)) ends.push(i)
  return ends
}

/**
 * Per tenth of the partitions, in finishing order: the mean of their own times, and the
 * wall-clock time the tenth took over its partitions (`elapsedMs` is since the backfill began).
 */
export function byTenth(finished: ReadonlyArray<{ ms: number; elapsedMs: number }>): { partitionMs: number[]; wallMsPerPartition: number[] } {
  const partitionMs: number[] = []
  const wallMsPerPartition: number[] = []
  let start = 0
  let startedAtMs = 0
  for (const end of tenthEnds(finished.length)) {
    const tenth = finished.slice(start, end + 1)
    partitionMs.push(Math.round(tenth.reduce((total, p) => total + p.ms, 0) / tenth.length))
    wallMsPerPartition.push(Math.round((finished[end]!.elapsedMs - startedAtMs) / tenth.length))
    start = end + 1
    startedAtMs = finished[end]!.elapsedMs
  }
  return { partitionMs, wallMsPerPartition }
}

function lastToFirst(values: number[]): number {
  const first = values[0]
  const last = values.at(-1)
  return first && last !== undefined ? Number((last / first).toFixed(2)) : Number.NaN
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
    'CLI peak RSS MiB': r.peakRssMb,
    'CLI RSS by tenth MiB': r.rssByTenthMb.join(' '),
    'heap by tenth MiB': r.heapByTenthMb.join(' '),
    'ms/partition by tenth': r.partitionMsByTenth.join(' '),
    'last/first tenth': r.partitionMsLastToFirst,
    'wall ms/partition by tenth': r.wallMsPerPartitionByTenth.join(' '),
    'wall last/first': r.wallMsLastToFirst,
  }
}

/** Alone: a simulator, then on each of BENCH_BACKENDS a fresh migrated database (the server: BENCH_DATABASE_URL, TEST_DATABASE_URL or the local one). */
async function main(): Promise<void> {
  const years = backfillYears()
  const backends = (process.env.BENCH_BACKENDS ?? BACKENDS.join(',')).split(',') as BenchBackend[]
  const unknown = backends.filter((b) => !BACKENDS.includes(b))
  if (unknown.length > 0) throw new Error(`BENCH_BACKENDS names unknown backends: ${unknown.join(', ')} (known: ${BACKENDS.join(', ')})`)
  await buildCli()
  const simulator = await startSimulator({ port: 0 })
  const rows: Array<Record<string, string | number>> = []
  try {
    const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
    for (const backend of backends) {
      const target = await openBenchDatabase(backend, serverUrl, 'backfill')
      try {
        const outcome = await migrateToLatest(target.database.db)
        if (outcome.error) throw outcome.error
        const result = await measureBackfill(backend, await target.handOver(), simulator.url, years, (line) => console.error(`[${backend}] ${line}`))
        rows.push(describeBackfill(backend, result))
        console.error(`[${backend}] ${JSON.stringify(result)}`)
      } finally {
        await target.dispose()
      }
    }
  } finally {
    await simulator.stop()
  }
  console.log(`\nbackfill of ${years} year(s) of ohlcv_daily, whole synthetic market, by the etl CLI in its own process`)
  console.table(rows)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
