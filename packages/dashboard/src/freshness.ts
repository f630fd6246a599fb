import type { MarketDatabase } from '@kmd/db'

/**
 * What a dataset should hold by now, as its scheduled job promises it (the SLA): the trade date
 * of its latest slot on a trading day, due `staleAfterHours` after that slot. The scheduler's job
 * table knows this; the dashboard is told.
 */
export interface FreshnessTarget {
  dataset: string
  job: string
  staleAfterHours: number
  expectedTradeDate: string
  dueBy: Date
}

export interface DatasetFreshness {
  dataset: string
  latestTradeDate: string | null
  lastSuccessAt: Date | null
  failuresLast7Days: number
  /** The job's promise, when one is scheduled with a freshness limit. */
  target: FreshnessTarget | undefined
  /** fresh: holds the expected trade date; stale: does not; no SLA: no scheduled freshness limit. */
  verdict: 'fresh' | 'stale' | 'no SLA'
}

/** data_freshness per dataset, judged against each dataset's target. */
export async function readFreshness(database: MarketDatabase, targets: readonly FreshnessTarget[]): Promise<DatasetFreshness[]> {
  const rows = await database.db.selectFrom('data_freshness').select(['data_type', 'latest_collection_date', 'last_success_at', 'failures_last_7_days']).orderBy('data_type').execute()
  return rows.map((row) => {
    const target = targets.find((candidate) => candidate.dataset === row.data_type)
    const verdict = !target ? 'no SLA' : row.latest_collection_date !== null && row.latest_collection_date >= target.expectedTradeDate ? 'fresh' : 'stale'
    return {
      dataset: row.data_type,
      latestTradeDate: row.latest_collection_date,
      lastSuccessAt: row.last_success_at,
      failuresLast7Days: Number(row.failures_last_7_days),
      target,
      verdict,
    }
  })
}
