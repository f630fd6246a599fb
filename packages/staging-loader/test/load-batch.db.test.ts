import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { CollectedBatch, OhlcvDailyValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { loadBatch, type LoadMethod } from '../src/index.ts'

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
  test('stages every record with its row number, raw values and parse errors, exactly', async () => {
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
    expect(rows[2]!.open_price).toBeNull()

    const batches = await testDb.current.database.db.selectFrom('staging.batches').selectAll().where('batch_id', '=', target.batchId).execute()
    expect(batches).toEqual([expect.objectContaining({ dataset: 'ohlcv_daily', source: 'krx', row_count: 3, status: 'loaded' })])
  })

  test('loads 100,000 rows in one batch without hitting the bind-parameter limit', async () => {
    const target = { runId: randomUUID(), batchId: randomUUID(), partitionKey: '2024-01-03' }
    await loadBatch(testDb.current.database, ohlcvBatch(100_000), target, { method })
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from staging.ohlcv_daily where batch_id = ${target.batchId}`.execute(testDb.current.database.db)
    expect(rows[0]!.n).toBe(100_000)
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
