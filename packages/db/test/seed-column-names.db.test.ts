import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { detectCapabilities, migrateToLatest } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

// Migration 0015 on a database that already holds data: migrated to 0014, filled, then to latest.
const BEFORE = '0014_staging_batch_estimates'
const HYPERTABLES = ['ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute']

let target: TestDatabase
let timescale = false
const db = () => target.database.db as unknown as Kysely<any>

/** Rows in every renamed table, under the names 0014 knew. */
async function fillUnderOldNames(): Promise<void> {
  await sql`
    insert into ohlcv_daily (stock_code, time, open, high, low, close, volume, trading_value, change, change_rate, source) values
      ('005930', '2020-01-02', 55500, 56000, 55000, 55200, 12993228, 719000000000, -600, -1.08, 'krx'),
      ('005930', '2024-03-04', 72800, 73900, 72600, 73300, 19040000, 1400000000000, 500, 0.69, 'krx'),
      ('005930', '2024-03-05', 73300, 73400, 72000, 72400, 20000000, 1450000000000, -900, -1.23, 'krx'),
      ('079190', '2024-03-04', null, null, null, 2780, 0, 0, 0, 0, 'krx')`.execute(db())
  await sql`
    insert into ohlcv_minute (stock_code, time, open, high, low, close, volume, trading_value, source) values
      ('005930', '2024-03-04 09:01+09', 72800, 73000, 72700, 72900, 150000, 10935000000, 'kis')`.execute(db())
  await sql`
    insert into market_cap_daily (stock_code, time, close, market_cap, listed_shares, source) values
      ('005930', '2020-01-02', 55200, 329531987760000, 5969782550, 'krx'),
      ('005930', '2024-03-04', 73300, 437585060915000, 5969782550, 'krx')`.execute(db())
  await sql`
    insert into investor_trading (stock_code, investor_type, time, sell_volume, buy_volume, net_volume, sell_value, buy_value, net_value, source) values
      ('005930', 'pension_fund', '2024-03-04', 100, 150, 50, 7300000, 10950000, 3650000, 'krx'),
      ('005930', 'bank', '2024-03-04', 40, 30, -10, 2920000, 2190000, -730000, 'krx'),
      ('005930', 'individual', '2024-03-04', 200, 160, -40, 14600000, 11680000, -2920000, 'krx')`.execute(db())
  await sql`
    insert into floating_shares (stock_code, effective_date, total_shares, floating_shares, floating_ratio, source) values
      ('005930', '2024-03-29', 5969782550, 4460953497, 74.7272, 'file')`.execute(db())
  await sql`
    insert into etf_portfolios (etf_code, trade_date, component_code, component_name, shares_per_cu, valuation_amount, component_amount, weight_pct, source) values
      ('152100', '2024-03-04', '005930', '삼성전자', 8140.00, 596662000.00, 596662000.00, 31.7400, 'krx'),
      ('152100', '2024-03-04', 'US0378331005', 'APPLE INC', 12.57, 3000000.55, 3000000.55, 0.1600, 'krx')`.execute(db())
  await sql`
    insert into staging.ohlcv_daily (batch_id, row_number, stock_code, time, open, high, low, close, volume, trading_value)
    values ('00000000-0000-0000-0000-000000000001', 1, '005930', '2024-03-05', 73300, 73400, 72000, 72400.5, 20000000, 1450000000000)`.execute(db())
  // A reader's view over a renamed column, as sql/10_views.sql had investor_trading_institution.
  await sql`
    create view investor_trading_institution as
    select t.stock_code, t.time, sum(t.net_volume) as net_volume, sum(t.net_value) as net_value
    from investor_trading t join investor_types it using (investor_type)
    where it.is_institution group by t.stock_code, t.time`.execute(db())
}

/** The chunks TimescaleDB holds compressed, per hypertable. */
async function compressedChunks(): Promise<Record<string, string[]>> {
  const { rows } = await sql<{ hypertable_name: string; chunk_name: string }>`
    select hypertable_name, chunk_name from timescaledb_information.chunks
    where hypertable_schema = 'public' and is_compressed order by hypertable_name, chunk_name`.execute(db())
  const chunks: Record<string, string[]> = {}
  for (const row of rows) (chunks[row.hypertable_name] ??= []).push(row.chunk_name)
  return chunks
}

