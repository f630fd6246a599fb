import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { validateBatch, type ValidationOutcome } from '../src/index.ts'
import { etfLine, marksOf, stageReference } from './reference-staging.ts'
import { bar, listStocks, marks, newTarget, seedMarketCap, seedOhlcv, stage, type StagedRow } from './staging.ts'

// Corrupted values that used to reach production, one row each, in batches whose other rows
// are good: each corrupt row is rejected (or warned) with its named reason, the good rows stay
// valid. The rows are judged against production (previous close, known codes, column types),
// never against their own claims.

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db
const database = () => testDb.current.database

const check = (outcome: ValidationOutcome, name: string) => {
  const found = outcome.checks.find((c) => c.checkName === name)
  if (!found) throw new Error(`no check ${name}`)
  return found
}

/** Reasons per stock code, rows in order. */
async function reasonsByCode(target: ReturnType<typeof newTarget>) {
  return (await marks(db(), target)).map((m) => [m.key, m.validation_status, m.reject_reasons])
}

/** A traded bar moving `change` from a previous close of 10,000, range ±100 around the close. */
const moved = (code: string, close: number, overrides: StagedRow = {}) =>
  bar(code, close, { open_price: close, high_price: close + 100, low_price: close - 100, change: close - 10000, ...overrides })

describe('unknown_stock without a stock master', () => {
  // First in the file: the master is still empty here.
  test('passes, saying it could not run, when neither the master nor production knows any code', async () => {
    const target = newTarget('ohlcv_daily', '2024-04-01')
    await stage(db(), target, [bar('ZZZZZZ', 100)], { master: false })

    const outcome = await validateBatch(db(), target)

    expect(check(outcome, 'unknown_stock')).toMatchObject({
      passed: true,
      issueCount: 0,
      message: 'could not run: stocks is empty and ohlcv_daily holds no row in the 20 sessions before 2024-04-01',
    })
  })

  test('falls back to the codes production holds for the dataset in the 20 sessions before the trade date', async () => {
    await seedOhlcv(db(), '2024-04-02', { '130010': 1000 })
    const target = newTarget('ohlcv_daily', '2024-04-03')
    await stage(db(), target, [bar('130010', 1000), bar('ZZZZZZ', 1000)], { master: false })

    const outcome = await validateBatch(db(), target)

    expect(await reasonsByCode(target)).toEqual([
      ['130010', 'valid', null],
      ['ZZZZZZ', 'rejected', ['unknown_stock: ZZZZZZ is in no stock master (stocks is empty) nor in ohlcv_daily since 2024-03-06']],
    ])
    expect(check(outcome, 'unknown_stock').message).toBe('1 row of 2 name a stock not known to ohlcv_daily since 2024-03-06 (stocks is empty) (1 key)')
  })
})

