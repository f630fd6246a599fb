import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { promoteBatch, tradingHours } from '../src/index.ts'
import { stageValidated, stock } from './reference-batches.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

async function calendar(from: string, to: string) {
  const rows = await db()
    .selectFrom('market_calendar')
    .select(['trade_date', 'is_trading_day', 'open_time', 'close_time', 'holiday_name', 'source'])
    .where('trade_date', '>=', from)
    .where('trade_date', '<=', to)
    .orderBy('trade_date')
    .execute()
  return rows.map((r) => [r.trade_date, r.is_trading_day, r.open_time, r.close_time, r.holiday_name, r.source])
}

describe('market_calendar promotion', () => {
  test('upserts by trade date with session hours on trading days only, from the source of the batch', async () => {
    const days = [
      { trade_date: '2024-01-01', is_trading_day: false, holiday_name: '신정' },
      { trade_date: '2024-01-02', is_trading_day: true, holiday_name: null }, // first session of the year opens at 10:00
      { trade_date: '2024-01-03', is_trading_day: true, holiday_name: null },
      { trade_date: '2024-11-14', is_trading_day: true, holiday_name: '수능' }, // CSAT: one hour later
    ]
    const first = await promoteBatch(database(), await stageValidated(database(), 'market_calendar', '2024-01-01', days, { source: 'kis' }))

    expect(first).toMatchObject({ status: 'SUCCESS', promoted: 4, details: { days_upserted: 4, trading_days: 3 } })
    expect(await calendar('2024-01-01', '2024-12-31')).toEqual([
      ['2024-01-01', false, null, null, '신정', 'kis'],
      ['2024-01-02', true, '10:00:00', '15:30:00', null, 'kis'],
      ['2024-01-03', true, '09:00:00', '15:30:00', null, 'kis'],
      ['2024-11-14', true, '10:00:00', '16:30:00', '수능', 'kis'],
    ])

    // A re-run changes nothing; a correction (the 3rd closed after all) changes that day only.
    expect((await promoteBatch(database(), await stageValidated(database(), 'market_calendar', '2024-01-01', days, { source: 'kis' }))).promoted).toBe(0)
    const corrected = days.map((d) => (d.trade_date === '2024-01-03' ? { ...d, is_trading_day: false, holiday_name: '임시공휴일' } : d))
    expect((await promoteBatch(database(), await stageValidated(database(), 'market_calendar', '2024-01-01', corrected, { source: 'krx' }))).promoted).toBe(1)
    expect(await calendar('2024-01-03', '2024-01-03')).toEqual([['2024-01-03', false, null, null, '임시공휴일', 'krx']])
  })

  test('a day the source says trades but the KRX calendar thinks closed still gets the regular hours the table requires', async () => {
    const saturday = { trade_date: '2024-06-01', is_trading_day: true, holiday_name: null }
    await promoteBatch(database(), await stageValidated(database(), 'market_calendar', '2024-06-01', [saturday]))
    expect(await calendar('2024-06-01', '2024-06-01')).toEqual([['2024-06-01', true, '09:00:00', '15:30:00', null, 'krx']])
    expect(tradingHours('2015-06-06')).toEqual({ open: '09:00', close: '15:00' })
  })
})

describe('sectors promotion', () => {
  test('upserts (market, name) into sectors and points each known stock at its sector', async () => {
    await promoteBatch(database(), await stageValidated(database(), 'stocks', '2024-06-14', [stock('005930'), stock('000660')]))
    const membership = [
      { market: 'KOSPI', name: '전기전자', stock_code: '005930' },
      { market: 'KOSPI', name: '전기전자', stock_code: '000660' },
      { market: 'KOSPI', name: '서비스업', stock_code: '999990' },
    ]

    const report = await promoteBatch(database(), await stageValidated(database(), 'sectors', '2024-06-14', membership))
    const moved = await promoteBatch(
      database(),
      await stageValidated(database(), 'sectors', '2024-06-17', [{ market: 'KOSPI', name: '반도체', stock_code: '000660' }]),
    )

    expect(report).toMatchObject({ promoted: 4, details: { sectors_created: 2, stocks_linked: 2, unknown_stocks: 1 } })
    expect(moved).toMatchObject({ promoted: 2, details: { sectors_created: 1, stocks_linked: 1 } })
    const linked = await db()
      .selectFrom('stocks')
      .innerJoin('sectors', 'sectors.sector_id', 'stocks.sector_id')
      .select(['stocks.stock_code', 'sectors.name'])
      .orderBy('stocks.stock_code')
      .execute()
    expect(linked).toEqual([{ stock_code: '000660', name: '반도체' }, { stock_code: '005930', name: '전기전자' }])
    expect((await db().selectFrom('sectors').select('name').orderBy('name').execute()).map((r) => r.name)).toEqual(['반도체', '서비스업', '전기전자'])
  })
})

describe('floating_shares promotion', () => {
  test('upserts by (stock_code, base_date): a new date adds a row, a correction replaces its date, a re-run writes nothing', async () => {
    const row = { stock_code: '005930', base_date: '2024-03-29', total_shares: 5_969_782_550, floating_shares: 4_460_953_497, floating_ratio: '74.73' }
    await promoteBatch(database(), await stageValidated(database(), 'floating_shares', '2024-04-01', [row]))
    const next = { ...row, base_date: '2024-06-28', floating_shares: 4_461_000_000, floating_ratio: '74.7272' }
    const report = await promoteBatch(database(), await stageValidated(database(), 'floating_shares', '2024-07-01', [{ ...row, floating_ratio: '74.72' }, next], { source: 'file' }))
    const again = await promoteBatch(database(), await stageValidated(database(), 'floating_shares', '2024-07-01', [{ ...row, floating_ratio: '74.72' }, next], { source: 'file' }))

    expect(report.promoted).toBe(2)
    expect(again.promoted).toBe(0)
    const rows = await db().selectFrom('floating_shares').select(['base_date', 'total_shares', 'floating_shares', 'floating_ratio', 'source']).orderBy('base_date').execute()
    expect(rows).toEqual([
      { base_date: '2024-03-29', total_shares: 5_969_782_550, floating_shares: 4_460_953_497, floating_ratio: '74.7200', source: 'file' },
      { base_date: '2024-06-28', total_shares: 5_969_782_550, floating_shares: 4_461_000_000, floating_ratio: '74.7272', source: 'file' },
    ])
  })
})
