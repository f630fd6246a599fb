import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { from as copyFrom } from 'pg-copy-streams'
import { ceilToTick, floorToTick, tickSize, type CanonicalRecord, type CollectedBatch, type OhlcvDailyValues } from '@kmd/core'
import { detectCapabilities, type MarketDatabase } from '@kmd/db'
import { promoteBatch, RunLedger } from '@kmd/promoter'
import { loadBatch } from '@kmd/staging-loader'
import { validateBatch } from '@kmd/validators'

const TRADE_DATE = '2019-06-03'
const COLUMNS = ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate', 'source'] as const


/**
 * Distinct six-character codes (base 36), one bar each, all consistent: prices on the tick grid
 * of TRADE_DATE (KOSPI's, which every market shares below 100,000 won), the change against the
 * same base as its rate, the trading value at the close.
 */
export function syntheticBars(count: number): Array<CanonicalRecord<OhlcvDailyValues>> {
  const onGrid = (price: number, round: typeof floorToTick) => round(price, 'KOSPI', TRADE_DATE)
  return Array.from({ length: count }, (_, i) => {
    const close = onGrid(1000 + (i % 5000) * 10, floorToTick)
    const tick = tickSize(close, 'KOSPI', TRADE_DATE)
    const change = tick
    const values: OhlcvDailyValues = {
      stock_code: i.toString(36).toUpperCase().padStart(6, '0'),
      time: TRADE_DATE,
      open_price: String(onGrid(close - tick, floorToTick)),
      high_price: String(onGrid(close + 2 * tick, ceilToTick)),
      low_price: String(onGrid(close - 2 * tick, floorToTick)),
      close_price: String(close),
      volume: 1000 + (i % 977),
      trading_value: (1000 + (i % 977)) * close,
      change: String(change),
      // Against the same base as the change (change_rate_consistency).
      change_rate: ((change / (close - change)) * 100).toFixed(2),
    }
    return { values, raw: { ISU_SRT_CD: values.stock_code, TDD_CLSPRC: values.close_price }, parseErrors: [] }
  })
}

function* csv(records: Array<CanonicalRecord<OhlcvDailyValues>>): Generator<string> {
  let chunk = ''
  for (const { values: v } of records) {
    chunk += `${v.stock_code},${v.time},${v.open_price},${v.high_price},${v.low_price},${v.close_price},${v.volume},${v.trading_value},${v.change},${v.change_rate},krx\n`
    if (chunk.length > 1 << 16) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/**
 * Our path (staging COPY + validation rules + transactional upsert with the log row) against
 * the floor: a plain COPY of the same rows into a table identical to ohlcv_daily (same
 * columns, constraints, indexes, and hypertable when TimescaleDB is there).
 */
export async function measureLoadVsCopy(database: MarketDatabase, count: number, progress: (line: string) => void) {
  const records = syntheticBars(count)
  const capabilities = await detectCapabilities(database.db)

  await sql`create table bench_copy_target (like ohlcv_daily including all)`.execute(database.db)
  if (capabilities.timescaledbInstalled) {
    await sql`select create_hypertable('bench_copy_target', by_range('time', interval '365 days'))`.execute(database.db)
  }
  const copyStarted = performance.now()
  const statement = `copy bench_copy_target (${COLUMNS.join(', ')}) from ${database.pool ? 'stdin' : `'/dev/blob'`} with (format csv)`
  if (database.pool) {
    const client = await database.pool.connect()
    try {
      await pipeline(Readable.from(csv(records)), client.query(copyFrom(statement)))
    } finally {
      client.release()
    }
  } else {
    await database.db.connection().execute(async () => {
      await database.pglite!.query(statement, [], { blob: new Blob([...csv(records)]) })
    })
  }
  const copyMs = performance.now() - copyStarted
  progress(`raw COPY of ${count} rows: ${Math.round(copyMs)} ms`)

  const runId = randomUUID()
  const batchId = randomUUID()
  const batch: CollectedBatch<'ohlcv_daily'> = { dataset: 'ohlcv_daily', source: 'krx', tradeDate: TRADE_DATE, records, nonTradingDay: false, requestCount: 0 }
  const started = performance.now()
  await new RunLedger(database).start({ runId, dataset: 'ohlcv_daily', source: 'krx', partitionKey: TRADE_DATE, tradeDate: TRADE_DATE, trigger: 'manual' })
  const t0 = performance.now()
  await loadBatch(database, batch, { runId, batchId, partitionKey: TRADE_DATE })
  const t1 = performance.now()
  const validation = await validateBatch(database.db, { runId, batchId, dataset: 'ohlcv_daily', source: 'krx', partitionKey: TRADE_DATE, tradeDate: TRADE_DATE })
  const t2 = performance.now()
  const promotion = await promoteBatch(database, { runId, batchId, dataset: 'ohlcv_daily', source: 'krx', tradeDate: TRADE_DATE })
  const t3 = performance.now()
  const pipelineMs = t3 - started
  if (promotion.promoted !== count) throw new Error(`expected ${count} rows promoted, got ${promotion.promoted} (rejected ${validation.rejectedCount})`)
  progress(`staging + validation + promotion of ${count} rows: ${Math.round(pipelineMs)} ms`)

  await sql`drop table bench_copy_target`.execute(database.db)
  const pipelineRowsPerSecond = count / (pipelineMs / 1000)
  const copyRowsPerSecond = count / (copyMs / 1000)
  return {
    rows: count,
    pipelineRowsPerSecond,
    copyRowsPerSecond,
    loadVsCopy: pipelineRowsPerSecond / copyRowsPerSecond,
    stageMs: Math.round(t1 - t0),
    validateMs: Math.round(t2 - t1),
    promoteMs: Math.round(t3 - t2 - promotion.refreshMs),
    refreshMs: promotion.refreshMs,
    copyMs: Math.round(copyMs),
  }
}
