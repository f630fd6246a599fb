import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { addDays, seoulDate, type CollectedBatch } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { clearQuarantine, listQuarantine, loadBatch, purgePromotedBatches, readStagingSizes } from '../src/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

type Verdict = 'valid' | 'rejected' | 'duplicate'

interface StagedBatch {
  dataset?: 'ohlcv_daily' | 'market_cap_daily'
  /** The verdict of each row, in row order. */
  verdicts: Verdict[]
  status: 'validated' | 'promoted' | 'failed'
  stagedDaysAgo: number
  /** The batch's run is still RUNNING. */
  running?: boolean
  /** The day its run's log row says it describes (collection_date); none by default. */
  describes?: string
}

/** Stages a real batch, then gives it the verdicts, status and age the pipeline would have. */
async function stage(spec: StagedBatch): Promise<string> {
  const dataset = spec.dataset ?? 'ohlcv_daily'
  const runId = randomUUID()
  const batchId = randomUUID()
  const records = spec.verdicts.map((_, i) => ({
    values: dataset === 'ohlcv_daily'
      ? { stock_code: String(i).padStart(6, '0'), time: '2024-01-02', open_price: '100', high_price: '110', low_price: '90', close_price: '105', volume: 1, trading_value: 105, change: '5', change_rate: '5' }
      : { stock_code: String(i).padStart(6, '0'), time: '2024-01-02', close_price: '105', market_cap: 1_000, shares_outstanding: 10 },
    raw: { row: i },
    parseErrors: [] as string[],
  }))
  const batch = { dataset, source: 'krx', tradeDate: '2024-01-02', records, nonTradingDay: false, requestCount: 1 } as CollectedBatch
  await loadBatch(testDb.current.database, batch, { runId, batchId, partitionKey: '2024-01-02' })
  for (const [index, verdict] of spec.verdicts.entries()) {
    await sql`update ${sql.table(`staging.${dataset}`)} set validation_status = ${verdict}, reject_reasons = ${verdict === 'rejected' ? ['ohlc_consistency: test'] : null}
              where batch_id = ${batchId}::uuid and row_number = ${index + 1}`.execute(db())
  }
  await sql`update staging.batches set status = ${spec.status}, created_at = now() - make_interval(days => ${spec.stagedDaysAgo}) where batch_id = ${batchId}::uuid`.execute(db())
  await db()
    .insertInto('data_collection_logs')
    .values({ run_id: runId, batch_id: batchId, data_type: dataset, source: 'krx', partition_key: '2024-01-02', collection_date: spec.describes ?? null, status: spec.running ? 'RUNNING' : spec.status === 'promoted' ? 'PARTIAL' : 'FAILED', completed_at: spec.running ? null : sql<Date>`now()` })
    .execute()
  return batchId
}

async function verdictsLeft(batchId: string, dataset = 'ohlcv_daily'): Promise<string[]> {
  const { rows } = await sql<{ validation_status: string }>`
    select validation_status from ${sql.table(`staging.${dataset}`)} where batch_id = ${batchId}::uuid order by row_number`.execute(db())
  return rows.map((row) => row.validation_status)
}

async function batchRow(batchId: string) {
  return db().selectFrom('staging.batches').selectAll().where('batch_id', '=', batchId).executeTakeFirstOrThrow()
}

async function clearEverything(): Promise<void> {
  await sql`truncate staging.batches, staging.ohlcv_daily, staging.market_cap_daily, data_collection_logs`.execute(db())
}

