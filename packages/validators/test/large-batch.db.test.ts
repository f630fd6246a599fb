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
      insert into ohlcv_daily (stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, source)
      select lpad(g::text, 6, '0'), date '2024-03-04', x.c, x.c, x.c, x.c, 100, x.c * 100, 'test'
      from generate_series(1, ${ROWS}) g
      cross join lateral (select case when g % 1000 in (500, 600) then 700 else 1000 end as c) x
      where g % 1000 <> 700`.execute(db())

    // The stock master lists every stock but those ending in 900 (invented codes). The stocks
    // ending in 600 went from 1,000,000 to 1,300,000 listed shares today (a rights issue).
    await sql`
      insert into stocks (stock_code, isin, name, market, listing_date, source)
      select lpad(g::text, 6, '0'), 'KR7' || lpad(g::text, 6, '0') || '000', 'S' || g, 'KOSPI', date '2000-01-04', 'test'
      from generate_series(1, ${ROWS}) g where g % 1000 <> 900`.execute(db())
    await sql`
      insert into market_cap_daily (stock_code, time, close_price, market_cap, shares_outstanding, source)
      select lpad(g::text, 6, '0'), d.day, 1000, d.shares * 1000, d.shares, 'test'
      from generate_series(600, ${ROWS}, 1000) g
      cross join (values (date '2024-03-04', 1000000), (date '2024-03-05', 1300000)) d(day, shares)`.execute(db())

    // Today, all at 1000 with volume 100, range [990, 1010], change from the previous close. Planted per 1000 rows:
    //   …001 high 990 < low 995                      -> rejected (ohlc_consistency)
    //   …500 +42.9% vs 700                            -> rejected (price_limit)
    //   …600 +42.9%, shares changed, change +10      -> valid (corporate action: adjusted base 990)
    //   …700 no previous close                        -> valid (new listing)
    //   …800 trading_value 98,000 (average 980)       -> valid with a warning (trading_value_range)
    //   …900 in no stock master                       -> rejected (unknown_stock)
    // and the last 10 rows repeat the 10 rows before them exactly -> collapsed (duplicate_key).
    const target = newTarget('ohlcv_daily', '2024-03-05')
    await sql`
      insert into staging.ohlcv_daily (batch_id, row_number, stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, change, change_rate)
      select ${target.batchId}::uuid, g, lpad(k::text, 6, '0'), date '2024-03-05',
             1000, case when k % 1000 = 1 then 990 else 1010 end, case when k % 1000 = 1 then 995 else 990 end, 1000, 100,
             case when k % 1000 = 800 then 98000 else 100000 end,
             case k % 1000 when 500 then 300 when 600 then 10 else 0 end, case when k % 1000 = 600 then 1 end
      from generate_series(1, ${ROWS}) g cross join lateral (select case when g > ${ROWS - 10} then g - 10 else g end as k) x`.execute(db())

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: ROWS - 310, rejectedCount: 300, duplicateCount: 10, warnedCount: 100, batchFailed: false })
    const issues = Object.fromEntries(outcome.checks.filter((c) => c.checkName !== 'completeness').map((c) => [c.checkName, [c.passed, c.issueCount]]))
    expect(issues).toEqual({
      schema: [true, 0],
      out_of_range: [true, 0],
      duplicate_key: [false, 10],
      unknown_stock: [false, 100],
      ohlc_consistency: [false, 100],
      tick_grid: [true, 0],
      price_limit: [false, 100],
      change_consistency: [true, 0],
      change_rate_consistency: [true, 0],
      average_price: [true, 0],
      trading_value_range: [false, 100],
      volume_anomaly: [true, 0],
      calendar: [true, 0],
      row_count: [true, 0],
      cross_source_agreement: [true, 0],
    })
    const priceLimit = outcome.checks.find((c) => c.checkName === 'price_limit')!
    expect(priceLimit.message).toContain('excepted: new_listing 100, relisting 0, corporate_action 100')
    expect(outcome.checks.find((c) => c.checkName === 'row_count')!.message).toBe(
      'batch has 99990 keys vs 99900 rows in ohlcv_daily on 2024-03-04 (+0.1%)',
    )
  })
})
