import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { detectCapabilities, migrateToLatest } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

// Migration 0018 on a database that already holds data: migrated to 0017, filled, aggregates
// brought up to date the way 0017 knew, then migrated to latest.
const BEFORE = '0017_staging_purge'
const AGGREGATES = ['ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly'] as const

let target: TestDatabase
let timescale = false
const db = () => target.database.db as unknown as Kysely<any>

async function fill(): Promise<void> {
  await sql`
    insert into ohlcv_daily (stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, source) values
      ('005930', '2024-02-28', 73000, 73500, 72500, 73100, 100, 7310000, 'krx'),
      ('005930', '2024-02-29', 73100, 74000, 72900, 73400, 200, 14680000, 'krx'),
      ('005930', '2024-03-04', 72800, 73900, 72600, 73300, 300, 21990000, 'krx'),
      ('005930', '2024-03-05', 73300, 73400, 72000, 72400, 400, 28960000, 'krx'),
      ('079190', '2024-03-04', null, null, null, 2780, 0, 0, 'krx'),
      ('079190', '2024-03-05', 2780, 2900, 2700, 2850, 50, 142500, 'krx')`.execute(db())
  await sql`
    insert into investor_trading (stock_code, investor_type, time, sell_volume, buy_volume, net_buy_volume, sell_value, buy_value, net_buy_value, source) values
      ('005930', 'pension_fund', '2024-03-04', 100, 150, 50, 7300000, 10950000, 3650000, 'krx'),
      ('005930', 'pension_fund', '2024-03-05', 40, 30, -10, 2920000, 2190000, -730000, 'krx'),
      ('005930', 'individual', '2024-03-04', 200, 160, -40, 14600000, 11680000, -2920000, 'krx')`.execute(db())
  for (const view of AGGREGATES) {
    if (timescale) await sql`call refresh_continuous_aggregate(${view}::regclass, null, null)`.execute(db())
    else await sql`refresh materialized view ${sql.table(view)}`.execute(db())
  }
}

async function contents(): Promise<Record<string, unknown[]>> {
  const all: Record<string, unknown[]> = {}
  for (const view of AGGREGATES) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(view)}`.execute(db())
    all[view] = rows.map((row) => JSON.stringify(row)).sort()
  }
  return all
}

beforeAll(async () => {
  target = await openTestDatabase()
  const before = await migrateToLatest(db(), { through: BEFORE })
  if (before.error) throw before.error
  timescale = (await detectCapabilities(db())).timescaledbInstalled
  // TimescaleDB refuses to refresh inside a transaction: outside one here.
  await fill()
})
afterAll(async () => {
  await target?.dispose()
})

describe('0018: aggregate tables on plain PostgreSQL', () => {
  test('a database holding data migrates with identical aggregate contents; plain PostgreSQL then holds tables with the same keys, readable by market_reader', async () => {
    const before = await contents()
    expect(before.ohlcv_weekly).toHaveLength(3)
    const outcome = await migrateToLatest(db())
    expect(outcome.error).toBeUndefined()
    expect(outcome.applied).toContain('0018_aggregate_tables')
    expect(await contents()).toEqual(before)

    const { rows } = await sql<{ relname: string; relkind: string; key: string | null }>`
      select c.relname, c.relkind::text as relkind,
             (select pg_get_indexdef(i.indexrelid) from pg_index i where i.indrelid = c.oid and i.indisunique limit 1) as key
      from pg_class c where c.relnamespace = 'public'::regnamespace and c.relname = any(${[...AGGREGATES]}) order by c.relname`.execute(db())
    if (timescale) {
      expect(rows.map((row) => row.relkind)).toEqual(['v', 'v', 'v']) // continuous aggregates, untouched
      return
    }
    expect(rows.map((row) => [row.relname, row.relkind, row.key?.replace(/^.* USING btree /, '')])).toEqual([
      ['investor_trading_weekly', 'r', '(stock_code, investor_type, bucket)'],
      ['ohlcv_monthly', 'r', '(stock_code, bucket)'],
      ['ohlcv_weekly', 'r', '(stock_code, bucket)'],
    ])
    await db().connection().execute(async (connection) => {
      await sql`set role market_reader`.execute(connection)
      try {
        for (const view of AGGREGATES) await expect(sql`select count(*) from ${sql.table(view)}`.execute(connection), view).resolves.toBeDefined()
        await expect(sql`delete from ohlcv_weekly`.execute(connection)).rejects.toThrow(/permission denied/)
      } finally {
        await sql`reset role`.execute(connection)
      }
    })
  })
})
