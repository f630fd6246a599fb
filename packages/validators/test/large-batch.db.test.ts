import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch } from '../src/index.ts'
import { newTarget } from './staging.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

const ROWS = 100_000

describe('a large batch', () => {
  test('100,000 staged ohlcv rows validate with the right counts', async () => {
    // Previous session: every stock at 1000, except stocks ending in 500 or 600 at 700 and
    // stocks ending in 700, which are new today.
    await sql`
      insert into ohlcv_daily (stock_code, time, open, high, low, close, volume, trading_value, source)
      select lpad(g::text, 6, '0'), date '2024-03-04', x.c, x.c, x.c, x.c, 100, x.c * 100, 'test'
      from generate_series(1, ${ROWS}) g
      cross join lateral (select case when g % 1000 in (500, 600) then 700 else 1000 end as c) x
      where g % 1000 <> 700`.execute(db())

    // Today, all at 1000 with volume 100, range [990, 1010]. Planted per 1000 rows:
    //   …001 high 990 < low 995        -> rejected (ohlc_consistency)
    //   …500 +42.9% vs 700              -> rejected (price_limit)
    //   …600 +42.9% but change_rate 1%  -> valid (corporate action)
    //   …700 no previous close          -> valid (new listing)
    //   …800 trading_value 500          -> valid with a warning
    // and the last 10 rows repeat the stocks of the 10 rows before them -> rejected (duplicate_key).
    const target = newTarget('ohlcv_daily', '2024-03-05')
    await sql`
      insert into staging.ohlcv_daily (batch_id, row_number, stock_code, time, open, high, low, close, volume, trading_value, change_rate)
      select ${target.batchId}::uuid, g, lpad((case when g > ${ROWS - 10} then g - 10 else g end)::text, 6, '0'), date '2024-03-05',
             1000, case when g % 1000 = 1 then 990 else 1010 end, case when g % 1000 = 1 then 995 else 990 end, 1000, 100,
             case when g % 1000 = 800 then 500 else 100000 end, case when g % 1000 = 600 then 1 end
      from generate_series(1, ${ROWS}) g`.execute(db())

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: ROWS - 210, rejectedCount: 210, warnedCount: 100, batchFailed: false })
    const issues = Object.fromEntries(outcome.checks.map((c) => [c.checkName, [c.passed, c.issueCount]]))
    expect(issues).toEqual({
      schema: [true, 0],
      duplicate_key: [false, 10],
      ohlc_consistency: [false, 100],
      trading_value_range: [false, 100],
      price_limit: [false, 100],
      calendar: [true, 0],
      row_count: [true, 0],
      cross_source_agreement: [true, 0],
    })
    const priceLimit = outcome.checks.find((c) => c.checkName === 'price_limit')!
    expect(priceLimit.message).toContain('100 rows without a previous close')
    expect(priceLimit.message).toContain('100 rows beyond the limit whose change_rate is within ±30%')
    expect(outcome.checks.find((c) => c.checkName === 'row_count')!.message).toBe(
      'batch has 99990 keys vs 99900 rows in ohlcv_daily on 2024-03-04 (+0.1%)',
    )
  })
})
