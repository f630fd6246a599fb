import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { MigrationContext } from './_shared.ts'

/**
 * The columns of ohlcv_daily and investor_trading the aggregates read, and the names they show
 * them under (the same). 0003 made the aggregates over the first names; 0015 renamed the
 * columns to the seed design's and made them again with `createAggregates`.
 */
export interface AggregatedColumns {
  open: string
  high: string
  low: string
  close: string
  netVolume: string
  netValue: string
}

const FIRST_NAMES: AggregatedColumns = { open: 'open', high: 'high', low: 'low', close: 'close', netVolume: 'net_volume', netValue: 'net_value' }

/** The aggregates `createAggregates` makes. */
export const AGGREGATE_VIEWS = ['ohlcv_weekly', 'ohlcv_monthly', 'investor_trading_weekly'] as const

export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  await createAggregates(db, context, FIRST_NAMES)
}

/** One aggregate: the production table it reads, what it groups by besides the bucket, its bucket width, what it computes. */
export interface AggregateDefinition {
  view: (typeof AGGREGATE_VIEWS)[number]
  table: 'ohlcv_daily' | 'investor_trading'
  /** The columns grouped by besides the bucket; with `bucket`, the aggregate's unique key. */
  groupBy: readonly string[]
  width: '1 week' | '1 month'
  /** The aggregate's other columns, in order, each with the expression over the bucket's rows. */
  measures: ReadonlyArray<readonly [column: string, expression: RawBuilder<unknown>]>
}

/**
 * The bucket of a row's `time` (a date): TimescaleDB's time_bucket, or date_trunc on plain
 * PostgreSQL; weeks start on Monday in both forms. `column` names the date, or is an expression.
 */
export function bucketOf(timescaledb: boolean, width: '1 week' | '1 month', column: string | RawBuilder<unknown> = 'time'): RawBuilder<unknown> {
  const time = typeof column === 'string' ? sql.ref(column) : column
  return timescaledb ? sql`time_bucket(${sql.lit(width)}, ${time})` : sql`date_trunc(${sql.lit(width === '1 week' ? 'week' : 'month')}, ${time})::date`
}

/**
 * The aggregates, over the columns named `names`. The plain-PostgreSQL form keeps
 * TimescaleDB's first/last semantics: open is the first open of the bucket by time, close the
 * last.
 */
export function aggregateDefinitions(timescaledb: boolean, names: AggregatedColumns): AggregateDefinition[] {
  const ts = timescaledb
  const first = (column: string) => sql.raw(ts ? `first(${column}, time)` : `(array_agg(${column} order by time))[1]`)
  const last = (column: string) => sql.raw(ts ? `last(${column}, time)` : `(array_agg(${column} order by time desc))[1]`)
  const sum = (column: string) => sql`sum(${sql.ref(column)})`
  const ohlcv = (view: 'ohlcv_weekly' | 'ohlcv_monthly', width: '1 week' | '1 month'): AggregateDefinition => ({
    view,
    table: 'ohlcv_daily',
    groupBy: ['stock_code'],
    width,
    measures: [
      [names.open, first(names.open)],
      [names.high, sql`max(${sql.ref(names.high)})`],
      [names.low, sql`min(${sql.ref(names.low)})`],
      [names.close, last(names.close)],
      ['volume', sum('volume')],
      ['trading_value', sum('trading_value')],
      ['trading_days', sql`count(*)`],
    ],
  })
  return [
    ohlcv('ohlcv_weekly', '1 week'),
    ohlcv('ohlcv_monthly', '1 month'),
    {
      view: 'investor_trading_weekly',
      table: 'investor_trading',
      groupBy: ['stock_code', 'investor_type'],
      width: '1 week',
      measures: (['sell_volume', 'buy_volume', names.netVolume, 'sell_value', 'buy_value', names.netValue] as const).map((column) => [column, sum(column)] as const),
    },
  ]
}

/**
 * `select <group columns>, <bucket> as bucket, <measures> from <source> group by …`: the
 * aggregate's rows over its whole table, or over `source`, a filtered subquery named like it.
 */
export function aggregateSelect(timescaledb: boolean, aggregate: AggregateDefinition, source: RawBuilder<unknown> = sql.table(aggregate.table)): RawBuilder<unknown> {
  const groupBy = aggregate.groupBy.map((column) => sql.ref(column))
  const bucket = bucketOf(timescaledb, aggregate.width)
  return sql`
    select ${sql.join(groupBy)}, ${bucket} as bucket,
           ${sql.join(aggregate.measures.map(([column, expression]) => sql`${expression} as ${sql.id(column)}`))}
    from ${source}
    group by ${sql.join(groupBy)}, ${bucket}`
}

/** An aggregate's unique key: its group columns and the bucket. */
export function aggregateKey(aggregate: AggregateDefinition): RawBuilder<unknown> {
  return sql.join([...aggregate.groupBy, 'bucket'].map((column) => sql.ref(column)))
}

/**
 * Weekly and monthly OHLCV and weekly investor flows. With TimescaleDB they are continuous
 * aggregates with real-time aggregation (recent rows not yet materialised are still seen);
 * on plain PostgreSQL they are materialized views of the same names and columns (0018 turns
 * them into tables the promoter maintains bucket by bucket).
 */
export async function createAggregates(db: Kysely<any>, context: MigrationContext, names: AggregatedColumns): Promise<void> {
  const ts = context.timescaledb
  const withClause = sql.raw(ts ? 'with (timescaledb.continuous, timescaledb.materialized_only = false)' : '')
  // A continuous aggregate fills itself (policy or refresh); a plain materialized view is
  // populated now, while the tables are empty, so reading it never fails as "not populated".
  const withData = sql.raw(ts ? 'with no data' : 'with data')

  for (const aggregate of aggregateDefinitions(ts, names)) {
    await sql`create materialized view ${sql.table(aggregate.view)} ${withClause} as ${aggregateSelect(ts, aggregate)} ${withData}`.execute(db)
  }

  if (ts) {
    const policies: Array<[string, string]> = [
      ['ohlcv_weekly', '2 months'],
      ['ohlcv_monthly', '4 months'],
      ['investor_trading_weekly', '2 months'],
    ]
    for (const [view, startOffset] of policies) {
      await sql`
        select add_continuous_aggregate_policy(${view}::regclass,
          start_offset => ${sql.lit(startOffset)}::interval,
          end_offset => interval '1 day',
          schedule_interval => interval '1 hour')`.execute(db)
    }
  } else {
    // REFRESH ... CONCURRENTLY needs a unique index; readers then never see an empty view.
    for (const aggregate of aggregateDefinitions(ts, names)) {
      await sql`create unique index ${sql.id(`${aggregate.view}_key`)} on ${sql.table(aggregate.view)} (${aggregateKey(aggregate)})`.execute(db)
    }
  }
}
