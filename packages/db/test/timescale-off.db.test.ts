import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { detectCapabilities, migrateToLatest, planTimescale } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

const TIME_SERIES_TABLES = ['ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute']
const AGGREGATES = ['ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly']

let target: TestDatabase
const db = () => target.database.db

beforeAll(async () => {
  target = await openTestDatabase()
})
afterAll(async () => {
  await target?.dispose()
})

describe('TIMESCALEDB=off', () => {
  test('the capability readings name the engine and what the server preloads', async () => {
    const capabilities = await detectCapabilities(db())
    expect(capabilities.embedded).toBe(target.backend === 'embedded')
    if (target.backend === 'embedded') {
      expect(capabilities.timescaledbAvailable).toBe(true)
      expect(planTimescale(capabilities, 'auto', false)).toEqual({ action: 'install' })
    } else {
      expect(capabilities.serverAddress).toMatch(/^[\d.:a-f]+:\d+$/)
      const { rows } = await sql<{ preload: string }>`select current_setting('shared_preload_libraries') as preload`.execute(db())
      expect(capabilities.timescaledbPreloaded).toBe(rows[0]!.preload.includes('timescaledb'))
    }
  })

  test('migrates to plain tables, aggregates included, on every backend (the embedded one has TimescaleDB)', async () => {
    const outcome = await migrateToLatest(db(), { timescaledb: 'off' })
    expect(outcome.error).toBeUndefined()
    expect(outcome.plainReason).toBe('TIMESCALEDB=off')
    expect((await detectCapabilities(db())).timescaledbInstalled).toBe(false)
    const { rows } = await sql<{ relname: string; relkind: string }>`
      select relname, relkind::text from pg_class
      where relnamespace = 'public'::regnamespace and relname = any(${[...TIME_SERIES_TABLES, ...AGGREGATES]})`.execute(db())
    const kinds = Object.fromEntries(rows.map((r) => [r.relname, r.relkind]))
    for (const table of TIME_SERIES_TABLES) expect(kinds[table], table).toBe('r')
    for (const view of AGGREGATES) expect(kinds[view], view).toBe('r')

    // Later migrations keep it plain without being told again.
    const again = await migrateToLatest(db(), { timescaledb: 'auto' })
    expect(again.error).toBeUndefined()
    expect(again.plainReason).toMatch(/created without TimescaleDB|does not offer TimescaleDB/)
    expect((await detectCapabilities(db())).timescaledbInstalled).toBe(false)
  })

  test('TIMESCALEDB=on where the database cannot have it stops with the reason, applying nothing', async () => {
    const outcome = await migrateToLatest(db(), { timescaledb: 'on' })
    expect((outcome.error as Error).message).toMatch(/^TIMESCALEDB=on, but /)
    expect(outcome.applied).toEqual([])
  })
})
