import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { promoteBatch, StaleSnapshotError } from '../src/index.ts'
import { stageValidated, stock } from './reference-batches.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

async function promoteStocks(day: string, rows: ReturnType<typeof stock>[]) {
  return promoteBatch(database(), await stageValidated(database(), 'stocks', day, rows))
}

async function stockRow(code: string) {
  return db().selectFrom('stocks').selectAll().where('stock_code', '=', code).executeTakeFirst()
}

async function history(code: string) {
  const rows = await db().selectFrom('stock_history').selectAll().where('stock_code', '=', code).orderBy('valid_from').execute()
  return rows.map((r) => [r.valid_from, r.valid_to, r.name, r.market, r.market_segment])
}

describe('stocks promotion', () => {
  test('a delisted stock is kept, marked inactive, with its delisting date and reason', async () => {
    await promoteStocks('2024-03-04', [stock('100010'), stock('100020')])

    const report = await promoteStocks('2024-03-05', [stock('100010', { delisting_date: '2024-03-05', delisting_reason: '피흡수합병' })])

    expect(report.details).toMatchObject({ stocks_updated: 1, stocks_delisted: 1, history_opened: 0, history_closed: 0 })
    expect(await stockRow('100010')).toMatchObject({ is_active: false, delisting_date: '2024-03-05', delisting_reason: '피흡수합병', name: '종목100010' })
    // Absent from the batch: neither deleted nor deactivated.
    expect(await stockRow('100020')).toMatchObject({ is_active: true, delisting_date: null })
    expect(await history('100010')).toEqual([['2024-03-04', null, '종목100010', 'KOSPI', null]])
  })

  test('a delisting sticks when a later snapshot still lists the stock without one, but a relisting reactivates it', async () => {
    await promoteStocks('2024-03-11', [stock('100030', { delisting_date: '2024-03-08', delisting_reason: '감사의견거절' })])

    await promoteStocks('2024-03-12', [stock('100030')])
    expect(await stockRow('100030')).toMatchObject({ is_active: false, delisting_date: '2024-03-08', delisting_reason: '감사의견거절' })

    await promoteStocks('2024-06-03', [stock('100030', { listing_date: '2024-06-03' })])
    expect(await stockRow('100030')).toMatchObject({ is_active: true, delisting_date: null, delisting_reason: null, listing_date: '2024-06-03' })
  })

  test('a name change closes the open history row and opens a new one; the stocks row shows the latest', async () => {
    await promoteStocks('2024-01-02', [stock('100040', { name: '옛이름', market: 'KOSDAQ', market_segment: '우량기업부' })])

    const renamed = await promoteStocks('2024-04-01', [stock('100040', { name: '새이름', market: 'KOSDAQ', market_segment: '우량기업부' })])
    const moved = await promoteStocks('2024-07-01', [stock('100040', { name: '새이름', market: 'KOSPI', market_segment: null })])

    expect(renamed.details).toMatchObject({ history_closed: 1, history_opened: 1, stocks_updated: 1 })
    expect(moved.details).toMatchObject({ history_closed: 1, history_opened: 1 })
    expect(await history('100040')).toEqual([
      ['2024-01-02', '2024-04-01', '옛이름', 'KOSDAQ', '우량기업부'],
      ['2024-04-01', '2024-07-01', '새이름', 'KOSDAQ', '우량기업부'],
      // A source that names no segment keeps the one production has.
      ['2024-07-01', null, '새이름', 'KOSPI', '우량기업부'],
    ])
    expect(await stockRow('100040')).toMatchObject({ name: '새이름', market: 'KOSPI' })
  })

  test('a second batch of the same date corrects the history row it opened instead of adding one', async () => {
    await promoteStocks('2024-01-02', [stock('100050', { name: '가' })])
    await promoteStocks('2024-02-01', [stock('100050', { name: '나' })])
    await promoteStocks('2024-02-01', [stock('100050', { name: '다' })])

    expect(await history('100050')).toEqual([
      ['2024-01-02', '2024-02-01', '가', 'KOSPI', null],
      ['2024-02-01', null, '다', 'KOSPI', null],
    ])
  })

  test('re-running an unchanged snapshot writes nothing; values a source does not carry are kept', async () => {
    await promoteStocks('2024-05-02', [stock('100060', { english_name: 'Sixty Co', short_name: '식스티' })])

    const again = await promoteStocks('2024-05-03', [stock('100060')])

    expect(again).toMatchObject({ promoted: 0, details: { stocks_inserted: 0, stocks_updated: 0, history_opened: 0 } })
    expect(await stockRow('100060')).toMatchObject({ english_name: 'Sixty Co', short_name: '식스티' })
  })

  test("a sector_name links the stock to its market's sector, created when missing; no sector_name keeps the link", async () => {
    const report = await promoteStocks('2024-05-06', [stock('100070', { sector_name: '전기전자' }), stock('100080', { market: 'KOSDAQ', sector_name: '전기전자' })])
    await promoteStocks('2024-05-07', [stock('100070')])

    expect(report.details).toMatchObject({ sectors_created: 2 })
    const { rows } = await sql<{ stock_code: string; market: string; name: string }>`
      select p.stock_code, c.market, c.name from stocks p join sectors c using (sector_id)
      where p.stock_code in ('100070', '100080') order by 1`.execute(db())
    expect(rows).toEqual([
      { stock_code: '100070', market: 'KOSPI', name: '전기전자' },
      { stock_code: '100080', market: 'KOSDAQ', name: '전기전자' },
    ])
  })

  test('a snapshot older than the master already promoted is refused', async () => {
    await promoteStocks('2024-08-01', [stock('100090', { name: '최신' })])
    const late = await stageValidated(database(), 'stocks', '2024-07-01', [stock('100090', { name: '예전' })])

    const refused = promoteBatch(database(), late)

    await expect(refused).rejects.toBeInstanceOf(StaleSnapshotError)
    await expect(refused).rejects.toThrow('stocks batch of 2024-07-01 is older than the stock master already promoted for 1 of its stocks (100090 as of 2024-08-01)')
    expect(await stockRow('100090')).toMatchObject({ name: '최신' })
  })
})
