import type { Logger } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { purgePromotedBatches } from '@kmd/staging-loader'

/**
 * The purge a run does once its promotion has committed: promoted batches past the retention
 * window lose their staged rows that reached production (see @kmd/staging-loader purge.ts).
 * It never fails the run: the run's outcome is recorded already, and the next run tries again.
 */
export async function purgeStagingAfterRun(database: MarketDatabase, retentionDays: number, logger: Logger): Promise<void> {
  try {
    const report = await purgePromotedBatches(database, { retentionDays })
    if (report.batches.length > 0) logger.info({ purgedBatches: report.batches.length, purgedRows: report.rows, retentionDays }, 'staging purged')
  } catch (error) {
    logger.warn({ err: error }, 'staging purge failed; the next run tries again')
  }
}
