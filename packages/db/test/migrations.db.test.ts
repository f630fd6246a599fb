import { readdir } from 'node:fs/promises'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { aggregateDefinition, aggregateSelect, detectCapabilities, INVESTOR_TYPE_DEFINITIONS, migrateToLatest, MIGRATIONS_DIR, type Capabilities } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

const TIME_SERIES_TABLES = ['ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute']
const AGGREGATES = ['ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly']
// Over ohlcv_minute (0021): continuous aggregates with TimescaleDB, plain views without.
const MINUTE_AGGREGATES = ['ohlcv_5min', 'ohlcv_hourly']

let test_: TestDatabase
let capabilities: Capabilities
const db = () => test_.database.db

beforeAll(async () => {
  test_ = await openTestDatabase()
})
afterAll(async () => {
  await test_?.dispose()
})

describe('migrations', () => {
  test('apply on a fresh database, then re-apply as a no-op', async () => {
    const first = await migrateToLatest(db())
    expect(first.error).toBeUndefined()
    // Every NNNN_name.ts of migrations/, in order (other engineers add theirs concurrently).
    const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d{4}_[a-z0-9_]+\.ts$/.test(file)).sort()
    expect(first.applied).toEqual(files.map((file) => file.replace(/\.ts$/, '')))
    expect(first.applied.slice(0, 3)).toEqual(['0001_reference_data', '0002_time_series', '0003_aggregates'])
    expect(first.applied).toContain('0012_pipeline_locks')
    expect(first.scriptsApplied).toEqual(['10_views.sql', '90_grants.sql'])

    const second = await migrateToLatest(db())
    expect(second.error).toBeUndefined()
    expect(second.applied).toEqual([])
    expect(second.scriptsApplied).toEqual([])
    capabilities = await detectCapabilities(db())
  })

  test('the embedded database always has TimescaleDB', () => {
    if (test_.backend === 'embedded') expect(capabilities.timescaledbInstalled).toBe(true)
    expect(capabilities.postgresMajor).toBeGreaterThanOrEqual(15)
  })

  test('every time-series table has a unique key that includes its time column', async () => {
    const { rows } = await sql<{ table_name: string; columns: string[] }>`
      select c.relname as table_name,
             array_agg(a.attname order by k.ordinality)::text[] as columns
      from pg_index i
      join pg_class c on c.oid = i.indrelid
      join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
      cross join lateral unnest(i.indkey) with ordinality as k(attnum, ordinality)
      join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where i.indisprimary and c.relname in ('ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute')
      group by c.relname
      order by c.relname`.execute(db())
    expect(rows).toEqual([
      { table_name: 'investor_trading', columns: ['stock_code', 'investor_type', 'time'] },
      { table_name: 'market_cap_daily', columns: ['stock_code', 'time'] },
      { table_name: 'ohlcv_daily', columns: ['stock_code', 'time'] },
      { table_name: 'ohlcv_minute', columns: ['stock_code', 'time'] },
    ])
  })

  test('with TimescaleDB: hypertables with compression settings, and continuous aggregates', async (context) => {
    if (!capabilities.timescaledbInstalled) context.skip()
    const hypertables = await sql<{ hypertable_name: string; compression_enabled: boolean }>`
      select hypertable_name, compression_enabled from timescaledb_information.hypertables
      where hypertable_schema = 'public' order by hypertable_name`.execute(db())
    expect(hypertables.rows).toEqual(
      [...TIME_SERIES_TABLES].sort().map((name) => ({ hypertable_name: name, compression_enabled: true })),
    )
    const segmentBy = await sql<{ hypertable_name: string; attname: string }>`
      select hypertable_name, attname from timescaledb_information.compression_settings
      where segmentby_column_index is not null order by hypertable_name`.execute(db())
    expect(segmentBy.rows.map((r) => `${r.hypertable_name}.${r.attname}`)).toEqual([
      'investor_trading.stock_code',
      'market_cap_daily.stock_code',
      'ohlcv_daily.stock_code',
      'ohlcv_minute.stock_code',
    ])
    const orderBy = await sql<{ hypertable_name: string; orderby_asc: boolean }>`
      select hypertable_name, orderby_asc from timescaledb_information.compression_settings
      where attname = 'time' and orderby_column_index = 1`.execute(db())
    expect(orderBy.rows).toHaveLength(4)
    expect(orderBy.rows.every((r) => r.orderby_asc === false)).toBe(true)

    const chunks = await sql<{ hypertable_name: string; interval: string }>`
      select hypertable_name, time_interval::text as interval from timescaledb_information.dimensions
      where hypertable_schema = 'public' order by hypertable_name`.execute(db())
    expect(Object.fromEntries(chunks.rows.map((r) => [r.hypertable_name, r.interval]))).toEqual({
      investor_trading: '365 days',
      market_cap_daily: '365 days',
      ohlcv_daily: '365 days',
      ohlcv_minute: '1 day',
    })

    const caggs = await sql<{ view_name: string; materialized_only: boolean }>`
      select view_name, materialized_only from timescaledb_information.continuous_aggregates order by view_name`.execute(db())
    expect(caggs.rows).toEqual([...AGGREGATES, ...MINUTE_AGGREGATES].sort().map((view_name) => ({ view_name, materialized_only: false })))

    const policies = await sql<{ proc_name: string; hypertable_name: string }>`
      select proc_name, hypertable_name from timescaledb_information.jobs
      where proc_name in ('policy_compression', 'policy_refresh_continuous_aggregate', 'policy_retention')
      order by proc_name, hypertable_name`.execute(db())
    expect(policies.rows.filter((r) => r.proc_name === 'policy_compression')).toHaveLength(4)
    expect(policies.rows.filter((r) => r.proc_name === 'policy_refresh_continuous_aggregate')).toHaveLength(5)
  })

  test('without TimescaleDB: plain tables of the same names, aggregates included (0018)', async (context) => {
    if (capabilities.timescaledbInstalled) context.skip()
    const { rows } = await sql<{ relname: string; relkind: string }>`
      select relname, relkind::text from pg_class
      where relnamespace = 'public'::regnamespace and relname = any(${[...TIME_SERIES_TABLES, ...AGGREGATES, ...MINUTE_AGGREGATES]})
      order by relname`.execute(db())
    const kinds = Object.fromEntries(rows.map((r) => [r.relname, r.relkind]))
    for (const table of TIME_SERIES_TABLES) expect(kinds[table], table).toBe('r')
    for (const view of AGGREGATES) expect(kinds[view], view).toBe('r')
    for (const view of MINUTE_AGGREGATES) expect(kinds[view], view).toBe('v')
  })

  test('stock codes accept KRX six-character alphanumeric codes and nothing else', async () => {
    const insert = (code: string) =>
      db()
        .insertInto('ohlcv_daily')
        .values({ stock_code: code, time: '2024-01-02', open_price: 100, high_price: 110, low_price: 90, close_price: 105, volume: 10, trading_value: 1000, source: 'test' })
        .execute()
    await expect(insert('005930')).resolves.toBeDefined()
    await expect(insert('0041B0')).resolves.toBeDefined()
    for (const bad of ['5930', '0059300', 'abc123', '00 593', 'A-1234']) {
      await expect(insert(bad), bad).rejects.toThrow(/check constraint|too long/)
    }
  })

  test('an OHLC bar that contradicts itself is refused by the table', async () => {
    await expect(
      db()
        .insertInto('ohlcv_daily')
        .values({ stock_code: '000660', time: '2024-01-02', open_price: 100, high_price: 90, low_price: 95, close_price: 92, volume: 10, trading_value: 900, source: 'test' })
        .execute(),
    ).rejects.toThrow(/check constraint/)
  })

  test('investor types are the eleven KRX leaf groups; institution totals are derived views', async () => {
    const types = await db().selectFrom('investor_types').select('investor_type').orderBy('display_order').execute()
    expect(types.map((t) => t.investor_type)).toEqual([
      'financial_investment', 'insurance', 'investment_trust', 'private_equity', 'bank', 'other_financial',
      'pension_fund', 'other_corporation', 'individual', 'foreign', 'other_foreign',
    ])
    const nets: Record<string, number> = { financial_investment: 10, insurance: 5, pension_fund: 20, individual: -50, foreign: 15 }
    await db()
      .insertInto('investor_trading')
      .values(
        Object.entries(nets).map(([investor_type, net]) => ({
          stock_code: '005930', investor_type: investor_type as 'bank', time: '2024-01-02',
          sell_volume: 100, buy_volume: 100 + net, net_buy_volume: net, sell_value: 1000, buy_value: 1000 + net * 10, net_buy_value: net * 10, source: 'test',
        })),
      )
      .execute()
    const derived = await db().selectFrom('investor_trading_institution').select(['investor_group', 'net_buy_volume', 'net_buy_value']).orderBy('investor_group').execute()
    expect(derived).toEqual([
      { investor_group: 'institution_ex_pension', net_buy_volume: '15', net_buy_value: '150' },
      { investor_group: 'institution_total', net_buy_volume: '35', net_buy_value: '350' },
    ])
  })

  test('weekly and monthly aggregates read the daily bars under the same names on every backend', async () => {
    const bars = [
      ['2024-03-04', 100, 120, 95, 110],
      ['2024-03-05', 110, 130, 105, 125],
      ['2024-03-08', 125, 126, 90, 100],
      ['2024-03-11', 100, 101, 99, 100],
    ] as const
    await db()
      .insertInto('ohlcv_daily')
      .values(bars.map(([time, open, high, low, close]) => ({ stock_code: '035720', time, open_price: open, high_price: high, low_price: low, close_price: close, volume: 1000, trading_value: close * 1000, source: 'test' })))
      .execute()
    // Plain PostgreSQL: aggregate tables the promoter fills bucket by bucket; this test wrote
    // production directly, so it fills them with the same queries.
    if (!capabilities.timescaledbInstalled) {
      for (const view of ['ohlcv_weekly', 'ohlcv_monthly']) await sql`insert into ${sql.table(view)} ${aggregateSelect(false, aggregateDefinition(false, view))}`.execute(db())
    }
    const weekly = await db().selectFrom('ohlcv_weekly').selectAll().where('stock_code', '=', '035720').orderBy('bucket').execute()
    expect(weekly.map((w) => ({ bucket: w.bucket, open_price: w.open_price, high_price: w.high_price, low_price: w.low_price, close_price: w.close_price, volume: w.volume, days: Number(w.trading_days) }))).toEqual([
      { bucket: '2024-03-04', open_price: 100, high_price: 130, low_price: 90, close_price: 100, volume: '3000', days: 3 },
      { bucket: '2024-03-11', open_price: 100, high_price: 101, low_price: 99, close_price: 100, volume: '1000', days: 1 },
    ])
    const monthly = await db().selectFrom('ohlcv_monthly').selectAll().where('stock_code', '=', '035720').execute()
    expect(monthly).toHaveLength(1)
    expect(monthly[0]).toMatchObject({ open_price: 100, high_price: 130, low_price: 90, close_price: 100, volume: '4000' })
  })

  test('investor_types holds exactly the investor vocabulary the code maps sources onto', async () => {
    const rows = await db().selectFrom('investor_types').select(['investor_type', 'krx_code', 'name_ko', 'is_institution', 'is_pension']).orderBy('display_order').execute()
    expect(rows).toEqual(
      INVESTOR_TYPE_DEFINITIONS.map((type) => ({ investor_type: type.investorType, krx_code: type.krxCode, name_ko: type.nameKo, is_institution: type.isInstitution, is_pension: type.isPension })),
    )
  })
})