describe('corrupted daily rows are rejected one row at a time', () => {
  test('each corruption is rejected with its named reason; the good rows of the batch stay valid', async () => {
    const codes = Array.from({ length: 16 }, (_, i) => String(110010 + i * 10))
    await seedOhlcv(db(), '2024-05-02', Object.fromEntries(codes.map((code) => [code, 10000])))
    const target = newTarget('ohlcv_daily', '2024-05-03')
    await stage(
      db(),
      target,
      [
        moved('110010', 10100),
        // close x3, its change and change_rate still the source's
        moved('110020', 30300, { change: 100, change_rate: 1, high_price: 30300, low_price: 30300, open_price: 30300, trading_value: 3030000 }),
        // high x2, high x1000
        moved('110030', 10100, { high_price: 20400 }),
        moved('110040', 10100, { high_price: 10200000 }),
        // volume x2, trading value x1000 (the average price leaves the band)
        moved('110050', 10100, { volume: 200 }),
        moved('110060', 10100, { trading_value: 1010000000 }),
        // volume 0 with a value; a value of 0 with trades
        moved('110070', 10000, { open_price: null, high_price: null, low_price: null, volume: 0, trading_value: 1000000 }),
        moved('110080', 10100, { trading_value: 0 }),
        // sign-flipped change, missing change
        moved('110090', 9900, { change: 100 }),
        moved('110100', 10100, { change: null }),
        // three decimals; between two ticks
        moved('110110', 10100.125, { high_price: 10200, low_price: 10000, open_price: 10100, trading_value: 1010000 }),
        moved('110120', 10105, { open_price: 10100, high_price: 10200, low_price: 10000, trading_value: 1010500 }),
        // a high production cannot hold (beyond bigint): its row only, never the batch
        moved('110130', 10100, { high_price: 1e19 }),
        // a code in no master
        moved('ZZZZZZ', 10100),
        moved('110150', 9900),
      ],
      { unlisted: ['ZZZZZZ'] },
    )

    const outcome = await validateBatch(db(), target)

    expect(await reasonsByCode(target)).toEqual([
      ['110010', 'valid', null],
      ['110020', 'rejected', [
        'price_limit: close 30300 is +203.0% vs previous close 10000 (2024-05-02)',
        'change_consistency: change +100 but close 30300 - previous close 10000 (2024-05-02) = +20300',
        'change_rate_consistency: change_rate 1% but change 100 on a base of 30200 is 0.33%',
      ]],
      ['110030', 'rejected', ['price_limit: high 20400 is +104.0% vs previous close 10000 (2024-05-02)']],
      ['110040', 'rejected', ['price_limit: high 10200000 is +101900.0% vs previous close 10000 (2024-05-02)']],
      ['110050', 'rejected', ["average_price: trading_value 1010000 / volume 200 = 5050 outside the day's band around previous close 10000"]],
      ['110060', 'rejected', ["average_price: trading_value 1010000000 / volume 100 = 10100000 outside the day's band around previous close 10000"]],
      ['110070', 'rejected', ['ohlc_consistency: volume 0 with trading_value 1000000']],
      ['110080', 'rejected', ['ohlc_consistency: volume 100 with trading_value 0']],
      ['110090', 'rejected', ['change_consistency: change +100 but close 9900 - previous close 10000 (2024-05-02) = -100 (sign flipped or wrong)']],
      ['110100', 'rejected', ['change_consistency: missing change (krx always sends it)']],
      // Staging keeps the raw value: the production column (whole won) would have rounded it to 10100.
      ['110110', 'rejected', [
        'out_of_range: close_price 10100.125 is not a whole number for bigint',
        'out_of_range: change 100.125 is not a whole number for bigint',
        'tick_grid: close_price 10100.125 is not a multiple of the tick 10 at that price',
      ]],
      ['110120', 'rejected', ['tick_grid: close_price 10105 is not a multiple of the tick 10 at that price']],
      ['110130', 'rejected', [
        'out_of_range: high_price 10000000000000000000 exceeds bigint',
        'price_limit: high 10000000000000000000 is +99999999999999900.0% vs previous close 10000 (2024-05-02)',
      ]],
      ['ZZZZZZ', 'rejected', ['unknown_stock: ZZZZZZ is in no stock master']],
      ['110150', 'valid', null],
    ])
    expect(outcome).toMatchObject({ validCount: 2, rejectedCount: 13, batchFailed: false })
  })

  test('a close multiplied while its change_rate stayed is rejected: the row’s own change_rate excuses nothing', async () => {
    await seedOhlcv(db(), '2024-05-06', { '111010': 50000 })
    const target = newTarget('ohlcv_daily', '2024-05-07')
    await stage(db(), target, [bar('111010', 10200, { change: 200, change_rate: 2 })])

    const outcome = await validateBatch(db(), target)

    expect((await marks(db(), target))[0]!.reject_reasons).toEqual([
      'price_limit: close 10200 is -79.6% vs previous close 50000 (2024-05-06)',
      'change_consistency: change +200 but close 10200 - previous close 50000 (2024-05-06) = -39800 (sign flipped or wrong)',
    ])
    expect(check(outcome, 'price_limit').message).toContain('excepted: new_listing 0, relisting 0, corporate_action 0')
  })

  test('unknown_stock judges market caps too, and a stock listed after the trade date', async () => {
    await listStocks(db(), ['113020'], '2024-06-03')
    const target = newTarget('market_cap_daily', '2024-05-10')
    await stage(
      db(),
      target,
      [
        { stock_code: '113010', close_price: 1000, shares_outstanding: 10, market_cap: 10000 },
        { stock_code: 'ZZZZZZ', close_price: 1000, shares_outstanding: 10, market_cap: 10000 },
        { stock_code: '113020', close_price: 1000, shares_outstanding: 10, market_cap: 10000 },
      ],
      { unlisted: ['ZZZZZZ'] },
    )

    await validateBatch(db(), target)

    expect((await marks(db(), target)).map((m) => m.reject_reasons)).toEqual([
      null,
      ['unknown_stock: ZZZZZZ is in no stock master'],
      ['unknown_stock: 113020 is not listed on 2024-05-10 (listed 2024-06-03)'],
    ])
  })

  test('a halted stock (no open/high/low, no volume, no value, close unchanged) stays valid', async () => {
    await seedOhlcv(db(), '2024-05-08', { '112010': 7000 })
    const target = newTarget('ohlcv_daily', '2024-05-09')
    await stage(db(), target, [bar('112010', 7000, { open_price: null, high_price: null, low_price: null, volume: 0, trading_value: 0, change: 0 })])

    expect(await validateBatch(db(), target)).toMatchObject({ validCount: 1, rejectedCount: 0, warnedCount: 0 })
  })
})

