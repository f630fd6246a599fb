import { sql, type Kysely, type Transaction } from 'kysely'
import { datasetDefinition, type DailyDataset, type Dataset, type DatasetDefinition } from '@kmd/core'
import { acquirePipelineLock, aggregateDefinition, bucketOf, type AggregateDefinition, type Capabilities } from '@kmd/db'
import { writeBuckets, type TouchedDates } from './aggregates.ts'

/**
 * Plain PostgreSQL settles a backlog a calendar month of dates per transaction: whole buckets
 * (a month's rows, the weeks around it) of every stock, from one range scan, so a ten-year
 * backlog is 120 short transactions rather than one that holds every bucket row until it ends.
 */
const WINDOW = '1 month'

/**
 * In a promotion's transaction, instead of bringing the aggregates up to date: the dates it wrote
 * join the dataset's backlog (aggregate_backlog, migration 0020). A backfill defers this way, so
 * each day's promotion is its upsert alone and the buckets are computed once, from all their
 * days, when the backlog is settled.
 */
export async function deferAggregates(trx: Transaction<any>, dataset: DailyDataset, touched: TouchedDates): Promise<void> {
  await sql`
    insert into aggregate_backlog (dataset, from_date, to_date) values (${dataset}, ${touched.from}::date, ${touched.to}::date)
    on conflict (dataset) do update set
      from_date = least(aggregate_backlog.from_date, excluded.from_date),
      to_date = greatest(aggregate_backlog.to_date, excluded.to_date),
      revision = aggregate_backlog.revision + 1`.execute(trx)
}

/** What settling a backlog did: the aggregates brought up to date and the dates they cover (none when nothing was behind). */
export interface SettledBacklog {
  aggregates: string[]
  from?: string
  to?: string
}

/**
 * Brings the dataset's aggregates up to date over its backlog and clears it; nothing when the
 * dataset has none. Called at the end of a backfill and after any promotion that keeps its
 * aggregates current, so a backlog a killed backfill left is settled by the next run.
 * Promotions may add dates meanwhile: they are settled before this returns.
 * - plain PostgreSQL: a window of dates per transaction, holding the backlog row locked (a
 *   promotion that records dates waits, then adds them back) and the aggregates' lock (a day's
 *   maintenance never interleaves with it); the row's start moves past each window committed.
 * - TimescaleDB: refresh_continuous_aggregate over the backlog (it refuses to run inside a
 *   transaction), then the row is deleted only if no promotion recorded dates meanwhile.
 */
export async function settleAggregateBacklog(db: Kysely<any>, capabilities: Capabilities, dataset: Dataset): Promise<SettledBacklog> {
  const aggregates = datasetDefinition(dataset).aggregates
  if (aggregates.length === 0) return { aggregates: [] }
  const settled: SettledBacklog = { aggregates: [] }
  const widen = (from: string, to: string) => {
    if (!settled.from || from < settled.from) settled.from = from
    if (!settled.to || to > settled.to) settled.to = to
    settled.aggregates = aggregates.map(({ view }) => view)
  }
  if (capabilities.timescaledbInstalled) {
    for (;;) {
      const row = await backlogOf(db, dataset)
      if (!row) return settled
      await refreshContinuousAggregates(db, dataset, { from: row.from_date, to: row.to_date })
      widen(row.from_date, row.to_date)
      const { numDeletedRows } = await db.deleteFrom('aggregate_backlog').where('dataset', '=', dataset).where('revision', '=', row.revision).executeTakeFirst()
      if (numDeletedRows > 0n) return settled
    }
  }
  for (;;) {
    const done = await db.transaction().execute(async (trx) => {
      const row = await backlogOf(trx, dataset, true)
      if (!row) return true
      await acquirePipelineLock(trx, `aggregates:${dataset}`, { purpose: `the aggregates of ${dataset}` })
      const { rows } = await sql<{ window_end: string }>`
        select least(${row.to_date}::date, (${row.from_date}::date + ${sql.lit(WINDOW)}::interval)::date - 1)::text as window_end`.execute(trx)
      const windowEnd = rows[0]!.window_end
      for (const { view } of aggregates) await recomputeBuckets(aggregateDefinition(false, view), row.from_date, windowEnd).execute(trx)
      widen(row.from_date, windowEnd)
      if (windowEnd >= row.to_date) {
        await trx.deleteFrom('aggregate_backlog').where('dataset', '=', dataset).execute()
        return true
      }
      await sql`update aggregate_backlog set from_date = ${windowEnd}::date + 1 where dataset = ${dataset}`.execute(trx)
      return false
    })
    if (done) return settled
  }
}

async function backlogOf(db: Kysely<any>, dataset: Dataset, lock = false) {
  const { rows } = await sql<{ from_date: string; to_date: string; revision: string }>`
    select from_date::text, to_date::text, revision::text from aggregate_backlog where dataset = ${dataset}${lock ? sql` for update` : sql``}`.execute(db)
  return rows[0]
}

/**
 * Every bucket of every group holding a date in [from, to], recomputed from production (whole
 * buckets: the range scan starts at the first bucket's start and ends with the last's) and
 * written only where it changed.
 */
function recomputeBuckets(aggregate: AggregateDefinition, from: string, to: string) {
  const width = sql`${sql.lit(aggregate.width)}::interval`
  const bucketRows = sql`(
    select * from ${sql.table(aggregate.table)}
    where time >= ${bucketOf(false, aggregate.width, sql`${from}::date`)}
      and time < (${bucketOf(false, aggregate.width, sql`${to}::date`)} + ${width})::date
  ) as ${sql.table(aggregate.table)}`
  return writeBuckets(aggregate, bucketRows)
}

/**
 * TimescaleDB, outside a transaction: refreshes the continuous aggregates over the buckets
 * covering [from, to] (policies only look at recent weeks, so a backfilled year would otherwise
 * stay unmaterialised).
 */
export async function refreshContinuousAggregates(db: Kysely<any>, dataset: Dataset, window: TouchedDates): Promise<string[]> {
  const refreshed: string[] = []
  for (const { view, width } of datasetDefinition(dataset).aggregates) {
    await sql`
      call refresh_continuous_aggregate(${view}::regclass,
        time_bucket(${sql.lit(width)}::interval, ${window.from}::date),
        (time_bucket(${sql.lit(width)}::interval, ${window.to}::date) + ${sql.lit(width)}::interval)::date)`.execute(db)
    refreshed.push(view)
  }
  return refreshed
}

/**
 * TimescaleDB, outside a transaction: refreshes the dataset's continuous aggregates over one
 * trade date (a KST day) its promotion wrote, so a backfilled day older than their policies'
 * window shows at once and a recent one does not wait for the next policy run.
 */
export async function refreshTradeDateViews(db: Kysely<any>, dataset: Dataset, tradeDate: string): Promise<string[]> {
  const refreshed: string[] = []
  const definition: DatasetDefinition = datasetDefinition(dataset)
  for (const { view } of definition.continuousAggregates ?? []) {
    await sql`
      call refresh_continuous_aggregate(${view}::regclass,
        ${tradeDate}::date::timestamp at time zone 'Asia/Seoul',
        (${tradeDate}::date + 1)::timestamp at time zone 'Asia/Seoul')`.execute(db)
    refreshed.push(view)
  }
  return refreshed
}
