import { isTradingDay } from '@kmd/core'
import type { FreshnessTarget } from '@kmd/dashboard'
import type { MarketDatabase } from '@kmd/db'
import { latestSlotAtOrBefore, seoulDate } from './cron-slots.ts'
import type { JobDefinition } from './schedule-config.ts'

export interface ExpectedLoad {
  /** The slot whose trade date should be loaded by now. */
  slot: Date
  tradeDate: string
}

// Enough to step back over the longest KRX closure (Chuseok and weekends) for a weekly job.
const LOOKBACK_DAYS = 45

/**
 * The newest trade date a job should have loaded at `now`: the trade date of its latest slot on
 * a trading day that is at least `staleAfterHours` old. Undefined when the job has no freshness
 * limit or no such slot.
 */
export function expectedLoad(job: JobDefinition, now: Date): ExpectedLoad | undefined {
  if (job.staleAfterHours === undefined) return undefined
  let at = new Date(now.getTime() - job.staleAfterHours * 3_600_000)
  const horizon = at.getTime() - LOOKBACK_DAYS * 86_400_000
  while (at.getTime() > horizon) {
    const slot = latestSlotAtOrBefore(job.cron, at, LOOKBACK_DAYS)
    if (!slot || slot.getTime() <= horizon) return undefined
    const tradeDate = seoulDate(slot)
    if (isTradingDay(tradeDate)) return { slot, tradeDate }
    at = new Date(slot.getTime() - 1)
  }
  return undefined
}

export interface DatasetFreshness {
  dataset: string
  latestTradeDate: string | null
  lastSuccessAt: Date | null
}

export interface StaleJob {
  job: JobDefinition
  expected: ExpectedLoad
  latestTradeDate: string | null
}

/** Reads the data_freshness view: newest loaded trade date and last success per dataset. */
export async function readFreshness(database: MarketDatabase): Promise<DatasetFreshness[]> {
  const rows = await database.db.selectFrom('data_freshness').select(['data_type', 'latest_collection_date', 'last_success_at']).execute()
  return rows.map((row) => ({ dataset: row.data_type, latestTradeDate: row.latest_collection_date, lastSuccessAt: row.last_success_at }))
}

/** The jobs whose dataset is older than their freshness limit allows at `now`. */
export function staleJobs(jobs: readonly JobDefinition[], freshness: readonly DatasetFreshness[], now: Date): StaleJob[] {
  const latest = new Map(freshness.map((row) => [row.dataset, row.latestTradeDate]))
  return jobs.flatMap((job) => {
    const expected = expectedLoad(job, now)
    if (!expected) return []
    const latestTradeDate = latest.get(job.dataset) ?? null
    return latestTradeDate !== null && latestTradeDate >= expected.tradeDate ? [] : [{ job, expected, latestTradeDate }]
  })
}

/** Each scheduled job's freshness promise at `now`, as the dashboard shows it (jobs without a limit left out). */
export function freshnessTargets(jobs: readonly JobDefinition[], now: Date): FreshnessTarget[] {
  return jobs.flatMap((job) => {
    const expected = expectedLoad(job, now)
    if (!expected || job.staleAfterHours === undefined) return []
    return [{ dataset: job.dataset, job: job.name, staleAfterHours: job.staleAfterHours, expectedTradeDate: expected.tradeDate, dueBy: new Date(expected.slot.getTime() + job.staleAfterHours * 3_600_000) }]
  })
}