describe('named exceptions to the previous close', () => {
  test('new listings, re-listings and corporate actions are excepted by name and counted; the rest is judged', async () => {
    // Forty-two weekday sessions (2024-06-03 … 2024-07-30) of one stock give production a session history.
    const sessions = Array.from({ length: 58 }, (_, i) => new Date(Date.UTC(2024, 5, 3 + i)))
      .filter((d) => d.getUTCDay() % 6 !== 0)
      .map((d) => d.toISOString().slice(0, 10))
    for (const day of sessions) await seedOhlcv(db(), day, { '120090': 5000 })
    const first = sessions[0]!
    const last = sessions[sessions.length - 1]!
    const tradeDate = '2024-07-31'
    // 120010: listed today, no previous close. 120011: listed today; an earlier company's close under the same code.
    await listStocks(db(), ['120010', '120011'], tradeDate)
    await seedOhlcv(db(), last, { '120011': 3000, '120030': 20000, '120040': 20000 })
    // 120020: its latest close is older than 20 sessions (a long suspension ending).
    await seedOhlcv(db(), first, { '120020': 10000 })
    // 120021: delisted and listed again after its latest close.
    await seedOhlcv(db(), sessions[30]!, { '120021': 10000 })
    await listStocks(db(), ['120021'], sessions[35]!)
    // 120030: the master's newer snapshot shows a new share count (a 1:2 bonus issue): adjusted base 10,000.
    await seedMarketCap(db(), last, { '120030': 1_000_000, '120040': 1_000_000 })
    await listStocks(db(), ['120030', '120040'])
    await sql`update stocks set listed_shares = 2000000, as_of_date = ${tradeDate}::date where stock_code = '120030'`.execute(db())
    await sql`update stocks set listed_shares = 1000000, as_of_date = ${tradeDate}::date where stock_code = '120040'`.execute(db())

    const target = newTarget('ohlcv_daily', tradeDate)
    await stage(db(), target, [
      bar('120010', 26000, { change: 6000 }),
      bar('120011', 26000, { change: 6000 }),
      bar('120020', 30000, { change: 0 }),
      bar('120021', 30000, { change: 0 }),
      bar('120030', 10500, { change: 500 }),
      // Same move, same share count: no fact outside the row excuses it.
      bar('120040', 10500, { change: 500 }),
      bar('120090', 5000),
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marks(db(), target)).map((m) => [m.key, m.validation_status])).toEqual([
      ['120010', 'valid'],
      ['120011', 'valid'],
      ['120020', 'valid'],
      ['120021', 'valid'],
      ['120030', 'valid'],
      ['120040', 'rejected'],
      ['120090', 'valid'],
    ])
    expect(check(outcome, 'price_limit').message).toBe(
      '1 row of 3 moved beyond ±30% (+1 tick) of the previous production close; excepted: new_listing 2, relisting 2, corporate_action 1',
    )
    expect(check(outcome, 'change_consistency').message).toContain('excepted: new_listing 2, relisting 2, corporate_action 1')
  })
})

