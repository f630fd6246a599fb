import { hostname } from 'node:os'
import type { MarketDatabase } from '@kmd/db'
import type { Alert } from './alerts.ts'
import { seoulTime } from './cron-slots.ts'
import { readFreshness, staleJobs } from './freshness.ts'
import type { SchedulerMetrics } from './metrics.ts'
import type { JobDefinition } from './schedule-config.ts'
import { claimSlot } from './slot-claims.ts'

export interface FreshnessCheck {
  database: MarketDatabase
  jobs: readonly JobDefinition[]
  metrics: SchedulerMetrics
  /** Who claims the alert. */
  holder: string
  now: Date
  alert(alert: Alert): Promise<void>
}

/**
 * Reads data_freshness: sets the last-success gauge per dataset (so it also covers other
 * replicas and manual runs) and raises one STALE alert per (job, expected trade date) across
 * replicas and restarts, claimed in schedule_slots under the job name "alert:stale:<job>".
 * Returns the jobs alerted on.
 */
export async function checkFreshness(check: FreshnessCheck): Promise<string[]> {
  const freshness = await readFreshness(check.database)
  for (const row of freshness) {
    if (row.lastSuccessAt) check.metrics.lastSuccess.set({ dataset: row.dataset }, row.lastSuccessAt.getTime() / 1000)
  }
  const alerted: string[] = []
  for (const { job, expected, latestTradeDate } of staleJobs(check.jobs, freshness, check.now)) {
    if (!(await claimSlot(check.database.db, `alert:stale:${job.name}`, expected.slot, check.holder, 'ALERT_SENT'))) continue
    alerted.push(job.name)
    const due = new Date(expected.slot.getTime() + job.staleAfterHours! * 3_600_000)
    await check.alert({
      kind: 'STALE',
      dataset: job.dataset,
      source: job.source,
      job: job.name,
      tradeDate: expected.tradeDate,
      summary: `${expected.tradeDate} was due by ${seoulTime(due)}; the newest trade date loaded is ${latestTradeDate ?? 'none'}`,
      facts: [['slot', seoulTime(expected.slot)], ['freshness limit', `${job.staleAfterHours} h`], ['host', hostname()]],
    })
  }
  return alerted
}
