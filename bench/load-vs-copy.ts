import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { from as copyFrom } from 'pg-copy-streams'
import { ceilToTick, floorToTick, tickSize, type CanonicalRecord, type CollectedBatch, type OhlcvDailyValues } from '@kmd/core'
import { aggregateDefinition, aggregateKey, aggregateSelect, detectCapabilities, type MarketDatabase } from '@kmd/db'
import { datasetDefinition } from '@kmd/core'
import { promoteBatch, RunLedger } from '@kmd/promoter'
import { loadBatch } from '@kmd/staging-loader'
import { validateBatch } from '@kmd/validators'

const TRADE_DATE = '2019-06-03'
const STAGED = ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate'] as const
const COLUMNS = [...STAGED, 'source'] as const


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

/** The bar's values as a CSV line's fields, in STAGED order. */
const fields = (v: OhlcvDailyValues) => `${v.stock_code},${v.time},${v.open_price},${v.high_price},${v.low_price},${v.close_price},${v.volume},${v.trading_value},${v.change},${v.change_rate}`

/** CSV lines in chunks of ~64 KiB, for COPY. */
export function* chunked(lines: Iterable<string>): Generator<string> {
  let chunk = ''
  for (const line of lines) {
    chunk += line
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
  const copyMs = await timed(() => copyInto(database, 'bench_copy_target', COLUMNS, chunked(records.map(({ values }) => `${fields(values)},krx\n`))))
  progress(`raw COPY of ${count} rows: ${Math.round(copyMs)} ms`)
  const floor = await measureFloor(database, records, capabilities.timescaledbInstalled)
  progress(`the same rows written raw into staging, production and the aggregates: ${Math.round(floor.floorMs)} ms`)

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
    ...floor,
    floorMs: Math.round(floor.floorMs),
    /** The best load_vs_copy a path that writes staging, production and the aggregates could reach. */
    floorVsCopy: copyMs / floor.floorMs,
    /** Our path against that floor: what validation and bookkeeping cost on top of the writes. */
    loadVsFloor: floor.floorMs / pipelineMs,
  }
}

/**
 * The writes our path cannot avoid, done raw, without validation or bookkeeping: a COPY of the
 * rows into a table like staging (the raw payload left out, as staging keeps it only for flagged
 * rows), one INSERT … SELECT into a table like production, and each aggregate of ohlcv_daily
 * computed from it into a table with the aggregate's key (its own query, `aggregateSelect`).
 */
async function measureFloor(database: MarketDatabase, records: Array<CanonicalRecord<OhlcvDailyValues>>, timescaledb: boolean) {
  const db = database.db
  const values = sql.join(COLUMNS.map((column) => sql.ref(column)))
  const aggregates = datasetDefinition('ohlcv_daily').aggregates.map(({ view }) => aggregateDefinition(timescaledb, view))
  await sql`create table bench_floor_staging (like staging.ohlcv_daily including all)`.execute(db)
  await sql`create table bench_floor_production (like ohlcv_daily including all)`.execute(db)
  if (timescaledb) await sql`select create_hypertable('bench_floor_production', by_range('time', interval '365 days'))`.execute(db)
  for (const aggregate of aggregates) {
    const table = sql.table(`bench_floor_${aggregate.view}`)
    await sql`create table ${table} as ${aggregateSelect(timescaledb, aggregate, sql`bench_floor_production as ${sql.table(aggregate.table)}`)} with no data`.execute(db)
    await sql`create unique index on ${table} (${aggregateKey(aggregate)})`.execute(db)
  }
  const batchId = randomUUID()
  const floorStageMs = await timed(() => copyInto(database, 'bench_floor_staging', ['batch_id', 'row_number', ...STAGED], chunked(records.map(({ values }, index) => `${batchId},${index + 1},${fields(values)}\n`))))
  const floorPromoteMs = await timed(() => sql`insert into bench_floor_production (${values}) select ${sql.join(STAGED.map((column) => sql.ref(column)))}, 'krx' from bench_floor_staging where batch_id = ${batchId}`.execute(db))
  let floorAggregatesMs = 0
  for (const aggregate of aggregates) {
    floorAggregatesMs += await timed(() => sql`insert into ${sql.table(`bench_floor_${aggregate.view}`)} ${aggregateSelect(timescaledb, aggregate, sql`bench_floor_production as ${sql.table(aggregate.table)}`)}`.execute(db))
  }
  for (const table of ['bench_floor_staging', 'bench_floor_production', ...aggregates.map(({ view }) => `bench_floor_${view}`)]) {
    await sql`drop table ${sql.table(table)}`.execute(db)
  }
  return { floorStageMs: Math.round(floorStageMs), floorPromoteMs: Math.round(floorPromoteMs), floorAggregatesMs: Math.round(floorAggregatesMs), floorMs: floorStageMs + floorPromoteMs + floorAggregatesMs }
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

/** COPY of CSV chunks into `table`'s `columns`: from stdin on a server, from a blob on the embedded database. */
export async function copyInto(database: MarketDatabase, table: string, columns: readonly string[], chunks: Iterable<string>): Promise<void> {
  const statement = `copy ${table} (${columns.join(', ')}) from ${database.pool ? 'stdin' : `'/dev/blob'`} with (format csv)`
  if (database.pool) {
    const client = await database.pool.connect()
    try {
      await pipeline(Readable.from(chunks), client.query(copyFrom(statement)))
    } finally {
      client.release()
    }
  } else {
    await database.db.connection().execute(async () => {
      await database.pglite!.query(statement, [], { blob: new Blob([...chunks]) })
    })
  }
}
