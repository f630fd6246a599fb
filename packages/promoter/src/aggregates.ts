import { sql, type Kysely, type RawBuilder } from 'kysely'
import { datasetDefinition, type DailyDataset, type Dataset } from '@kmd/core'
import { upsertStatement } from './upserts.ts'
import { acquirePipelineLock, aggregateDefinition, aggregateKey, aggregateSelect, bucketOf, type AggregateDefinition } from '@kmd/db'

/** Whether promoting the dataset has aggregates to keep current. */
export function hasAggregates(dataset: Dataset): boolean {
  return datasetDefinition(dataset).aggregates.length > 0
}

/** The dates of the production rows a batch inserted or changed (its unchanged rows are left out). */
export interface TouchedDates {
  from: string
  to: string
}

/** What a daily upsert wrote: how many rows it inserted or changed, and their dates (undefined when none). */
export interface DailyWrites {
  promoted: number
  touched: TouchedDates | undefined
}

/**
 * Plain PostgreSQL: the keys of the production rows the promotion inserted or changed, kept for
 * `maintainAggregateTables` until the commit (a temporary table, so each connection has its own).
 */
const WRITTEN_KEYS = 'promoted_keys'

/**
 * The batch's upsert (`upsertStatement`), telling what it wrote from its own RETURNING: the rows
 * it inserted or changed, never its unchanged ones, without joining staging to production again.
 * `keepKeys` (plain PostgreSQL) also keeps their keys in WRITTEN_KEYS: the buckets are recomputed
 * by a later statement, since this one still sees production as it was before the upsert.
 */
export async function upsertTrackingWrites(trx: Kysely<any>, dataset: DailyDataset, batchId: string, source: string, keepKeys: boolean): Promise<DailyWrites> {
  const { productionTable, key } = datasetDefinition(dataset)
  const keys = sql.join(key.map((column) => sql.ref(column)))
  if (keepKeys) {
    await sql`create temporary table ${sql.table(WRITTEN_KEYS)} on commit drop as select ${keys} from ${sql.table(productionTable)} with no data`.execute(trx)
  }
  const { rows } = await sql<{ promoted: number; from: string | null; to: string | null }>`
    with written as (${upsertStatement(dataset, batchId, source, key)})${keepKeys ? sql`,
    kept as (insert into ${sql.table(WRITTEN_KEYS)} (${keys}) select ${keys} from written)` : sql``}
    select count(*)::int as promoted, min(time)::text as "from", max(time)::text as "to" from written`.execute(trx)
  const { promoted, from, to } = rows[0]!
  // Without statistics the planner guesses the table's size and de-duplicates it before hashing
  // (spilling to disk for a million keys) instead of hashing it once for a semi-join.
  if (keepKeys && promoted > 0) await sql`analyze ${sql.table(WRITTEN_KEYS)}`.execute(trx)
  return { promoted, touched: from && to ? { from, to } : undefined }
}

/**
 * Plain PostgreSQL, in the promotion's transaction after `upsertTrackingWrites` kept the keys:
 * recomputes from production each bucket (group key × bucket) holding a row the batch wrote,
 * and writes it only when it changed, so readers never see production and its aggregates
 * disagree and untouched buckets are never rewritten. The aggregates are tables there
 * (migration 0018); their queries are the migrations' own (`aggregateSelect`), over the touched
 * buckets' rows only.
 */
export async function maintainAggregateTables(trx: Kysely<any>, dataset: DailyDataset, touched: TouchedDates): Promise<string[]> {
  // Two promotions of days in one week (a backfill's workers) would each recompute the week
  // without the other's uncommitted day, and the later commit would win without it. One at a
  // time, to the commit: each recomputation then sees every earlier promotion's rows.
  await acquirePipelineLock(trx, `aggregates:${dataset}`, { purpose: `the aggregates of ${dataset}` })
  const maintained: string[] = []
  for (const { view } of datasetDefinition(dataset).aggregates) {
    await upsertTouchedBuckets(aggregateDefinition(false, view), touched).execute(trx)
    maintained.push(view)
  }
  return maintained
}

function upsertTouchedBuckets(aggregate: AggregateDefinition, touched: TouchedDates): RawBuilder<unknown> {
  const width = sql`${sql.lit(aggregate.width)}::interval`
  // The rows of the touched buckets, named like the table so the aggregate's own query reads
  // them: a range scan over the touched buckets' dates (a day's rows share a few pages, where a
  // primary-key range per stock reads a page per row and a lookup per group costs a million
  // probes for a million-stock day), hash-joined to the touched buckets as date ranges
  // (computing the bucket of every scanned row to match it cost a tenth more CPU).
  const touchedBuckets = sql`(
    select distinct ${sql.join(aggregate.groupBy.map((column) => sql.ref(`w.${column}`)))}, ${bucketOf(false, aggregate.width, 'w.time')} as bucket
    from ${sql.table(WRITTEN_KEYS)} w
  ) k`
  const bucketRows = sql`(
    select d.* from ${sql.table(aggregate.table)} d
    join ${touchedBuckets}
      on ${sql.join(aggregate.groupBy.map((column) => sql`${sql.ref(`d.${column}`)} = ${sql.ref(`k.${column}`)}`), sql` and `)}
      and d.time >= k.bucket and d.time < (k.bucket + ${width})::date
    where d.time >= ${bucketOf(false, aggregate.width, sql`${touched.from}::date`)}
      and d.time < (${bucketOf(false, aggregate.width, sql`${touched.to}::date`)} + ${width})::date
  ) as ${sql.table(aggregate.table)}`
  return writeBuckets(aggregate, bucketRows)
}

/**
 * Plain PostgreSQL: the aggregate's buckets computed from `bucketRows` (whole buckets' rows, a
 * subquery named like the aggregate's table) upserted into its table, each written only where
 * it changed.
 */
export function writeBuckets(aggregate: AggregateDefinition, bucketRows: RawBuilder<unknown>): RawBuilder<unknown> {
  const groupBy = aggregate.groupBy.map((column) => sql.ref(column))
  const measures = aggregate.measures.map(([column]) => column)
  const list = (prefix: string) => sql.join(measures.map((column) => sql.ref(`${prefix}.${column}`)))
  return sql`
    insert into ${sql.table(aggregate.view)} (${sql.join(groupBy)}, bucket, ${sql.join(measures.map((column) => sql.ref(column)))})
    ${aggregateSelect(false, aggregate, bucketRows)}
    on conflict (${aggregateKey(aggregate)}) do update set
      ${sql.join(measures.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`))}
    where (${list(aggregate.view)}) is distinct from (${list('excluded')})`
}
