import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { migrateToLatest, openDatabase } from '../src/index.ts'

const folders: string[] = []
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true })
})

test('a persisted embedded database reopens with TimescaleDB working (hypertable inserts, aggregates)', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'kmd-reopen-'))
  folders.push(folder)
  const settings = { databaseUrl: undefined, embeddedDataDir: folder, databasePoolSize: 1 }
  const first = await openDatabase(settings)
  expect((await migrateToLatest(first.db)).error).toBeUndefined()
  await first.close()

  const second = await openDatabase(settings)
  try {
    await second.db
      .insertInto('ohlcv_daily')
      .values({ stock_code: '005930', time: '2024-01-02', open_price: 100, high_price: 110, low_price: 90, close_price: 105, volume: 10, trading_value: 1050, source: 'test' })
      .execute()
    const weekly = await second.db.selectFrom('ohlcv_weekly').select(['bucket', 'close_price']).execute()
    expect(weekly).toEqual([{ bucket: '2024-01-01', close_price: 105 }])
  } finally {
    await second.close()
  }
})
