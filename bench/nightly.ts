import { createLogger, DAY_GRAIN_DATASETS, lastTradingDays, loadConfig, previousTradingDay } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { createCollectors, runJob } from '@kmd/pipeline'

export interface NightlyResult {
  tradeDate: string
  datasets: Record<string, { rows: number; collectMs: number; stageMs: number; validateMs: number; promoteMs: number; totalMs: number }>
  totalMs: number
}

/** The last trading day up to this date is the nightly's; the backfill bench ends before it. */
const NIGHTLY_UP_TO = '2026-11-20'

/** The nightly load (every daily dataset for one trading day, whole synthetic market) from the simulator, after the night before. */
export async function measureNightly(database: MarketDatabase, simulatorUrl: string, progress: (line: string) => void): Promise<NightlyResult> {
  const config = loadConfig({ ...process.env, KRX_BASE_URL: simulatorUrl, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '1000' })
  const logger = createLogger({ level: 'warn' })
  const deps = { database, logger, collectors: createCollectors(config, logger) }

  // The night before first, so the price-limit and row-count rules have a previous day.
  const tradeDate = lastTradingDays(1, NIGHTLY_UP_TO)[0]!
  for (const dataset of DAY_GRAIN_DATASETS) await runJob(deps, { dataset, source: 'krx', tradeDate: previousTradingDay(tradeDate) })
  const nightly: NightlyResult = { tradeDate, datasets: {}, totalMs: 0 }
  const started = performance.now()
  for (const dataset of DAY_GRAIN_DATASETS) {
    const result = await runJob(deps, { dataset, source: 'krx', tradeDate })
    if (result.status !== 'SUCCESS' && result.status !== 'PARTIAL') throw new Error(`nightly ${dataset} ended ${result.status}: ${result.message}`)
    const t = result.timings
    const measured = {
      rows: result.valid,
      collectMs: t.collect ?? 0, stageMs: t.stage ?? 0, validateMs: t.validate ?? 0, promoteMs: t.promote ?? 0,
      totalMs: Object.values(t).reduce((a, b) => a + b, 0),
    }
    nightly.datasets[dataset] = measured
    progress(`nightly ${dataset}: ${result.valid} rows in ${measured.totalMs} ms`)
  }
  nightly.totalMs = Math.round(performance.now() - started)
  return nightly
}