async function columnTypes(table: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ column_name: string; type: string }>`
    select a.attname as column_name, format_type(a.atttypid, a.atttypmod) as type
    from pg_attribute a where a.attrelid = to_regclass(${table}) and a.attnum > 0 and not a.attisdropped`.execute(db())
  return Object.fromEntries(rows.map((row) => [row.column_name, row.type]))
}

beforeAll(async () => {
  target = await openTestDatabase()
  const before = await migrateToLatest(db(), { through: BEFORE })
  if (before.error) throw before.error
  timescale = (await detectCapabilities(db())).timescaledbInstalled
  await fillUnderOldNames()
  if (timescale) {
    for (const table of HYPERTABLES) await sql`select compress_chunk(c) from show_chunks(${table}::regclass) c`.execute(db())
  }
})
afterAll(async () => {
  await target?.dispose()
})

describe('0015: the seed design column names, whole-won prices', () => {
  let compressedBefore: Record<string, string[]> = {}

  test('migrates a database holding data (compressed chunks on TimescaleDB) to the latest version', async () => {
    if (timescale) {
      compressedBefore = await compressedChunks()
      expect(Object.keys(compressedBefore).sort()).toEqual([...HYPERTABLES].sort())
    }
    const outcome = await migrateToLatest(db())
    expect(outcome.error).toBeUndefined()
    expect(outcome.applied).toContain('0015_seed_column_names')
    expect(outcome.scriptsApplied).toEqual(['10_views.sql', '90_grants.sql'])
  })

  test('every row reads back under the new names with identical values; prices are whole won', async () => {
    const daily = await sql`
      select stock_code, time, open_price, high_price, low_price, close_price, volume, trading_value, change, change_rate
      from ohlcv_daily order by stock_code, time`.execute(db())
    expect(daily.rows).toEqual([
      { stock_code: '005930', time: '2020-01-02', open_price: 55500, high_price: 56000, low_price: 55000, close_price: 55200, volume: 12993228, trading_value: 719000000000, change: -600, change_rate: '-1.08' },
      { stock_code: '005930', time: '2024-03-04', open_price: 72800, high_price: 73900, low_price: 72600, close_price: 73300, volume: 19040000, trading_value: 1400000000000, change: 500, change_rate: '0.69' },
      { stock_code: '005930', time: '2024-03-05', open_price: 73300, high_price: 73400, low_price: 72000, close_price: 72400, volume: 20000000, trading_value: 1450000000000, change: -900, change_rate: '-1.23' },
      { stock_code: '079190', time: '2024-03-04', open_price: null, high_price: null, low_price: null, close_price: 2780, volume: 0, trading_value: 0, change: 0, change_rate: '0.00' },
    ])
    const minute = await sql`select stock_code, open_price, high_price, low_price, close_price, volume from ohlcv_minute`.execute(db())
    expect(minute.rows).toEqual([{ stock_code: '005930', open_price: 72800, high_price: 73000, low_price: 72700, close_price: 72900, volume: 150000 }])
    const cap = await sql`select time, close_price, market_cap, shares_outstanding from market_cap_daily order by time`.execute(db())
    expect(cap.rows).toEqual([
      { time: '2020-01-02', close_price: 55200, market_cap: 329531987760000, shares_outstanding: 5969782550 },
      { time: '2024-03-04', close_price: 73300, market_cap: 437585060915000, shares_outstanding: 5969782550 },
    ])
    const flows = await sql`select investor_type, net_buy_volume, net_buy_value from investor_trading order by investor_type`.execute(db())
    expect(flows.rows).toEqual([
      { investor_type: 'bank', net_buy_volume: -10, net_buy_value: -730000 },
      { investor_type: 'individual', net_buy_volume: -40, net_buy_value: -2920000 },
      { investor_type: 'pension_fund', net_buy_volume: 50, net_buy_value: 3650000 },
    ])
    const floating = await sql`select stock_code, base_date, floating_ratio from floating_shares`.execute(db())
    expect(floating.rows).toEqual([{ stock_code: '005930', base_date: '2024-03-29', floating_ratio: '74.7272' }])
    const etf = await sql`select component_code, base_date, shares, valuation_amount, weight from etf_portfolios order by component_code`.execute(db())
    expect(etf.rows).toEqual([
      { component_code: '005930', base_date: '2024-03-04', shares: '8140.00', valuation_amount: '596662000.00', weight: '31.7400' },
      { component_code: 'US0378331005', base_date: '2024-03-04', shares: '12.57', valuation_amount: '3000000.55', weight: '0.1600' },
    ])
    const staged = await sql`select close_price from staging.ohlcv_daily`.execute(db())
    expect(staged.rows).toEqual([{ close_price: '72400.5' }])
  })

  test('production prices are bigint, staging keeps numeric, no old name is left', async () => {
    expect(await columnTypes('ohlcv_daily')).toMatchObject({
      open_price: 'bigint', high_price: 'bigint', low_price: 'bigint', close_price: 'bigint', change: 'bigint', change_rate: 'numeric(9,2)',
    })
    expect(await columnTypes('ohlcv_minute')).toMatchObject({ open_price: 'bigint', high_price: 'bigint', low_price: 'bigint', close_price: 'bigint' })
    expect(await columnTypes('market_cap_daily')).toMatchObject({ close_price: 'bigint', shares_outstanding: 'bigint' })
    expect(await columnTypes('etf_portfolios')).toMatchObject({ shares: 'numeric(24,2)', weight: 'numeric(9,4)', base_date: 'date' })
    expect(await columnTypes('staging.ohlcv_daily')).toMatchObject({ close_price: 'numeric' })
    const { rows } = await sql<{ relation: string }>`
      select c.relnamespace::regnamespace || '.' || c.relname || '.' || a.attname as relation
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace in ('public'::regnamespace, 'staging'::regnamespace) and a.attnum > 0 and not a.attisdropped
        and (c.relname, a.attname) in (
          ('ohlcv_daily', 'open'), ('ohlcv_daily', 'close'), ('ohlcv_minute', 'close'), ('market_cap_daily', 'close'),
          ('market_cap_daily', 'listed_shares'), ('investor_trading', 'net_volume'), ('investor_trading', 'net_value'),
          ('floating_shares', 'effective_date'), ('etf_portfolios', 'trade_date'), ('etf_portfolios', 'weight_pct'),
          ('etf_portfolios', 'shares_per_cu'), ('ohlcv_weekly', 'close'), ('investor_trading_weekly', 'net_volume'))`.execute(db())
    expect(rows).toEqual([])
  })

  test('the aggregates and the institution view answer under the new names, history included', async () => {
    if (timescale) {
      // A promotion refreshes only the buckets it touched; history must stay visible after it.
      await sql`call refresh_continuous_aggregate('ohlcv_weekly', '2024-03-04'::date, '2024-03-11'::date)`.execute(db())
    }
    const weekly = await sql`
      select bucket, open_price, high_price, low_price, close_price, volume, trading_days
      from ohlcv_weekly where stock_code = '005930' order by bucket`.execute(db())
    expect(weekly.rows).toEqual([
      { bucket: '2019-12-30', open_price: 55500, high_price: 56000, low_price: 55000, close_price: 55200, volume: '12993228', trading_days: 1 },
      { bucket: '2024-03-04', open_price: 72800, high_price: 73900, low_price: 72000, close_price: 72400, volume: '39040000', trading_days: 2 },
    ])
    const monthly = await sql`select bucket, close_price from ohlcv_monthly where stock_code = '005930' order by bucket`.execute(db())
    expect(monthly.rows).toEqual([
      { bucket: '2020-01-01', close_price: 55200 },
      { bucket: '2024-03-01', close_price: 72400 },
    ])
    const flows = await sql`
      select investor_type, net_buy_volume, net_buy_value from investor_trading_weekly where stock_code = '005930' order by investor_type`.execute(db())
    expect(flows.rows).toEqual([
      { investor_type: 'bank', net_buy_volume: '-10', net_buy_value: '-730000' },
      { investor_type: 'individual', net_buy_volume: '-40', net_buy_value: '-2920000' },
      { investor_type: 'pension_fund', net_buy_volume: '50', net_buy_value: '3650000' },
    ])
    const institutions = await sql`
      select investor_group, net_buy_volume, net_buy_value from investor_trading_institution order by investor_group`.execute(db())
    expect(institutions.rows).toEqual([
      { investor_group: 'institution_ex_pension', net_buy_volume: '-10', net_buy_value: '-730000' },
      { investor_group: 'institution_total', net_buy_volume: '40', net_buy_value: '2920000' },
    ])
  })

  test('with TimescaleDB: compression settings, policies and compressed chunks are as they were', async (context) => {
    if (!timescale) context.skip()
    expect(await compressedChunks()).toEqual(compressedBefore)
    const settings = await sql<{ hypertable: string; segmentby: string; orderby: string }>`
      select hypertable::text, segmentby, orderby from timescaledb_information.hypertable_compression_settings
      where hypertable::text = any(${HYPERTABLES}) order by 1`.execute(db())
    expect(settings.rows).toEqual([
      { hypertable: 'investor_trading', segmentby: 'stock_code', orderby: '"time" DESC,investor_type' },
      { hypertable: 'market_cap_daily', segmentby: 'stock_code', orderby: '"time" DESC' },
      { hypertable: 'ohlcv_daily', segmentby: 'stock_code', orderby: '"time" DESC' },
      { hypertable: 'ohlcv_minute', segmentby: 'stock_code', orderby: '"time" DESC' },
    ])
    const policies = await sql<{ proc_name: string; name: string; after: string }>`
      select proc_name, hypertable_name as name, coalesce(config ->> 'compress_after', config ->> 'start_offset') as after
      from timescaledb_information.jobs
      where proc_name in ('policy_compression', 'policy_refresh_continuous_aggregate')
        and hypertable_name = any(${[...HYPERTABLES, 'ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly']})
      order by proc_name, hypertable_name`.execute(db())
    expect(policies.rows).toEqual([
      { proc_name: 'policy_compression', name: 'investor_trading', after: '180 days' },
      { proc_name: 'policy_compression', name: 'market_cap_daily', after: '180 days' },
      { proc_name: 'policy_compression', name: 'ohlcv_daily', after: '180 days' },
      { proc_name: 'policy_compression', name: 'ohlcv_minute', after: '7 days' },
      { proc_name: 'policy_refresh_continuous_aggregate', name: 'investor_trading_weekly', after: '2 mons' },
      { proc_name: 'policy_refresh_continuous_aggregate', name: 'ohlcv_monthly', after: '4 mons' },
      { proc_name: 'policy_refresh_continuous_aggregate', name: 'ohlcv_weekly', after: '2 mons' },
    ])
  })
})

describe('0015 with a price that has a fraction of a won', () => {
  let other: TestDatabase
  beforeAll(async () => {
    other = await openTestDatabase()
  })
  afterAll(async () => {
    await other?.dispose()
  })

  test('stops, naming the row, and changes nothing rather than round it', async () => {
    const otherDb = other.database.db as unknown as Kysely<any>
    const before = await migrateToLatest(otherDb, { through: BEFORE })
    expect(before.error).toBeUndefined()
    await sql`
      insert into ohlcv_daily (stock_code, time, open, high, low, close, volume, trading_value, source)
      values ('005930', '2024-03-04', 71000, 71500, 70500, 71000.5, 10, 710005, 'krx')`.execute(otherDb)
    const outcome = await migrateToLatest(otherDb)
    expect(String(outcome.error)).toMatch(/ohlcv_daily: prices with a fraction of a won \(005930@2024-03-04\) cannot become whole won/)
    const { rows } = await sql`select close from ohlcv_daily`.execute(otherDb)
    expect(rows).toEqual([{ close: '71000.50' }])
  })
})
