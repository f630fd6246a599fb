import { sql, type Kysely, type RawBuilder } from 'kysely'
import { datasetDefinition, type DailyDataset, type Dataset } from '@kmd/core'
import { acquirePipelineLock, aggregateDefinition, aggregateKey, aggregateSelect, bucketOf, type AggregateDefinition, type Capabilities } from '@kmd/db'

/** Whether promoting the dataset has aggregates to keep current. */
export function hasAggregates(dataset: Dataset): boolean {
  return datasetDefinition(dataset).aggregates.length > 0
}

/** The dates of the production rows a batch inserted or changed (its unchanged rows are left out). */
export interface TouchedDates {
  from: string
  to: string
}

/**
 * The production rows the batch wrote: its valid staged rows whose production row now carries
 * its batch id (the upsert stamps only rows it inserted or changed). Joined by the key, so it
 * costs the batch's size, never the table's.
 */
function touchedRows(dataset: DailyDataset, batchId: string): RawBuilder<unknown> {
  const { productionTable, stagingTable, key } = datasetDefinition(dataset)
  const sameKey = sql.join(
    key.map((column) => sql`p.${sql.ref(column)} = s.${sql.ref(column)}`),
    sql` and `,
  )
  return sql`
    ${sql.table(stagingTable)} s
    join ${sql.table(productionTable)} p on ${sameKey}
    where s.batch_id = ${batchId}::uuid and s.validation_status = 'valid' and p.batch_id = ${batchId}::uuid`
}

/** In the promotion's transaction, after the upsert: the dates the batch wrote, or undefined when it changed nothing. */
export async function touchedDates(trx: Kysely<any>, dataset: DailyDataset, batchId: string): Promise<TouchedDates | undefined> {
  const { rows } = await sql<{ from: string | null; to: string | null }>`
    select min(s.time)::text as "from", max(s.time)::text as "to" from ${touchedRows(dataset, batchId)}`.execute(trx)
  const { from, to } = rows[0]!
  return from && to ? { from, to } : undefined
}

/**
 * Plain PostgreSQL, in the promotion's transaction after the upsert: recomputes from production
 * each bucket (group key × bucket) holding a row the batch wrote, and writes it only when it
 * changed, so readers never see production and its aggregates disagree and untouched buckets
 * are never rewritten. The aggregates are tables there (migration 0018); their queries are the
 * migrations' own (`aggregateSelect`), over the touched buckets' rows only.
 */
export async function maintainAggregateTables(trx: Kysely<any>, dataset: DailyDataset, batchId: string): Promise<string[]> {
  // Two promotions of days in one week (a backfill's workers) would each recompute the week
  // without the other's uncommitted day, and the later commit would win without it. One at a
  // time, to the commit: each recomputation then sees every earlier promotion's rows.
  await acquirePipelineLock(trx, `aggregates:${dataset}`, { purpose: `the aggregates of ${dataset}` })
  const maintained: string[] = []
  for (const { view } of datasetDefinition(dataset).aggregates) {
    await upsertTouchedBuckets(aggregateDefinition(false, view), batchId, dataset).execute(trx)
    maintained.push(view)
  }
  return maintained
}

function upsertTouchedBuckets(aggregate: AggregateDefinition, batchId: string, dataset: DailyDataset): RawBuilder<unknown> {
  const groupBy = aggregate.groupBy.map((column) => sql.ref(column))
  const bucket = bucketOf(false, aggregate.width, 's.time')
  const sameGroup = aggregate.groupBy.map((column) => sql`d.${sql.ref(column)} = t.${sql.ref(column)}`)
  // The rows of the touched buckets, named like the table so the aggregate's own query reads them.
  const bucketRows = sql`(
    select d.* from ${sql.table(aggregate.table)} d
    join touched t on ${sql.join(sameGroup, sql` and `)}
      and d.time >= t.bucket and d.time < t.bucket + ${sql.lit(aggregate.width)}::interval
  ) as ${sql.table(aggregate.table)}`
  const measures = aggregate.measures.map(([column]) => column)
  const list = (prefix: string) => sql.join(measures.map((column) => sql.ref(`${prefix}.${column}`)))
  return sql`
    with touched as (
      select distinct ${sql.join(aggregate.groupBy.map((column) => sql`s.${sql.ref(column)}`))}, ${bucket} as bucket
      from ${touchedRows(dataset, batchId)}
    )
    insert into ${sql.table(aggregate.view)} (${sql.join(groupBy)}, bucket, ${sql.join(measures.map((column) => sql.ref(column)))})
    ${aggregateSelect(false, aggregate, bucketRows)}
    on conflict (${aggregateKey(aggregate)}) do update set
      ${sql.join(measures.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}
    where (${list(aggregate.view)}) is distinct from (${list('excluded')})`
}

/**
 * TimescaleDB, after the commit (it refuses to refresh inside a transaction): refreshes the
 * continuous aggregates over the buckets covering [from, to] (policies only look at recent
 * weeks, so a backfilled year would otherwise stay unmaterialised). Plain PostgreSQL: nothing
 * is left to do, each promotion maintained its buckets; the aggregates are named as current.
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
    }
    refreshed.push(view)
  }
  return refreshed
}
