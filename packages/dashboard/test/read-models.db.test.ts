import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import type { RunningSimulator } from '@kmd/source-simulator'
import { openDashboardDatabase, parseIsoWeek, readDay, readHeatMap, readStock, readWeeklyReport, renderReportHtml, renderReportMarkdown, type DatasetHeatMap } from '../src/index.ts'
import { startSmallMarket } from './load.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator

// ISO week 2025-W52: Christmas (Thursday the 25th) closes the market.
const WEEK = parseIsoWeek('2025-W52')
const CLEAN_DAY = '2025-12-22'
const BAD_ROWS_DAY = '2025-12-23'
const FAILED_DAY = '2025-12-24'
const HOLIDAY = '2025-12-25'
const UNLOADED_DAY = '2025-12-26'
const LATER = new Date('2026-01-05T00:00:00Z')

beforeAll(async () => {
  const market = await startSmallMarket(50)
  simulator = market.simulator
  const database = testDb.current.database
  expect((await market.load(database, 'ohlcv_daily', CLEAN_DAY)).status).toBe('SUCCESS')
  // Bars whose high and low are swapped: ohlc_consistency rejects them, the day is loaded short.
  simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
  expect((await market.load(database, 'ohlcv_daily', BAD_ROWS_DAY)).status).toBe('PARTIAL')
  simulator.faults.inject({ kind: 'http500', match: { bld: 'MDCSTAT01501' }, times: Infinity })
  expect((await market.load(database, 'ohlcv_daily', FAILED_DAY)).status).toBe('FAILED')
  simulator.faults.clear()
})
afterAll(async () => {
  await simulator?.stop()
})

const statusOf = (maps: DatasetHeatMap[], dataset: string, date: string) => maps.find((map) => map.dataset === dataset)?.cells.find((cell) => cell.date === date)?.status

describe('dashboard read models over real runs', () => {
  test('the heat-map tells complete, partial, failed, missing and holiday-skipped days apart', async () => {
    const maps = await readHeatMap(testDb.current.database, { from: WEEK.monday, to: WEEK.sunday, today: '2026-01-05' })
    expect(maps.map((map) => map.dataset)).toEqual(['ohlcv_daily', 'market_cap_daily', 'investor_trading', 'ohlcv_minute'])
    expect(maps[0]!.cells.map((cell) => cell.date)).toEqual(['2025-12-22', '2025-12-23', '2025-12-24', '2025-12-25', '2025-12-26'])
    expect(statusOf(maps, 'ohlcv_daily', CLEAN_DAY)).toBe('complete')
    expect(statusOf(maps, 'ohlcv_daily', BAD_ROWS_DAY)).toBe('partial')
    expect(statusOf(maps, 'ohlcv_daily', FAILED_DAY)).toBe('failed')
    expect(statusOf(maps, 'ohlcv_daily', HOLIDAY)).toBe('holiday')
    expect(statusOf(maps, 'ohlcv_daily', UNLOADED_DAY)).toBe('missing')
    expect(statusOf(maps, 'investor_trading', CLEAN_DAY)).toBe('missing')
    // Seen from inside the week, its last day is not yet due.
    const during = await readHeatMap(testDb.current.database, { from: WEEK.monday, to: WEEK.sunday, today: UNLOADED_DAY })
    expect(statusOf(during, 'ohlcv_daily', UNLOADED_DAY)).toBe('future')
  })

  test('a day lists its runs with their checks, and a stock its bars with the findings that name it', async () => {
    const day = await readDay(testDb.current.database, BAD_ROWS_DAY, 'ohlcv_daily')
    expect(day.runs).toHaveLength(1)
    const ohlc = day.runs[0]!.checks.find((check) => check.checkName === 'ohlc_consistency')!
    expect(ohlc.passed).toBe(false)
    expect(ohlc.sampleKeys[0]).toMatch(new RegExp(`^[0-9A-Z]{6}@${BAD_ROWS_DAY}$`))
    expect(day.completeness[0]).toMatchObject({ dataset: 'ohlcv_daily', complete: false })

    const code = ohlc.sampleKeys[0]!.slice(0, 6)
    const stock = await readStock(testDb.current.database, code, { from: WEEK.monday, to: WEEK.sunday })
    expect(stock.bars.map((bar) => bar.date)).toEqual([CLEAN_DAY])
    expect(stock.warnings).toContainEqual(expect.objectContaining({ date: BAD_ROWS_DAY, checkName: 'ohlc_consistency' }))
  })

  test('the weekly report of the week names the day a rule fired, the rule, and the failed day', async () => {
    const report = await readWeeklyReport(testDb.current.database, WEEK, LATER)
    expect(report.holidays).toEqual([{ date: HOLIDAY, name: expect.any(String) }])
    expect(report.statusCounts[0]).toEqual({ dataset: 'ohlcv_daily', counts: { complete: 1, partial: 1, failed: 1, missing: 1, holiday: 1, future: 0 } })
    expect(report.rules.find((rule) => rule.checkName === 'ohlc_consistency')).toMatchObject({ dataset: 'ohlcv_daily', fired: 1, firedBefore: 0, days: [BAD_ROWS_DAY] })
    expect(report.failedRuns).toEqual([expect.objectContaining({ tradeDate: FAILED_DAY, dataset: 'ohlcv_daily', status: 'FAILED' })])

    const markdown = renderReportMarkdown(report)
    expect(markdown).toMatch(new RegExp(`ohlcv_daily \`ohlc_consistency\` \\(reject\\): fired 1× on ${BAD_ROWS_DAY}`))
    expect(markdown).toContain(`- ${FAILED_DAY} ohlcv_daily from krx: FAILED`)
    expect(markdown).toMatch(new RegExp(`- ${BAD_ROWS_DAY} ohlcv_daily: \\d+ of 50 keys missing`))

    const page = renderReportHtml(report)
    // Self-contained: the chart library is inside, nothing is fetched.
    expect(page).toContain('uPlot')
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/)
    expect(page).toContain('ohlc_consistency')
  })
})

describe('the dashboard connection', () => {
  // On a server: the test's own database; embedded: a fresh in-memory engine opened the same way.
  test('refuses to write', async () => {
    const reader = await openDashboardDatabase({ dashboard: { host: '127.0.0.1', databaseUrl: undefined }, databaseUrl: testDb.current.url, embeddedDataDir: 'memory://' })
    try {
      await expect(sql`create table dashboard_write_attempt (x integer)`.execute(reader.db)).rejects.toThrow(/read-only transaction/)
      expect((await sql<{ one: number }>`select 1 as one`.execute(reader.db)).rows).toEqual([{ one: 1 }])
    } finally {
      await reader.close()
    }
  })
})
