import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { rulesFor, validateBatch } from '../src/index.ts'
import { bar, checkRows, marks, newTarget, seedOhlcv, stage } from './staging.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

const codes = (count: number, from = 200000) => Array.from({ length: count }, (_, i) => String(from + i).padStart(6, '0'))

describe('validateBatch', () => {
  test('rows on a non-trading day fail the batch', async () => {
    await db()
      .insertInto('market_calendar')
      .values({ trade_date: '2024-05-06', is_trading_day: false, holiday_name: '어린이날 대체공휴일', source: 'test' })
      .execute()
    const target = newTarget('ohlcv_daily', '2024-05-06')
    await stage(db(), target, [bar('005930', 100), bar('000660', 200)])

    const outcome = await validateBatch(db(), target)

    expect(outcome.batchFailed).toBe(true)
    expect(outcome.failureReason).toBe('calendar: 2 rows with values on a non-trading day: 2024-05-06 is not a trading day (market_calendar: 어린이날 대체공휴일)')
    expect(outcome.checks.find((c) => c.checkName === 'calendar')).toMatchObject({
      severity: 'fail',
      passed: false,
      threshold: 0,
      issueCount: 2,
      sample: [
        { key: '005930@2024-05-06', reason: 'calendar: 2024-05-06 is not a trading day (market_calendar: 어린이날 대체공휴일)' },
        { key: '000660@2024-05-06', reason: 'calendar: 2024-05-06 is not a trading day (market_calendar: 어린이날 대체공휴일)' },
      ],
    })
    // A fail rule judges the batch, not the rows: the rows keep their own verdicts.
    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 0 })
  })

  test('without a market_calendar entry the injected calendar decides, and weekends are closed by default', async () => {
    const saturday = newTarget('ohlcv_daily', '2024-06-01')
    await stage(db(), saturday, [bar('005930', 100)])
    expect((await validateBatch(db(), saturday)).batchFailed).toBe(true)

    const holiday = newTarget('ohlcv_daily', '2024-06-06')
    await stage(db(), holiday, [bar('005930', 100)])
    const closedOnHoliday = await validateBatch(db(), holiday, { isTradingDay: (date) => date !== '2024-06-06' })
    expect(closedOnHoliday.failureReason).toContain('2024-06-06 is not a trading day (calendar)')
    expect((await validateBatch(db(), holiday)).batchFailed).toBe(false)
  })

  test('a market_calendar entry overrides the injected calendar', async () => {
    await db()
      .insertInto('market_calendar')
      .values({ trade_date: '2024-06-07', is_trading_day: true, open_time: '09:00', close_time: '15:30', source: 'test' })
      .execute()
    const target = newTarget('ohlcv_daily', '2024-06-07')
    await stage(db(), target, [bar('005930', 100)])

    const outcome = await validateBatch(db(), target, { isTradingDay: () => false })

    expect(outcome.batchFailed).toBe(false)
  })

  test('writes one data_quality_checks row per rule with issue counts and a sample of keys', async () => {
    const target = newTarget('ohlcv_daily', '2024-07-02')
    const bad = codes(12, 300000).map((code) => bar(code, 100, { high_price: 90, low_price: 95, open_price: 92, close_price: 92 }))
    await stage(db(), target, [bar('005930', 100), ...bad])

    const outcome = await validateBatch(db(), target)

    const rows = await checkRows(db(), target.runId)
    expect(rows.map((r) => r.check_type)).toEqual(rulesFor('ohlcv_daily').map((rule) => rule.name))
    expect(rows.map((r) => r.check_type)).toEqual(outcome.checks.map((c) => c.checkName))
    const ohlc = rows.find((r) => r.check_type === 'ohlc_consistency')!
    expect(ohlc).toMatchObject({
      run_id: target.runId,
      batch_id: target.batchId,
      table_name: 'ohlcv_daily',
      source: 'krx',
      partition_key: '2024-07-02',
      severity: 'reject',
      passed: false,
      threshold: null,
      checked_count: 13,
      issue_count: 12,
    })
    const checkDate: unknown = ohlc.check_date
    expect(checkDate instanceof Date ? checkDate.toISOString().slice(0, 10) : checkDate).toBe('2024-07-02')
    expect(ohlc.message).toBe('12 bars of 13 contradict themselves')
    expect(ohlc.duration_ms).toBeGreaterThanOrEqual(0)
    const sample = ohlc.details as Array<{ key: string; reason: string }>
    expect(sample).toHaveLength(10)
    expect(sample[0]).toEqual({ key: '300000@2024-07-02', reason: 'ohlc_consistency: high 90 < low 95' })
    const priceLimit = rows.find((r) => r.check_type === 'price_limit')!
    expect(priceLimit).toMatchObject({ passed: true, threshold: '0.3', issue_count: 0, details: [] })
  })

  test('a row-count drop beyond 3% warns', async () => {
    const previous = codes(100, 400000)
    await seedOhlcv(db(), '2024-08-01', Object.fromEntries(previous.map((code) => [code, 1000])))
    const target = newTarget('ohlcv_daily', '2024-08-02')
    await stage(db(), target, previous.slice(0, 96).map((code) => bar(code, 1000)))

    const outcome = await validateBatch(db(), target)

    const rowCount = outcome.checks.find((c) => c.checkName === 'row_count')!
    expect(rowCount).toMatchObject({ severity: 'warn', passed: false, threshold: 0.03, checkedCount: 96, issueCount: 4 })
    expect(rowCount.message).toBe('batch has 96 keys vs 100 rows in ohlcv_daily on 2024-08-01 (-4.0%), beyond ±3%')
    expect(rowCount.sample.map((s) => s.key)).toEqual(['400096@2024-08-01', '400097@2024-08-01', '400098@2024-08-01', '400099@2024-08-01'])
    expect(rowCount.sample[0]!.reason).toBe('row_count: in ohlcv_daily on 2024-08-01, missing from the batch')
    // A batch-level warning: no row is marked and the batch does not fail.
    expect(outcome).toMatchObject({ validCount: 96, warnedCount: 0, batchFailed: false })
  })

  test('a row-count change within 3% passes', async () => {
    const previous = codes(100, 500000)
    await seedOhlcv(db(), '2024-09-02', Object.fromEntries(previous.map((code) => [code, 1000])))
    const target = newTarget('ohlcv_daily', '2024-09-03')
    await stage(db(), target, previous.slice(0, 97).map((code) => bar(code, 1000)))

    const outcome = await validateBatch(db(), target)

    expect(outcome.checks.find((c) => c.checkName === 'row_count')).toMatchObject({
      passed: true,
      issueCount: 0,
      message: 'batch has 97 keys vs 100 rows in ohlcv_daily on 2024-09-02 (-3.0%)',
    })
  })

  test('the row count passes when production has no earlier day, and says so', async () => {
    const target = newTarget('market_cap_daily', '2024-01-02')
    await stage(db(), target, [{ stock_code: '005930', close_price: 100, shares_outstanding: 10, market_cap: 1000 }])

    const outcome = await validateBatch(db(), target)

    expect(outcome.checks.find((c) => c.checkName === 'row_count')).toMatchObject({
      passed: true,
      message: 'batch has 1 key; market_cap_daily has no date before 2024-01-02 to compare with',
    })
  })

  test('validating a batch again replaces its marks and its check rows', async () => {
    const target = newTarget('ohlcv_daily', '2024-10-01')
    await stage(db(), target, [bar('005930', 100), bar('000660', 92, { high_price: 90, low_price: 95 })])
    await sql`update staging.ohlcv_daily set warnings = array['left over'] where batch_id = ${target.batchId}::uuid`.execute(db())

    await validateBatch(db(), target)
    const again = await validateBatch(db(), target)

    expect(again).toMatchObject({ validCount: 1, rejectedCount: 1 })
    const rows = await marks(db(), target)
    expect(rows[1]!.reject_reasons).toEqual(['ohlc_consistency: high 90 < low 95'])
    expect(rows.map((r) => r.warnings)).toEqual([null, null])
    expect(await checkRows(db(), target.runId)).toHaveLength(rulesFor('ohlcv_daily').length)
  })

  test('an error during validation leaves the batch pending and writes no check rows', async () => {
    const target = newTarget('ohlcv_daily', '2024-10-02')
    await stage(db(), target, [bar('005930', 100), bar('000660', 92, { high_price: 90, low_price: 95 })])

    await expect(
      validateBatch(db(), target, {
        isTradingDay: () => {
          throw new Error('calendar unavailable')
        },
      }),
    ).rejects.toThrow('calendar unavailable')

    const rows = await marks(db(), target)
    expect(rows.map((r) => [r.validation_status, r.reject_reasons])).toEqual([['pending', null], ['pending', null]])
    expect(await checkRows(db(), target.runId)).toEqual([])
    // The connection is usable afterwards.
    await expect(sql`select 1`.execute(db())).resolves.toBeDefined()
  })

  test('every rule has a name, a severity, a threshold or null, and a one-line description', () => {
    for (const dataset of ['ohlcv_daily', 'market_cap_daily', 'investor_trading'] as const) {
      const rules = rulesFor(dataset)
      expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length)
      for (const rule of rules) {
        expect(rule.name).toMatch(/^[a-z_]+$/)
        expect(['reject', 'warn', 'fail', 'partial']).toContain(rule.severity)
        expect(rule.threshold === null || typeof rule.threshold === 'number').toBe(true)
        expect(rule.description).not.toContain('\n')
      }
    }
    // completeness (its own test file) is left out: this list is the row rules' order.
    expect(rulesFor('ohlcv_daily').filter((r) => r.name !== 'completeness').map((r) => [r.name, r.severity, r.threshold])).toEqual([
      ['schema', 'reject', null],
      ['out_of_range', 'reject', null],
      ['duplicate_key', 'reject', null],
      ['unknown_stock', 'reject', null],
      ['ohlc_consistency', 'reject', null],
      ['tick_grid', 'reject', null],
      ['price_limit', 'reject', 0.3],
      ['change_consistency', 'reject', 0],
      ['change_rate_consistency', 'reject', 0.01],
      ['average_price', 'reject', 0.3],
      ['trading_value_range', 'warn', 0.01],
      ['volume_anomaly', 'warn', 50],
      ['calendar', 'fail', 0],
      ['row_count', 'warn', 0.03],
      ['cross_source_agreement', 'warn', 0],
    ])
  })
})
