/**
 * `tsx bench/profile-load.ts [server|embedded]`: one load of BENCH_ROWS synthetic OHLCV rows
 * (the load_vs_copy shape) with each stage's time and each rule's time, to see where it goes, and
 * the size of staging.ohlcv_daily after the load and after validation.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { migrateToLatest, type MarketDatabase } from '@kmd/db'
import type { CollectedBatch } from '@kmd/core'
import { promoteBatch, RunLedger } from '@kmd/promoter'
import { keepRawOfFlaggedRows, loadBatch } from '@kmd/staging-loader'
import { validateBatch } from '@kmd/validators'
import { openBenchDatabase } from './bench-database.ts'
import { syntheticBars } from './load-vs-copy.ts'

const backend = (process.argv[2] ?? 'server') as 'server' | 'embedded'
const rows = Number(process.env.BENCH_ROWS ?? 1_000_000)
const target = await openBenchDatabase(backend, process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'profile')
try {
  const database = target.database
  const migrated = await migrateToLatest(database.db)
  if (migrated.error) throw migrated.error
  const records = syntheticBars(rows)
  const tradeDate = '2019-06-03'
  const runId = randomUUID()
  const batchId = randomUUID()
  const batch: CollectedBatch<'ohlcv_daily'> = { dataset: 'ohlcv_daily', source: 'krx', tradeDate, records, nonTradingDay: false, requestCount: 0 }
  await new RunLedger(database).start({ runId, dataset: 'ohlcv_daily', source: 'krx', partitionKey: tradeDate, tradeDate, trigger: 'manual' })
  const t0 = performance.now()
  await loadBatch(database, batch, { runId, batchId, partitionKey: tradeDate })
  const t1 = performance.now()
  const stagedBytes = await stagingBytes(database)
  const validation = await validateBatch(database.db, { runId, batchId, dataset: 'ohlcv_daily', source: 'krx', partitionKey: tradeDate, tradeDate })
  const t2 = performance.now()
  // runJob writes the flagged rows' raw inside its validate stage.
  await keepRawOfFlaggedRows(database, batch, batchId)
  const t3 = performance.now()
  const validatedBytes = await stagingBytes(database)
  const t4 = performance.now()
  const promotion = await promoteBatch(database, { runId, batchId, dataset: 'ohlcv_daily', source: 'krx', tradeDate })
  const t5 = performance.now()
  const stages = { stageMs: Math.round(t1 - t0), validateMs: Math.round(t2 - t1), flaggedRawMs: Math.round(t3 - t2), promoteMs: Math.round(t5 - t4 - promotion.refreshMs), refreshMs: promotion.refreshMs }
  console.log(JSON.stringify({ backend, rows, ...stages, stagedBytes, validatedBytes, promoted: promotion.promoted, rules: Object.fromEntries(validation.checks.map((c) => [c.checkName, c.durationMs])) }, null, 1))
} finally {
  await target.dispose()
}

/** staging.ohlcv_daily with its indexes and TOAST, in bytes. */
async function stagingBytes(database: MarketDatabase): Promise<number> {
  const { rows } = await sql<{ bytes: string }>`select pg_total_relation_size('staging.ohlcv_daily')::text as bytes`.execute(database.db)
  return Number(rows[0]!.bytes)
}