describe('volume_anomaly', () => {
  test('a volume or value beyond 50x the stock’s 20-session median warns and keeps the row; short histories are not judged', async () => {
    const days = ['2024-08-01', '2024-08-02', '2024-08-05', '2024-08-06', '2024-08-07', '2024-08-08']
    for (const [i, day] of days.entries()) await seedOhlcv(db(), day, i < 2 ? { '140010': 1000, '140020': 1000 } : { '140010': 1000 })
    const target = newTarget('ohlcv_daily', '2024-08-09')
    await stage(db(), target, [
      bar('140010', 1000, { volume: 6000, trading_value: 6_000_000 }),
      bar('140020', 1000, { volume: 6000, trading_value: 6_000_000 }),
    ])

    const outcome = await validateBatch(db(), target)

    expect((await marks(db(), target)).map((m) => [m.validation_status, m.warnings])).toEqual([
      ['valid', ['volume_anomaly: volume 6000 is 60x its 6-session median 100', 'volume_anomaly: trading_value 6000000 is 60x its 6-session median 100000']],
      ['valid', null],
    ])
    expect(check(outcome, 'volume_anomaly')).toMatchObject({ severity: 'warn', passed: false, issueCount: 1 })
    expect(check(outcome, 'volume_anomaly').message).toContain('1 stock with under 5 sessions not judged')
  })
  test('the median is of the stock’s newest 20 rows, wherever they are: with days missing from the last sessions, or after a long suspension', async () => {
    const weekdays = (from: string, to: string) => {
      const days: string[] = []
      for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) {
        if (day.getUTCDay() % 6 !== 0) days.push(day.toISOString().slice(0, 10))
      }
      return days
    }
    const history = (stockCode: string, days: string[], volume: number) =>
      db()
        .insertInto('ohlcv_daily')
        .values(days.map((time) => ({ stock_code: stockCode, time, open_price: 1000, high_price: 1000, low_price: 1000, close_price: 1000, volume, trading_value: volume * 1000, source: 'test' })))
        .execute()
    // 140031: 18 of the last 20 sessions, then older rows of another size; its newest 20 reach two of them.
    await history('140031', weekdays('2024-11-04', '2024-11-29').filter((day) => day !== '2024-11-27' && day !== '2024-11-28'), 100)
    await history('140031', weekdays('2024-10-28', '2024-11-01'), 100_000)
    // 140032: nothing for months; its newest 20 rows are July's, before 25 smaller ones.
    await history('140032', weekdays('2024-07-01', '2024-07-26'), 200)
    await history('140032', weekdays('2024-05-27', '2024-06-28'), 1)
    // 140033: every one of the last 20 sessions, half at 100 and half at 300: the median between them.
    const lastSessions = weekdays('2024-11-04', '2024-11-29')
    await history('140033', lastSessions.filter((_, i) => i % 2 === 0), 100)
    await history('140033', lastSessions.filter((_, i) => i % 2 === 1), 300)
    // 140034: the same, and a Saturday row the calendar does not count: its newest 20 leave out the oldest session.
    await history('140034', lastSessions.filter((_, i) => i % 2 === 0), 100)
    await history('140034', lastSessions.filter((_, i) => i % 2 === 1), 300)
    await history('140034', ['2024-11-30'], 100)
    const target = newTarget('ohlcv_daily', '2024-12-02')
    await stage(db(), target, [
      bar('140031', 1000, { volume: 6000, trading_value: 6_000_000 }),
      bar('140032', 1000, { volume: 20_000, trading_value: 20_000_000 }),
      bar('140033', 1000, { volume: 20_000, trading_value: 20_000_000 }),
      bar('140034', 1000, { volume: 20_000, trading_value: 20_000_000 }),
    ])

    await validateBatch(db(), target)

    expect((await marks(db(), target)).map((m) => m.warnings)).toEqual([
      ['volume_anomaly: volume 6000 is 60x its 20-session median 100', 'volume_anomaly: trading_value 6000000 is 60x its 20-session median 100000'],
      ['volume_anomaly: volume 20000 is 100x its 20-session median 200', 'volume_anomaly: trading_value 20000000 is 100x its 20-session median 200000'],
      ['volume_anomaly: volume 20000 is 100x its 20-session median 200', 'volume_anomaly: trading_value 20000000 is 100x its 20-session median 200000'],
      ['volume_anomaly: volume 20000 is 100x its 20-session median 200', 'volume_anomaly: trading_value 20000000 is 100x its 20-session median 200000'],
    ])
  })
})

describe('out_of_range for every dataset, from the production column types', () => {
  test('market cap and ETF lines: the cell production cannot hold rejects its row only', async () => {
    const cap = newTarget('market_cap_daily', '2024-09-02')
    await stage(db(), cap, [
      { stock_code: '150010', close_price: 1000, shares_outstanding: 10, market_cap: 10000 },
      { stock_code: '150020', close_price: 1000.001, shares_outstanding: 10, market_cap: 10000 },
    ])
    const capOutcome = await validateBatch(db(), cap)
    expect((await marks(db(), cap)).map((m) => m.reject_reasons)).toEqual([
      null,
      [
        'out_of_range: close_price 1000.001 is not a whole number for bigint',
        'market_cap_identity: market_cap 10000 differs from close 1000.001 x shares_outstanding 10 = 10000.01 by 0.01 (krx sends it to the won)',
        'tick_grid: close_price 1000.001 is not a multiple of the tick 1 at that price',
      ],
    ])
    // The limits are read from the production table: every column narrower than staging's.
    expect(check(capOutcome, 'out_of_range').message).toBe(
      '1 row of 2 hold a value market_cap_daily cannot store (stock_code character varying(6), close_price bigint, market_cap bigint, shares_outstanding bigint)',
    )

    const etf = await stageReference(database(), 'etf_portfolios', '2024-09-02', [
      etfLine('152100', '2024-09-02', { weight: '100.00' }),
      etfLine('069500', '2024-09-02', { weight: '123456.0000' }),
      etfLine('102110', '2024-09-02', { valuation_amount: '8000000.125', weight: '100.00' }),
    ])
    await validateBatch(db(), etf)
    expect((await marksOf(db(), etf)).map((m) => m.reject_reasons)).toEqual([
      null,
      ['out_of_range: weight 123456 exceeds numeric(9,4)'],
      ['out_of_range: valuation_amount 8000000.125 has more decimals than numeric(24,2)'],
    ])
  })
})
