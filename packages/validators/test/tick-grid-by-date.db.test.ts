import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import type { Market } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch, type CheckResult, type ValidationOutcome } from '../src/index.ts'
import { bar, marks, newTarget, seedOhlcv, stage } from './staging.ts'

// tick_grid judges each day on the KRX tick table in force that day, per market; the real
// recorded answer of 2021-01-04 is the evidence that the older KOSPI and KOSDAQ tables hold.

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

// Recorded payloads live next to the repository: <repo root>/../shared/fixtures.
const KRX_FIXTURES = new URL('../../../../shared/fixtures/krx/', import.meta.url)

const tickGrid = (outcome: ValidationOutcome): CheckResult => outcome.checks.find((c) => c.checkName === 'tick_grid')!

/** The recorded MDCSTAT01501 answer of 2021-01-04: every stock of KOSPI, KOSDAQ and KONEX. */
function recordedDay(): Array<Record<string, string>> {
  const recording = JSON.parse(readFileSync(new URL('mdcstat01501-all-20210104-00.json', KRX_FIXTURES), 'utf8')) as { response: { body: string } }
  return (JSON.parse(recording.response.body) as { OutBlock_1: Array<Record<string, string>> }).OutBlock_1
}

// KRX sends grouped digits, and 0 for open/high/low when the stock did not trade.
const won = (text: string) => Number(text.replace(/,/g, ''))
const price = (text: string) => (won(text) > 0 ? won(text) : null)

async function listAsOnTheDay(rows: Array<Record<string, string>>): Promise<void> {
  await db()
    .insertInto('stocks')
    .values(rows.map((row) => ({ stock_code: row.ISU_SRT_CD!, isin: row.ISU_CD!, name: row.ISU_ABBRV!, market: row.MKT_NM as Market, listing_date: '2000-01-04', source: 'test' })))
    .onConflict((conflict) => conflict.column('stock_code').doNothing())
    .execute()
}

