/**
 * Where a backfill's time goes, partition by partition: a short backfill of ohlcv_daily from the
 * simulator (BENCH_FROM..BENCH_TO, default one month) on the embedded database and on a server
 * (a scratch database beside BENCH_DATABASE_URL, TEST_DATABASE_URL or the local one), then
 * per trading day: collect, stage, validate's wall time, each rule's check
 * (data_quality_checks.duration_ms; a rule judged while staging reports its JavaScript time,
 * spent inside stage), the rest of validation (clearing marks, settling statuses, recording checks), promote and the
 * completeness ledger; the aggregate refresh at the end. Time that grows from the first days to
 * the last grows with history.
 *
 * With BENCH_ROWS set, the database is first brought to the state `pnpm bench` leaves before its
 * backfill: the nightly load, staging + promotion of BENCH_ROWS synthetic bars (load_vs_copy)
 * and the query bench's seeded history.
 *
 *   BENCH_FROM=2026-10-01 BENCH_TO=2026-10-30 BENCH_BACKENDS=embedded,server npx tsx bench/backfill-stages.ts
 */
import { sql } from 'kysely'
import { createLogger, loadConfig } from '@kmd/core'
import { migrateToLatest, type MarketDatabase } from '@kmd/db'
import { createCollectors, runBackfill, type JobResult } from '@kmd/pipeline'
import { startSimulator } from '@kmd/source-simulator'
import { openBenchDatabase } from './bench-database.ts'
import { measureLoadVsCopy } from './load-vs-copy.ts'
import { measureNightly } from './nightly.ts'
import { measureQueries } from './queries.ts'

const BACKENDS = ['embedded', 'server'] as const
type Backend = (typeof BACKENDS)[number]

interface PartitionProfile {
  tradeDate: string
  rows: number
  wallMs: number
  stages: Record<string, number>
  rules: Record<string, number>
}

async function profileBackfill(database: MarketDatabase, simulatorUrl: string, from: string, to: string, concurrency: number) {
  const config = loadConfig({ ...process.env, KRX_BASE_URL: simulatorUrl, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '1000' })
  const logger = createLogger({ level: 'warn' })
  const finished: Array<{ result: JobResult; wallMs: number }> = []
  const started = performance.now()
  let lastEnd = started
  const summary = await runBackfill(
    { database, logger, collectors: createCollectors(config, logger) },
    {
      dataset: 'ohlcv_daily', source: 'krx', from, to, concurrency,
      onRun: (partition) => {
        const now = performance.now()
        // One source pinned: the partition's one run.
        finished.push({ result: partition.final, wallMs: Math.round(now - lastEnd) })
        lastEnd = now
      },
    },
  )
  const totalMs = Math.round(performance.now() - started)
  const { rows: checks } = await sql<{ run_id: string; check_type: string; duration_ms: number }>`
    select run_id::text, check_type, duration_ms from data_quality_checks where table_name = 'ohlcv_daily'`.execute(database.db)
  const rulesByRun = new Map<string, Record<string, number>>()
  for (const check of checks) {
    const rules = rulesByRun.get(check.run_id) ?? {}
    rules[check.check_type] = check.duration_ms
    rulesByRun.set(check.run_id, rules)
  }
  const partitions: PartitionProfile[] = finished
    .filter(({ result }) => result.status === 'SUCCESS' || result.status === 'PARTIAL')
    .map(({ result, wallMs }) => {
      const rules = rulesByRun.get(result.runId) ?? {}
      const ruleMs = Object.values(rules).reduce((a, b) => a + b, 0)
      const { validate = 0, ...stages } = result.timings
      return { tradeDate: result.tradeDate, rows: result.valid + result.rejected, wallMs, stages: { ...stages, 'validate (wall)': validate, 'validate (outside rules)': validate - ruleMs }, rules }
    })
    .sort((a, b) => a.tradeDate.localeCompare(b.tradeDate))
  return { summary, totalMs, afterLastRunMs: Math.round(performance.now() - lastEnd), partitions }
}

/** Mean milliseconds per partition over the first and the last third of the range, per stage and per rule. */
function describe(backend: Backend, profile: Awaited<ReturnType<typeof profileBackfill>>): void {
  const { summary, partitions } = profile
  const third = Math.max(1, Math.floor(partitions.length / 3))
  const early = partitions.slice(0, third)
  const late = partitions.slice(-third)
  const mean = (list: PartitionProfile[], pick: (p: PartitionProfile) => number | undefined) => Math.round(list.reduce((a, p) => a + (pick(p) ?? 0), 0) / list.length)
  const names = (pick: (p: PartitionProfile) => Record<string, number>) => [...new Set(partitions.flatMap((p) => Object.keys(pick(p))))]
  const table: Record<string, { first: number; last: number; total: number }> = {}
  const add = (name: string, pick: (p: PartitionProfile) => number | undefined) => {
    table[name] = { first: mean(early, pick), last: mean(late, pick), total: partitions.reduce((a, p) => a + (pick(p) ?? 0), 0) }
  }
  add('partition (wall)', (p) => p.wallMs)
  for (const stage of names((p) => p.stages)) add(stage, (p) => p.stages[stage])
  for (const rule of names((p) => p.rules)) add(`  rule ${rule}`, (p) => p.rules[rule])
  add('aggregates + tail (once)', () => profile.afterLastRunMs / partitions.length)
  console.log(
    `\n[${backend}] ${summary.from}..${summary.to}: ${partitions.length} partitions, ${summary.rowsProcessed} rows in ${profile.totalMs} ms = ` +
      `${Math.round(summary.rowsProcessed / (profile.totalMs / 1000))} rows/s; ms per partition, mean of the first ${third} and the last ${third}, and total ms`,
  )
  console.table(table)
}

async function main(): Promise<void> {
  const from = process.env.BENCH_FROM ?? '2026-10-01'
  const to = process.env.BENCH_TO ?? '2026-10-30'
  const backends = (process.env.BENCH_BACKENDS ?? BACKENDS.join(',')).split(',') as Backend[]
  const unknown = backends.filter((b) => !(BACKENDS as readonly string[]).includes(b))
  if (unknown.length > 0) throw new Error(`BENCH_BACKENDS names unknown backends: ${unknown.join(', ')} (known: ${BACKENDS.join(', ')})`)
  const benchRows = Number(process.env.BENCH_ROWS ?? 0)
  if (!Number.isInteger(benchRows) || benchRows < 0) throw new Error(`BENCH_ROWS must be a whole number of rows >= 0, got "${process.env.BENCH_ROWS}"`)
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const simulator = await startSimulator({ port: 0 })
  try {
    for (const backend of backends) {
      const target = await openBenchDatabase(backend, serverUrl, 'stages')
      try {
        const outcome = await migrateToLatest(target.database.db)
        if (outcome.error) throw outcome.error
        if (benchRows > 0) {
          const progress = (line: string) => console.error(`[${backend}] ${line}`)
          const nightly = await measureNightly(target.database, simulator.url, progress)
          await measureLoadVsCopy(target.database, benchRows, progress)
          await measureQueries(target.database, nightly.tradeDate, progress)
        }
        // The bench's own concurrency per backend (bench/backfill.ts), unless BENCH_CONCURRENCY says otherwise.
        const concurrency = Number(process.env.BENCH_CONCURRENCY ?? (backend === 'embedded' ? 1 : 4))
        describe(backend, await profileBackfill(target.database, simulator.url, from, to, concurrency))
      } finally {
        await target.dispose()
      }
    }
  } finally {
    await simulator.stop()
  }
}

await main()