describe('purgePromotedBatches', () => {
  test('an old promoted batch loses the rows production holds, keeps its rejected rows, and stays listed with its counts', async () => {
    await clearEverything()
    const old = await stage({ verdicts: ['valid', 'rejected', 'duplicate', 'valid'], status: 'promoted', stagedDaysAgo: 40 })
    const report = await purgePromotedBatches(testDb.current.database, { retentionDays: 30 })
    expect(report).toEqual({ batches: [{ batchId: old, dataset: 'ohlcv_daily', partitionKey: '2024-01-02', rows: 3 }], rows: 3 })
    expect(await verdictsLeft(old)).toEqual(['rejected'])
    const batch = await batchRow(old)
    expect(batch).toMatchObject({ status: 'promoted', row_count: 4 })
    expect(batch.purged_at).toBeInstanceOf(Date)
    expect(await purgePromotedBatches(testDb.current.database, { retentionDays: 30 })).toEqual({ batches: [], rows: 0 })
  })

  test('a fresh promoted batch, unpromoted and failed batches, and a batch of a RUNNING run stay whole', async () => {
    await clearEverything()
    const fresh = await stage({ verdicts: ['valid', 'rejected'], status: 'promoted', stagedDaysAgo: 29 })
    const unpromoted = await stage({ verdicts: ['valid', 'valid'], status: 'validated', stagedDaysAgo: 400 })
    const failed = await stage({ verdicts: ['valid', 'rejected'], status: 'failed', stagedDaysAgo: 400 })
    const running = await stage({ verdicts: ['valid'], status: 'promoted', stagedDaysAgo: 400, running: true })
    expect(await purgePromotedBatches(testDb.current.database, { retentionDays: 30 })).toEqual({ batches: [], rows: 0 })
    expect(await verdictsLeft(fresh)).toEqual(['valid', 'rejected'])
    expect(await verdictsLeft(unpromoted)).toEqual(['valid', 'valid'])
    expect(await verdictsLeft(failed)).toEqual(['valid', 'rejected'])
    expect(await verdictsLeft(running)).toEqual(['valid'])
    for (const batchId of [fresh, unpromoted, failed, running]) expect((await batchRow(batchId)).purged_at).toBeNull()
  })

  test('a batch staged today that describes a day older than the window (a backfill of history) is purged; one of a recent day stays', async () => {
    await clearEverything()
    const history = await stage({ verdicts: ['valid', 'rejected'], status: 'promoted', stagedDaysAgo: 0, describes: '2024-01-02' })
    const recent = await stage({ verdicts: ['valid'], status: 'promoted', stagedDaysAgo: 0, describes: addDays(seoulDate(), -29) })
    const report = await purgePromotedBatches(testDb.current.database, { retentionDays: 30 })
    expect(report).toEqual({ batches: [{ batchId: history, dataset: 'ohlcv_daily', partitionKey: '2024-01-02', rows: 1 }], rows: 1 })
    expect(await verdictsLeft(history)).toEqual(['rejected'])
    expect(await verdictsLeft(recent)).toEqual(['valid'])
  })

  test('0 days purges a batch as soon as it is promoted; a call purges at most maxBatches, the oldest first', async () => {
    await clearEverything()
    const older = await stage({ verdicts: ['valid'], status: 'promoted', stagedDaysAgo: 2 })
    const newer = await stage({ verdicts: ['valid', 'valid'], status: 'promoted', stagedDaysAgo: 0 })
    const first = await purgePromotedBatches(testDb.current.database, { retentionDays: 0, maxBatches: 1 })
    expect(first.batches.map((batch) => batch.batchId)).toEqual([older])
    expect(await verdictsLeft(newer)).toEqual(['valid', 'valid'])
    const second = await purgePromotedBatches(testDb.current.database, { retentionDays: 0, maxBatches: 1 })
    expect(second).toMatchObject({ batches: [{ batchId: newer, rows: 2 }], rows: 2 })
  })

  test('refuses a retention that is not a whole number of days', async () => {
    await expect(purgePromotedBatches(testDb.current.database, { retentionDays: -1 })).rejects.toThrow(/whole number of days/)
  })
})

