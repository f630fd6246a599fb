import { describe, expect, test } from 'vitest'
import type { CollectedBatch, OhlcvDailyValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { loadBatch } from '@kmd/staging-loader'
import { validateBatch } from '../src/index.ts'
import { bar, listStocks, marks, newTarget, stage } from './staging.ts'

// A corrupt count and an identical copy: neither may cost a good row, and a copy is no loss.

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

const record = (values: Partial<OhlcvDailyValues> & { stock_code: string }): CollectedBatch<'ohlcv_daily'>['records'][number] => ({
  values: { time: '2024-05-02', open_price: '1000', high_price: '1000', low_price: '1000', close_price: '1000', volume: 100, trading_value: 100_000, change: '0', change_rate: '0', ...values },
  raw: { ISU_SRT_CD: values.stock_code },
  parseErrors: [],
})

describe('staging never loses a batch to one cell, and an identical copy is not a rejection', () => {
  for (const method of ['copy', 'unnest'] as const) {
    test(`a volume beyond 64 bits lands in staging (${method}) and rejects its row alone`, async () => {
      const target = newTarget('ohlcv_daily', '2024-05-02')
      await listStocks(db(), ['005930', '000660'])
      const batch: CollectedBatch<'ohlcv_daily'> = {
        dataset: 'ohlcv_daily',
        source: 'krx',
        tradeDate: target.tradeDate,
        nonTradingDay: false,
        requestCount: 1,
        records: [record({ stock_code: '005930' }), record({ stock_code: '000660', volume: 1e20, trading_value: 1e23 })],
      }
      const staged = await loadBatch(testDb.current.database, batch, { runId: target.runId, batchId: target.batchId, partitionKey: target.partitionKey }, { method })
      expect(staged.rowCount).toBe(2)

      const outcome = await validateBatch(db(), target)
      expect(outcome).toMatchObject({ validCount: 1, rejectedCount: 1 })
      const [good, corrupt] = await marks(db(), target)
      expect(good).toMatchObject({ key: '005930', validation_status: 'valid' })
      expect(corrupt!.validation_status).toBe('rejected')
      expect(corrupt!.reject_reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^out_of_range: volume 100000000000000000000 exceeds bigint/)]))
    })
  }

  test('a change_rate that disagrees with the change on its base rejects its row alone', async () => {
    const target = newTarget('ohlcv_daily', '2024-05-06')
    // base 1000 - 12 = 988: +12 is 1.21%
    await stage(db(), target, [bar('005930', 1000, { change: 12, change_rate: 1.21 }), bar('000660', 1000, { change: 12, change_rate: 0 })])
    await validateBatch(db(), target)
    const [good, corrupt] = await marks(db(), target)
    expect(good!.reject_reasons ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^change_rate_consistency/)]))
    expect(corrupt!.reject_reasons).toEqual(expect.arrayContaining(['change_rate_consistency: change_rate 0% but change 12 on a base of 988 is 1.21%']))
  })

  test('an identical copy of a kept row settles as duplicate, not rejected; conflicting copies stay rejected', async () => {
    const target = newTarget('ohlcv_daily', '2024-05-03')
    await stage(db(), target, [bar('005930', 1000), bar('005930', 1000), bar('000660', 500), bar('000660', 505)])

    const outcome = await validateBatch(db(), target)
    expect(outcome).toMatchObject({ validCount: 1, duplicateCount: 1, rejectedCount: 2 })
    expect((await marks(db(), target)).map((m) => [m.key, m.validation_status])).toEqual([
      ['005930', 'valid'],
      ['005930', 'duplicate'],
      ['000660', 'rejected'],
      ['000660', 'rejected'],
    ])
  })
})
