import { randomBytes } from 'node:crypto'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { aggregateDefinition, aggregateKey, aggregateSelect, detectCapabilities } from '../src/index.ts'
import { useMigratedDatabase } from '../src/testing/index.ts'

const testDb = useMigratedDatabase()

const READABLE = [
  'stocks', 'sectors', 'index_components', 'floating_shares', 'etf_portfolios', 'market_calendar',
  'ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute',
  'ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly', 'investor_trading_institution', 'ohlcv_5min', 'ohlcv_hourly',
  'data_collection_logs', 'data_quality_checks', 'latest_collection_runs', 'data_freshness', 'quality_issues_last_7_days',
]

const REFUSED = [
  `insert into ohlcv_daily (stock_code, time, close_price, volume, trading_value, source) values ('005930', '2024-01-02', 1, 0, 0, 'x')`,
  `update stocks set name = 'x'`,
  `delete from data_collection_logs`,
  `truncate ohlcv_daily`,
  `create table reader_table (id int)`,
  `create schema reader_schema`,
  `select * from staging.ohlcv_daily`,
  `select * from staging.batches`,
]

/** A login in `group` for the duration of `work`, given the URL it connects with. */
async function withLogin(group: 'market_reader' | 'market_writer', work: (url: string) => Promise<void>): Promise<void> {
  const login = `${group.replace('market_', '')}_${randomBytes(4).toString('hex')}`
  const password = randomBytes(12).toString('hex')
  const db = testDb.current.database.db
  await sql`create role ${sql.id(login)} login password ${sql.lit(password)} in role ${sql.id(group)}`.execute(db)
  const url = new URL(testDb.current.url!)
  url.username = login
  url.password = password
  try {
    await work(url.toString())
  } finally {
    await sql`drop role ${sql.id(login)}`.execute(db)
  }
}

/** Runs statements as market_reader in one session: SET ROLE works on every backend. */
async function asReader(db: Kysely<any>, statement: string): Promise<void> {
  await db.connection().execute(async (connection) => {
    await sql`set role market_reader`.execute(connection)
    try {
      await sql.raw(statement).execute(connection)
    } finally {
      await sql`reset role`.execute(connection)
    }
  })
}

describe('market_reader role', () => {
  test('can SELECT production tables, aggregates, views and logs', async () => {
    for (const relation of READABLE) {
      await expect(asReader(testDb.current.database.db, `select * from ${relation} limit 1`), relation).resolves.toBeUndefined()
    }
  })

  test('is refused INSERT, UPDATE, DELETE, TRUNCATE, CREATE and any read of staging', async () => {
    for (const statement of REFUSED) {
      await expect(asReader(testDb.current.database.db, statement), statement).rejects.toThrow(/permission denied/)
    }
  })

  test('covers tables created later through default privileges', async () => {
    const db = testDb.current.database.db
    await sql`create table future_dataset (id int)`.execute(db)
    await expect(asReader(db, 'select * from future_dataset')).resolves.toBeUndefined()
    await expect(asReader(db, 'insert into future_dataset values (1)')).rejects.toThrow(/permission denied/)
  })

  test('a login in market_reader, over its own connection, reads and cannot write', async (context) => {
    const { url, backend } = testDb.current
    if (backend === 'embedded' || !url) context.skip()
    await withLogin('market_reader', async (readerUrl) => {
      const client = new pg.Client({ connectionString: readerUrl })
      await client.connect()
      try {
        await expect(client.query('select count(*) from ohlcv_daily')).resolves.toBeDefined()
        await expect(client.query('select count(*) from data_quality_checks')).resolves.toBeDefined()
        for (const statement of REFUSED) await expect(client.query(statement), statement).rejects.toThrow(/permission denied/)
      } finally {
        await client.end()
      }
    })
  })
})

describe('market_writer role', () => {
  test('a login in market_writer reads the capabilities, keeps the aggregates current, and cannot change the schema', async (context) => {
    const { url, backend } = testDb.current
    if (backend === 'embedded' || !url) context.skip()
    await withLogin('market_writer', async (writerUrl) => {
      const writer = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: writerUrl, max: 1 }) }) })
      try {
        const capabilities = await detectCapabilities(writer)
        // TimescaleDB: refresh the continuous aggregate it owns; plain PostgreSQL: write the aggregate table (0018).
        const weekly = aggregateDefinition(false, 'ohlcv_weekly')
        const refresh = capabilities.timescaledbInstalled
          ? sql`call refresh_continuous_aggregate('ohlcv_weekly', null, null)`
          : sql`insert into ohlcv_weekly ${aggregateSelect(false, weekly)} on conflict (${aggregateKey(weekly)}) do nothing`
        await expect(refresh.execute(writer)).resolves.toBeDefined()
        await expect(sql`create table writer_table (id int)`.execute(writer)).rejects.toThrow(/permission denied/)
      } finally {
        await writer.destroy()
      }
    })
  })
})