describe('the quarantine', () => {
  test('lists rejected rows of promoted batches and every row of a batch that never reached production, not a RUNNING run', async () => {
    await clearEverything()
    const promoted = await stage({ verdicts: ['valid', 'rejected', 'rejected'], status: 'promoted', stagedDaysAgo: 10 })
    const failed = await stage({ verdicts: ['valid', 'rejected'], status: 'failed', stagedDaysAgo: 5 })
    await stage({ verdicts: ['valid', 'valid'], status: 'promoted', stagedDaysAgo: 3 })
    await stage({ verdicts: ['rejected'], status: 'validated', stagedDaysAgo: 1, running: true })
    const listed = await listQuarantine(testDb.current.database)
    expect(listed.map(({ batchId, status, rows }) => ({ batchId, status, rows }))).toEqual([
      { batchId: promoted, status: 'promoted', rows: 2 },
      { batchId: failed, status: 'failed', rows: 2 },
    ])
  })

  test('clear removes only the quarantined rows of the batches it names, and says what it deleted', async () => {
    await clearEverything()
    const oldOhlcv = await stage({ verdicts: ['valid', 'rejected', 'rejected'], status: 'promoted', stagedDaysAgo: 10 })
    const oldFailed = await stage({ verdicts: ['valid', 'rejected'], status: 'failed', stagedDaysAgo: 9 })
    const recentOhlcv = await stage({ verdicts: ['rejected'], status: 'promoted', stagedDaysAgo: 0 })
    const oldCap = await stage({ dataset: 'market_cap_daily', verdicts: ['valid', 'rejected'], status: 'promoted', stagedDaysAgo: 10 })
    const yesterday = new Date(Date.now() - 86_400_000 + 9 * 3_600_000).toISOString().slice(0, 10)

    await expect(clearQuarantine(testDb.current.database, { dataset: 'ohlcv_daily' })).rejects.toThrow(/needs a date/)
    const cleared = await clearQuarantine(testDb.current.database, { dataset: 'ohlcv_daily', stagedBefore: yesterday })
    expect(cleared.map(({ batchId, rows }) => ({ batchId, rows }))).toEqual([
      { batchId: oldOhlcv, rows: 2 },
      { batchId: oldFailed, rows: 2 },
    ])
    expect(await verdictsLeft(oldOhlcv)).toEqual(['valid'])
    expect(await verdictsLeft(oldFailed)).toEqual([])
    expect(await verdictsLeft(recentOhlcv)).toEqual(['rejected'])
    expect(await verdictsLeft(oldCap, 'market_cap_daily')).toEqual(['valid', 'rejected'])
    expect((await batchRow(oldOhlcv)).quarantine_cleared_at).toBeInstanceOf(Date)
    expect((await batchRow(recentOhlcv)).quarantine_cleared_at).toBeNull()

    const byBatch = await clearQuarantine(testDb.current.database, { batchId: oldCap })
    expect(byBatch).toMatchObject([{ batchId: oldCap, dataset: 'market_cap_daily', rows: 1 }])
    expect(await clearQuarantine(testDb.current.database, { batchId: oldCap })).toEqual([])
  })
})

describe('readStagingSizes', () => {
  test('counts staged and quarantined rows per dataset, beside the production table measured from the catalog', async () => {
    await clearEverything()
    await stage({ verdicts: ['valid', 'valid', 'rejected'], status: 'promoted', stagedDaysAgo: 1 })
    await stage({ verdicts: ['valid', 'rejected'], status: 'failed', stagedDaysAgo: 1 })
    await stage({ dataset: 'market_cap_daily', verdicts: ['valid'], status: 'promoted', stagedDaysAgo: 1 })
    const sizes = await readStagingSizes(testDb.current.database)
    expect(sizes.map((size) => size.dataset)).toContain('stocks')
    const ohlcv = sizes.find((size) => size.dataset === 'ohlcv_daily')!
    expect(ohlcv.staging).toMatchObject({ rows: 5, quarantinedRows: 3, unpurgedBatches: 1 })
    expect(ohlcv.staging.bytes).toBeGreaterThan(0)
    expect(ohlcv.production.table).toBe('ohlcv_daily')
    expect(ohlcv.production.bytes).toBeGreaterThanOrEqual(0)
    expect(sizes.find((size) => size.dataset === 'market_cap_daily')!.staging).toMatchObject({ rows: 1, quarantinedRows: 0, unpurgedBatches: 1 })

    await purgePromotedBatches(testDb.current.database, { retentionDays: 0 })
    const after = (await readStagingSizes(testDb.current.database)).find((size) => size.dataset === 'ohlcv_daily')!
    expect(after.staging).toMatchObject({ rows: 3, quarantinedRows: 3, unpurgedBatches: 0 })
  })
})
