import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { CollectedBatch, OhlcvDailyValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { keepRawOfFlaggedRows, loadBatch, RAW_SAMPLE_EVERY, type LoadMethod } from '../src/index.ts'

const testDb = useMigratedDatabase()

function ohlcvBatch(count: number): CollectedBatch<'ohlcv_daily'> {
  const records = Array.from({ length: count }, (_, i) => {
    const values: OhlcvDailyValues = {
      stock_code: String(i).padStart(6, '0'),
      time: '2024-01-02',
      open_price: '1000',
      high_price: '1100',
      low_price: '990.5',
      close_price: '1050',
      volume: 10 + i,
      trading_value: 10_000_000_000_000 + i,
      change: '-50',
      change_rate: '-4.55',
    }
    return { values, raw: { ISU_SRT_CD: values.stock_code, note: 'quote " comma , newline \n backslash \\' }, parseErrors: [] as string[] }
  })
  return { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2024-01-02', records, nonTradingDay: false, requestCount: 1 }
}

async function stagedRows(batchId: string) {
  return testDb.current.database.db
    .selectFrom('staging.ohlcv_daily' as any)
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('row_number')
    .execute() as Promise<Array<Record<string, any>>>
}

describe.each<LoadMethod>(['copy', 'unnest'])('loadBatch with %s', (method) => {
  test('stages every record with its row number, values and parse errors, exactly; raw for the sample and rows with parse errors', async () => {
    const batch = ohlcvBatch(3)
    batch.records[1]!.values.close_price = null
    batch.records[1]!.parseErrors = ['close_price: not a number ("12a,3")', 'say "why", then {braces}']
    batch.records[2]!.values.open_price = null
    const target = { runId: randomUUID(), batchId: randomUUID(), partitionKey: '2024-01-02' }
    const result = await loadBatch(testDb.current.database, batch, target, { method })
    expect(result.rowCount).toBe(3)

    const rows = await stagedRows(target.batchId)
    expect(rows.map((r) => r.row_number)).toEqual([1, 2, 3])
    expect(rows[0]).toMatchObject({ stock_code: '000000', open_price: '1000', low_price: '990.5', volume: '10', trading_value: '10000000000000', change: '-50', validation_status: 'pending' })
    expect(rows[0]!.raw).toEqual(batch.records[0]!.raw)
    expect(rows[0]!.parse_errors).toBeNull()
    expect(rows[1]!.close_price).toBeNull()
    expect(rows[1]!.parse_errors).toEqual(['close_price: not a number ("12a,3")', 'say "why", then {braces}'])
    expect(rows[1]!.raw).toEqual(batch.records[1]!.raw)
    expect(rows[2]!.open_price).toBeNull()
    // Neither sampled nor reported by its parse: its values are its typed columns.
    expect(rows[2]!.raw).toBeNull()

    const batches = await testDb.current.database.db.selectFrom('staging.batches').selectAll().where('batch_id', '=', target.batchId).execute()
    expect(batches).toEqual([expect.objectContaining({ dataset: 'ohlcv_daily', source: 'krx', row_count: 3, status: 'loaded' })])
  })

  test('loads 100,000 rows in one batch without hitting the bind-parameter limit (embedded: in several COPYs), each row once', async () => {
    const target = { runId: randomUUID(), batchId: randomUUID(), partitionKey: '2024-01-03' }
    await loadBatch(testDb.current.database, ohlcvBatch(100_000), target, { method })
    const { rows } = await sql<{ n: number; numbers: number; first: number; last: number }>`
      select count(*)::int as n, count(distinct row_number)::int as numbers, min(row_number) as first, max(row_number) as last
      from staging.ohlcv_daily where batch_id = ${target.batchId}`.execute(testDb.current.database.db)
    expect(rows[0]).toEqual({ n: 100_000, numbers: 100_000, first: 1, last: 100_000 })
  })

  test('keeps raw for the first row and every RAW_SAMPLE_EVERY-th after it; after validation, for the rejected and warned rows too', async () => {
    const batch = ohlcvBatch(2 * RAW_SAMPLE_EVERY + 10)
    const target = { runId: randomUUID(), batchId: randomUUID(), partitionKey: '2024-01-05' }
    await loadBatch(testDb.current.database, batch, target, { method })
    const withRaw = async () => (await stagedRows(target.batchId)).filter((row) => row.raw !== null).map((row) => row.row_number as number)
    expect(await withRaw()).toEqual([1, RAW_SAMPLE_EVERY + 1, 2 * RAW_SAMPLE_EVERY + 1])

    // What validation leaves: a rejected row, a valid row with a warning, a duplicate (an identical copy, not evidence).
    await sql`
      update staging.ohlcv_daily set
        validation_status = case row_number when 5 then 'rejected' when 9 then 'duplicate' else 'valid' end,
        reject_reasons = case row_number when 5 then array['ohlc_consistency: high below low'] when 9 then array['duplicate_key: identical copy'] end,
        warnings = case row_number when 7 then array['volume_anomaly: 40x the 20-session median'] end
      where batch_id = ${target.batchId}::uuid`.execute(testDb.current.database.db)
    expect(await keepRawOfFlaggedRows(testDb.current.database, batch, target.batchId)).toBe(2)
    expect(await withRaw()).toEqual([1, 5, 7, RAW_SAMPLE_EVERY + 1, 2 * RAW_SAMPLE_EVERY + 1])
    const rows = await stagedRows(target.batchId)
    expect(rows[4]!.raw).toEqual(batch.records[4]!.raw)
    expect(rows[6]!.raw).toEqual(batch.records[6]!.raw)
    // Rows already holding raw are not written again.
    expect(await keepRawOfFlaggedRows(testDb.current.database, batch, target.batchId)).toBe(0)
  })
})

test('a batch that fails to load leaves neither rows nor a batch row behind', async () => {
  const batch = ohlcvBatch(5)
  ;(batch.records[3]!.values as any).volume = 'not-a-number'
  const target = { runId: randomUUID(), batchId: randomUUID(), partitionKey: '2024-01-04' }
  await expect(loadBatch(testDb.current.database, batch, target)).rejects.toThrow()
  expect(await stagedRows(target.batchId)).toEqual([])
  const batches = await testDb.current.database.db.selectFrom('staging.batches').select('batch_id').where('batch_id', '=', target.batchId).execute()
  expect(batches).toEqual([])
  // the connection is usable afterwards
  await expect(sql`select 1`.execute(testDb.current.database.db)).resolves.toBeDefined()
})
