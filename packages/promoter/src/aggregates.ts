import { sql, type Kysely } from 'kysely'
import { datasetDefinition, type Dataset } from '@kmd/core'
import type { Capabilities } from '@kmd/db'

/** Whether promoting the dataset has aggregates to refresh. */
export function hasAggregates(dataset: Dataset): boolean {
  return datasetDefinition(dataset).aggregates.length > 0
}

/**
 * Brings the aggregates over a dataset up to date for the dates just promoted.
 * TimescaleDB: refresh the buckets covering [from, to] (policies only look at recent weeks,
 * so a backfilled year would otherwise stay unmaterialised). Plain PostgreSQL: refresh the
 * materialized views, concurrently so readers keep reading. Not in a transaction: TimescaleDB
 * refuses to refresh inside one.
 */
export async function refreshAggregates(
  db: Kysely<any>,
  capabilities: Capabilities,
  dataset: Dataset,
  window: { from: string; to: string },
): Promise<string[]> {
  const refreshed: string[] = []
  // The dataset definition names its aggregates; reference datasets feed none.
  for (const { view, width } of datasetDefinition(dataset).aggregates) {
    if (capabilities.timescaledbInstalled) {
      await sql`
        call refresh_continuous_aggregate(${view}::regclass,
          time_bucket(${sql.lit(width)}::interval, ${window.from}::date),
          (time_bucket(${sql.lit(width)}::interval, ${window.to}::date) + ${sql.lit(width)}::interval)::date)`.execute(db)
    } else {
      await sql`refresh materialized view concurrently ${sql.table(view)}`.execute(db)
    }
    refreshed.push(view)
  }
  return refreshed
}
