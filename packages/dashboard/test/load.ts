import { createLogger, loadConfig, type Dataset } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import type { MarketDatabase } from '@kmd/db'
import { krxCollectors, runJob, type JobResult } from '@kmd/pipeline'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'

const logger = createLogger({ level: 'silent' })

/** The simulator with a small market and KRX collectors with pacing lifted and quick retries. */
export async function startSmallMarket(stockCount: number): Promise<{ simulator: RunningSimulator; load(database: MarketDatabase, dataset: Dataset, tradeDate: string): Promise<JobResult> }> {
  const simulator = await startSimulator({ port: 0, stockCount })
  const config = loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '2000' })
  const collectors = { krx: krxCollectors(createKrxClient(config, { logger, retries: 1, minRetryDelayMs: 5 })) }
  return {
    simulator,
    load: (database, dataset, tradeDate) => runJob({ database, logger, collectors, refreshAggregates: false }, { dataset, source: 'krx', tradeDate, trigger: 'manual' }),
  }
}
