import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chromium, type Browser } from 'playwright-core'
import { DAY_GRAIN_DATASETS, createLogger } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import type { RunningSimulator } from '@kmd/source-simulator'
import { startDashboardServer, type DashboardServer } from '../src/index.ts'
import { startSmallMarket } from './load.ts'

const CHROMIUM = '/usr/bin/chromium'
// The README's picture is redrawn on request (UPDATE_SCREENSHOTS=1), so a plain test run leaves the tree clean.
const SCREENSHOT = fileURLToPath(new URL(process.env.UPDATE_SCREENSHOTS === '1' ? '../../../docs/dashboard.png' : '../../../test-results/dashboard.png', import.meta.url))

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let server: DashboardServer
let browser: Browser

// Five trading days around Christmas (2025-12-25, market closed), as the demo loads them.
const LOADED = ['2025-12-19', '2025-12-22', '2025-12-23', '2025-12-24', '2025-12-26']
const HOLIDAY = '2025-12-25'
const RERUN_DAY = '2025-12-24'
// Monday morning after, in Korea.
const NOW = new Date('2025-12-29T01:00:00Z')

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`)
  const market = await startSmallMarket(50)
  simulator = market.simulator
  const database = testDb.current.database
  for (const date of LOADED) for (const dataset of DAY_GRAIN_DATASETS) expect((await market.load(database, dataset, date)).status).toBe('SUCCESS')
  // A re-run that gets bars with high and low swapped: its rows are rejected and the rule fires,
  // while production keeps the day's earlier rows, so the day stays complete.
  simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
  expect((await market.load(database, 'ohlcv_daily', RERUN_DAY)).status).toBe('PARTIAL')
  // What the default job table promises that Monday: Friday's evening loads, due six hours after their slots.
  const freshnessTargets = () => DAY_GRAIN_DATASETS.map((dataset) => ({
    dataset, job: dataset, staleAfterHours: 6, expectedTradeDate: '2025-12-26', dueBy: new Date(dataset === 'investor_trading' ? '2025-12-26T16:00:00Z' : '2025-12-26T15:30:00Z'),
  }))
  server = await startDashboardServer({ database, logger: createLogger({ level: 'silent' }), host: '127.0.0.1', port: 0, weeks: 3, clock: () => NOW, freshnessTargets })
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] })
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
  await simulator?.stop()
})

describe('the dashboard in a browser', () => {
  test('shows the loaded days complete and the holiday skipped; a day opens on its runs and checks', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
    const response = await page.goto(`${server.url}/`)
    expect(response?.status()).toBe(200)
    const cell = (dataset: string, date: string) => page.locator(`.heat-map[data-dataset="${dataset}"] [data-date="${date}"]`)
    for (const dataset of DAY_GRAIN_DATASETS) {
      for (const date of LOADED) expect(await cell(dataset, date).getAttribute('data-status')).toBe('complete')
      expect(await cell(dataset, HOLIDAY).getAttribute('data-status')).toBe('holiday')
    }
    await expect.poll(() => page.locator('figure.chart canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('table.freshness td.verdict-fresh').count()).toBe(DAY_GRAIN_DATASETS.length)
    // The README shows it; one backend is enough to draw it.
    if (process.env.TEST_BACKEND === 'embedded') await page.screenshot({ path: SCREENSHOT, fullPage: true })

    await cell('ohlcv_daily', RERUN_DAY).click()
    await page.waitForURL(/\/day\?/)
    expect(await page.locator('h2#day').textContent()).toContain(RERUN_DAY)
    const check = page.locator('section.run').first().locator('tr[data-check="ohlc_consistency"]')
    expect(await check.locator('td').nth(2).textContent()).toBe('found issues')
    expect(await page.locator('section.run').count()).toBe(2)
    await page.close()
  })
})