describe('tick_grid on the tables of the trade date', () => {
  test('every real price of 2021-01-04 (2,531 stocks, KOSPI, KOSDAQ, KONEX) is on its market table: no row rejected', async () => {
    const rows = recordedDay()
    await listAsOnTheDay(rows)

    const ohlcv = newTarget('ohlcv_daily', '2021-01-04')
    await stage(db(), ohlcv, rows.map((row) => ({
      stock_code: row.ISU_SRT_CD, open_price: price(row.TDD_OPNPRC!), high_price: price(row.TDD_HGPRC!), low_price: price(row.TDD_LWPRC!),
      close_price: won(row.TDD_CLSPRC!), volume: won(row.ACC_TRDVOL!), trading_value: won(row.ACC_TRDVAL!), change: won(row.CMPPREVDD_PRC!),
    })), { master: false })
    const marketCap = newTarget('market_cap_daily', '2021-01-04')
    await stage(db(), marketCap, rows.map((row) => ({
      stock_code: row.ISU_SRT_CD, close_price: won(row.TDD_CLSPRC!), market_cap: won(row.MKTCAP!), shares_outstanding: won(row.LIST_SHRS!),
    })), { master: false })

    for (const target of [ohlcv, marketCap]) {
      const check = tickGrid(await validateBatch(db(), target))
      expect(check).toMatchObject({
        passed: true,
        checkedCount: 2_531,
        issueCount: 0,
        message: "all 2531 rows priced on the KRX tick grid; 0 rows judged on the grid all markets share (the stock's market on 2021-01-04 is not known)",
      })
      expect((await marks(db(), target)).flatMap((m) => m.reject_reasons ?? []).filter((reason) => reason.startsWith('tick_grid'))).toEqual([])
    }
  })

  test('before 2023-01-25 a price off its own market table is rejected, naming the market', async () => {
    // Listed since 2000 on KOSPI (staging.ts's master) unless said otherwise.
    const target = newTarget('ohlcv_daily', '2022-06-02')
    await stage(db(), target, [bar('200010', 150_500), bar('200020', 150_100), bar('200030', 12_010), bar('200040', 1_001), bar('200050', 999)])

    const outcome = await validateBatch(db(), target)

    expect((await marks(db(), target)).map((m) => [m.key, m.reject_reasons?.filter((reason) => reason.startsWith('tick_grid')) ?? []])).toEqual([
      ['200010', []],
      ['200020', ['open_price', 'high_price', 'low_price', 'close_price'].map((name) => `tick_grid: ${name} 150100 is not a multiple of the tick 500 at that price on KOSPI`)],
      ['200030', ['open_price', 'high_price', 'low_price', 'close_price'].map((name) => `tick_grid: ${name} 12010 is not a multiple of the tick 50 at that price on KOSPI`)],
      ['200040', ['open_price', 'high_price', 'low_price', 'close_price'].map((name) => `tick_grid: ${name} 1001 is not a multiple of the tick 5 at that price on KOSPI`)],
      ['200050', []],
    ])
    expect(tickGrid(outcome)).toMatchObject({ passed: false, issueCount: 3 })
  })

  test('a stock the master lists on its market only after the trade date is judged on the grid all markets share', async () => {
    // Moved from KOSDAQ to KOSPI in 2024: in 2022 it traded on KOSDAQ, in steps of 100 above 50,000.
    await db().insertInto('stocks').values({ stock_code: '210010', isin: 'KR7210010000', name: '이전상장', market: 'KOSPI', listing_date: '2024-01-29', source: 'test' }).execute()
    const target = newTarget('ohlcv_daily', '2022-06-03')
    await stage(db(), target, [bar('210010', 150_100), bar('210020', 150_100, { close_price: 150_100.5 })], { unlisted: ['210020'] })

    const outcome = await validateBatch(db(), target)

    const reasons = await marks(db(), target)
    expect(reasons[0]!.reject_reasons?.filter((reason) => reason.startsWith('tick_grid')) ?? []).toEqual([])
    expect(reasons[1]!.reject_reasons).toContain('tick_grid: close_price 150100.5 is not a multiple of the tick 100 at that price on any market')
    expect(tickGrid(outcome).message).toBe("1 row of 2 have a price off the KRX tick grid; 2 rows judged on the grid all markets share (the stock's market on 2022-06-03 is not known)")
  })

  test('a halted stock’s close carried across the change of the table (2023-01-25) is not judged; a traded price off the new grid still is', async () => {
    // 250,100 was on KOSDAQ's grid (100 above 50,000) on 2023-01-24; the unified table has 500 there.
    await seedOhlcv(db(), '2023-01-24', { '230010': 250_100, '230020': 250_100 })
    const halted = { open_price: null, high_price: null, low_price: null, volume: 0, trading_value: 0 }
    const target = newTarget('ohlcv_daily', '2023-01-25')
    await stage(db(), target, [bar('230010', 250_100, halted), bar('230020', 250_100), bar('230030', 250_100, halted), bar('230040', 250_500)])

    const outcome = await validateBatch(db(), target)

    const offGrid = (name: string) => `tick_grid: ${name} 250100 is not a multiple of the tick 500 at that price`
    expect((await marks(db(), target)).map((m) => [m.key, m.reject_reasons?.filter((reason) => reason.startsWith('tick_grid')) ?? []])).toEqual([
      ['230010', []],
      // Traded at a price the new table does not have, though it equals yesterday's close.
      ['230020', ['open_price', 'high_price', 'low_price', 'close_price'].map(offGrid)],
      // No close in production on the previous session: nothing says the price was carried.
      ['230030', [offGrid('close_price')]],
      ['230040', []],
    ])
    expect(tickGrid(outcome)).toMatchObject({ passed: false, issueCount: 2 })
  })

  test('days before 2011-01-03, whose table is not known, are not judged', async () => {
    const target = newTarget('ohlcv_daily', '2010-12-30')
    await stage(db(), target, [bar('220010', 150_100.5)])

    const check = tickGrid(await validateBatch(db(), target))

    expect(check).toMatchObject({ passed: true, checkedCount: 0, message: 'not checked: 2010-12-30 is before 2011-01-03, the first day whose KRX tick table is known' })
  })
})
