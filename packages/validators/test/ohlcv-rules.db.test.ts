import { describe, expect, test } from 'vitest'
import { isTradingDay } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch } from '../src/index.ts'
import { bar, marks, newTarget, seedMarketCap, seedOhlcv, stage, statusByRow } from './staging.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

const check = (outcome: Awaited<ReturnType<typeof validateBatch>>, name: string) => {
  const found = outcome.checks.find((c) => c.checkName === name)
  if (!found) throw new Error(`no check ${name}`)
  return found
}

describe('ohlcv_daily rules', () => {
  test('rejects a bar whose high is below its low and keeps the rest valid', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-02')
    await stage(db(), target, [bar('005930', 100), bar('000660', 92, { open_price: 92, high_price: 90, low_price: 95 }), bar('035720', 300)])

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 1, batchFailed: false })
    const rows = await marks(db(), target)
    expect(rows.map((r) => r.validation_status)).toEqual(['valid', 'rejected', 'valid'])
    expect(rows[1]!.reject_reasons).toContain('ohlc_consistency: high 90 < low 95')
    expect(check(outcome, 'ohlc_consistency')).toMatchObject({
      passed: false,
      issueCount: 1,
      checkedCount: 3,
      sample: [{ key: '000660@2024-01-02', reason: expect.stringContaining('high 90 < low 95') }],
    })
  })

  test('a price with a fraction of a won is rejected: production holds whole won, and promotion would round it', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-05')
    await stage(db(), target, [bar('005930', 71000), bar('000660', 71000, { close_price: 71000.5, high_price: 71000.5 })])

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 1, rejectedCount: 1 })
    expect((await marks(db(), target))[1]!.reject_reasons).toEqual(expect.arrayContaining([
      'out_of_range: high_price 71000.5 is not a whole number for bigint',
      'out_of_range: close_price 71000.5 is not a whole number for bigint',
    ]))
  })

  test('a halted stock with null open/high/low and zero volume is valid', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-03')
    await stage(db(), target, [bar('005930', 100), bar('900100', 5000, { open_price: null, high_price: null, low_price: null, volume: 0, trading_value: 0 })])

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 0, warnedCount: 0 })
    expect(check(outcome, 'ohlc_consistency').passed).toBe(true)
  })

  test('a zero-volume bar that still carries open/high/low, and a traded bar missing them, are rejected', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-04')
    await stage(db(), target, [
      bar('900100', 5000, { open_price: 0, high_price: 0, low_price: 0, volume: 0, trading_value: 0 }),
      bar('900110', 5000, { open_price: null, low_price: null }),
      bar('900120', 5000, { close_price: 0, volume: -1 }),
    ])

    await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows.map((r) => r.validation_status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(rows[0]!.reject_reasons).toContain('ohlc_consistency: no-trade bar (volume 0) has open 0, high 0, low 0')
    expect(rows[1]!.reject_reasons).toContain('ohlc_consistency: traded bar (volume 100) has no open/low')
    expect(rows[2]!.reject_reasons).toEqual(expect.arrayContaining(['ohlc_consistency: volume -1 < 0', 'ohlc_consistency: close 0 <= 0']))
  })

  test('identical copies collapse into the first row; conflicting copies are all rejected, each naming the others', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-05')
    await stage(db(), target, [bar('005930', 100), bar('000660', 200), bar('005930', 100), bar('000660', 201), bar('005930', 100)])

    const outcome = await validateBatch(db(), target)

    expect(await statusByRow(db(), target)).toEqual({ 1: 'valid', 2: 'rejected', 3: 'duplicate', 4: 'rejected', 5: 'duplicate' })
    const rows = await marks(db(), target)
    expect(rows.map((r) => r.reject_reasons)).toEqual([
      null,
      ['duplicate_key: conflicts with row 4 of the same key; all copies rejected'],
      ['duplicate_key: identical copy of row 1'],
      ['duplicate_key: conflicts with row 2 of the same key; all copies rejected'],
      ['duplicate_key: identical copy of row 1'],
    ])
    expect(check(outcome, 'duplicate_key')).toMatchObject({ issueCount: 4, passed: false })
    expect(check(outcome, 'duplicate_key').message).toBe(
      '2 keys repeated: 2 identical copies collapsed into the first row of their key (not lost), 2 rows in conflicting copies, all rejected',
    )
  })

  test('price move beyond 30% of the previous close is rejected; a new listing is excepted and said so', async () => {
    await seedOhlcv(db(), '2024-02-01', { '100010': 100000, '100020': 100000 })
    const target = newTarget('ohlcv_daily', '2024-02-02')
    await stage(db(), target, [
      bar('100010', 150000, { change: 50000, change_rate: 50 }),
      bar('100020', 110000, { change: 10000, change_rate: 10 }),
      bar('100030', 25000, { change: 25000, change_rate: null }),
    ])

    const outcome = await validateBatch(db(), target)

    expect(await statusByRow(db(), target)).toEqual({ 1: 'rejected', 2: 'valid', 3: 'valid' })
    const rows = await marks(db(), target)
    expect(rows[0]!.reject_reasons).toEqual(['price_limit: close 150000 is +50.0% vs previous close 100000 (2024-02-01)'])
    const priceLimit = check(outcome, 'price_limit')
    expect(priceLimit).toMatchObject({ passed: false, threshold: 0.3, checkedCount: 3, issueCount: 1 })
    expect(priceLimit.message).toBe(
      '1 row of 2 moved beyond ±30% (+1 tick) of the previous production close; excepted: new_listing 1, relisting 0, corporate_action 0',
    )
  })

  test('a stock absent from the previous session is compared with its own latest close, one limit move per session', async () => {
    await seedOhlcv(db(), '2024-02-05', { '100110': 10000, '100130': 10000 })
    await seedOhlcv(db(), '2024-02-06', { '100120': 10000 })
    const target = newTarget('ohlcv_daily', '2024-02-07')
    // Two sessions since 2024-02-05 allow two limit moves: down to 4,900, up to 16,900.
    await stage(db(), target, [bar('100110', 4000, { change: -1000 }), bar('100120', 10000), bar('100130', 5000, { change: -2000 })])

    await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows[0]!.reject_reasons).toEqual(['price_limit: close 4000 is -60.0% vs previous close 10000 (2024-02-05, 2 sessions back: band 4900..16900)'])
    // The change is measured from 2024-02-06's close, which production does not hold: not compared.
    expect(rows.slice(1).map((r) => r.validation_status)).toEqual(['valid', 'valid'])
  })

  test('a limit-up close passes; one beyond 30% plus a tick is rejected', async () => {
    await seedOhlcv(db(), '2024-02-08', { '100210': 10000, '100220': 10000, '100230': 10000 })
    const target = newTarget('ohlcv_daily', '2024-02-13')
    await stage(db(), target, [
      bar('100210', 13000, { change: 3000, change_rate: 30 }),
      bar('100220', 7000, { change: -3000, change_rate: -30 }),
      bar('100230', 13020, { change: 3020, change_rate: 30.2 }),
    ])

    // Seollal (2024-02-09 … 02-12) lies between: the KRX calendar makes 02-08 the previous session.
    await validateBatch(db(), target, { isTradingDay })

    expect(await statusByRow(db(), target)).toEqual({ 1: 'valid', 2: 'valid', 3: 'rejected' })
  })

  test('a move beyond 30% on a day the listed shares changed is excepted as a corporate action, measured from close − change', async () => {
    await seedOhlcv(db(), '2024-02-14', { '100310': 50000, '100320': 50000 })
    await seedMarketCap(db(), '2024-02-14', { '100310': 1_000_000, '100320': 1_000_000 })
    // A 1:5 split: five times the shares, the close falls 80% against yesterday's, 2% against KRX's adjusted base of 10,000.
    await seedMarketCap(db(), '2024-02-15', { '100310': 5_000_000, '100320': 1_000_000 })
    const target = newTarget('ohlcv_daily', '2024-02-15')
    await stage(db(), target, [
      bar('100310', 10200, { change: 200, change_rate: 2 }),
      // The same row for a stock whose share count did not change: nothing outside the row excuses it.
      bar('100320', 10200, { change: 200, change_rate: 2 }),
    ])

    const outcome = await validateBatch(db(), target)

    expect(await statusByRow(db(), target)).toEqual({ 1: 'valid', 2: 'rejected' })
    expect((await marks(db(), target))[1]!.reject_reasons).toEqual([
      'price_limit: close 10200 is -79.6% vs previous close 50000 (2024-02-14)',
      'change_consistency: change +200 but close 10200 - previous close 50000 (2024-02-14) = -39800 (sign flipped or wrong)',
    ])
    expect(check(outcome, 'price_limit').message).toContain('excepted: new_listing 0, relisting 0, corporate_action 1')
    expect(check(outcome, 'change_consistency').message).toContain('corporate_action 1')
  })

  test('trading value outside volume x [low, high] warns and keeps the row valid', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-08')
    await stage(db(), target, [
      bar('005930', 100, { high_price: 110, low_price: 90, volume: 10, trading_value: 1000 }),
      bar('000660', 100, { high_price: 110, low_price: 90, volume: 10, trading_value: 2000 }),
    ])

    const outcome = await validateBatch(db(), target)

    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 0, warnedCount: 1 })
    const rows = await marks(db(), target)
    expect(rows[1]!.warnings).toEqual(['trading_value_range: trading_value 2000 outside volume 10 x [low 90, high 110] = [900, 1100] +/- 1%'])
    expect(check(outcome, 'trading_value_range')).toMatchObject({ severity: 'warn', passed: false, issueCount: 1, threshold: 0.01 })
  })

  test('unparsable values recorded in parse_errors are rejected with the message', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-09')
    await stage(db(), target, [
      bar('005930', 100),
      bar('000660', 100, { close_price: null, parse_errors: ['close: not a number ("12a,300")'] }),
    ])

    const outcome = await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows[1]!.validation_status).toBe('rejected')
    expect(rows[1]!.reject_reasons).toEqual(['schema: unparsable close: not a number ("12a,300")', 'schema: missing close_price'])
    expect(check(outcome, 'schema').sample).toEqual([
      { key: '000660@2024-01-09', reason: 'schema: unparsable close: not a number ("12a,300"); schema: missing close_price' },
    ])
  })

  test('rows missing required values, with a malformed stock code or another date are rejected by schema', async () => {
    const target = newTarget('ohlcv_daily', '2024-01-10')
    await stage(db(), target, [
      bar('005930', 100, { volume: null, trading_value: null }),
      bar('5930', 100),
      bar('000660', 100, { time: '2024-01-09' }),
      bar('035720', 100),
    ])

    const outcome = await validateBatch(db(), target)

    const rows = await marks(db(), target)
    expect(rows.map((r) => r.reject_reasons)).toEqual([
      ['schema: missing volume, trading_value'],
      ['schema: stock_code "5930" is not six digits or capital letters'],
      ['schema: time 2024-01-09 is not the trade date 2024-01-10'],
      null,
    ])
    expect(check(outcome, 'schema')).toMatchObject({ issueCount: 3, checkedCount: 4 })
  })

  test('a bar without trading value is valid from Naver, which does not report it, and rejected from KRX', async () => {
    const fromNaver = { ...newTarget('ohlcv_daily', '2024-02-01'), source: 'naver' }
    await stage(db(), fromNaver, [bar('005930', 100, { trading_value: null })])
    expect(await validateBatch(db(), fromNaver)).toMatchObject({ validCount: 1, rejectedCount: 0 })

    const fromKrx = newTarget('ohlcv_daily', '2024-02-02')
    await stage(db(), fromKrx, [bar('005930', 100, { trading_value: null })])
    const outcome = await validateBatch(db(), fromKrx)
    expect(outcome.rejectedCount).toBe(1)
    expect((await marks(db(), fromKrx))[0]!.reject_reasons).toContain('schema: missing trading_value')
  })
})

