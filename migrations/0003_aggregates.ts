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

/**
 * Weekly and monthly OHLCV and weekly investor flows. With TimescaleDB they are continuous
 * aggregates with real-time aggregation (recent rows not yet materialised are still seen);
 * on plain PostgreSQL they are materialized views of the same names and columns, refreshed by
 * the promoter. Buckets are dates: weeks start on Monday in both forms.
 */
export async function createAggregates(db: Kysely<any>, context: MigrationContext, names: AggregatedColumns): Promise<void> {
  const ts = context.timescaledb
  const bucket = (width: '1 week' | '1 month'): RawBuilder<unknown> =>
    ts
      ? sql.raw(`time_bucket('${width}', time)`)
      : sql.raw(`date_trunc('${width === '1 week' ? 'week' : 'month'}', time)::date`)
  const first = (column: string) => sql.raw(ts ? `first(${column}, time)` : `(array_agg(${column} order by time))[1]`)
  const last = (column: string) => sql.raw(ts ? `last(${column}, time)` : `(array_agg(${column} order by time desc))[1]`)
  const withClause = sql.raw(ts ? 'with (timescaledb.continuous, timescaledb.materialized_only = false)' : '')
  // A continuous aggregate fills itself (policy or refresh); a plain materialized view is
  // populated now, while the tables are empty, so reading it never fails as "not populated".
  const withData = sql.raw(ts ? 'with no data' : 'with data')

  for (const [view, width] of [
    ['ohlcv_weekly', '1 week'],
    ['ohlcv_monthly', '1 month'],
  ] as const) {
    await sql`
      create materialized view ${sql.table(view)} ${withClause} as
      select stock_code,
             ${bucket(width)} as bucket,
             ${first(names.open)} as ${sql.id(names.open)},
             max(${sql.id(names.high)}) as ${sql.id(names.high)},
             min(${sql.id(names.low)}) as ${sql.id(names.low)},
             ${last(names.close)} as ${sql.id(names.close)},
             sum(volume) as volume,
             sum(trading_value) as trading_value,
             count(*) as trading_days
      from ohlcv_daily
      group by stock_code, ${bucket(width)}
      ${withData}`.execute(db)
  }

  await sql`
    create materialized view investor_trading_weekly ${withClause} as
    select stock_code,
           investor_type,
           ${bucket('1 week')} as bucket,
           sum(sell_volume) as sell_volume,
           sum(buy_volume) as buy_volume,
           sum(${sql.id(names.netVolume)}) as ${sql.id(names.netVolume)},
           sum(sell_value) as sell_value,
           sum(buy_value) as buy_value,
           sum(${sql.id(names.netValue)}) as ${sql.id(names.netValue)}
    from investor_trading
    group by stock_code, investor_type, ${bucket('1 week')}
    ${withData}`.execute(db)

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
    await sql`create unique index ohlcv_weekly_key on ohlcv_weekly (stock_code, bucket)`.execute(db)
    await sql`create unique index ohlcv_monthly_key on ohlcv_monthly (stock_code, bucket)`.execute(db)
    await sql`create unique index investor_trading_weekly_key on investor_trading_weekly (stock_code, investor_type, bucket)`.execute(db)
  }
}
