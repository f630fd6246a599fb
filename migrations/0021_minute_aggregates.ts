import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { MigrationContext } from './_shared.ts'

/**
 * Five-minute and hourly bars of every stock over ohlcv_minute. With TimescaleDB they are
 * continuous aggregates with real-time aggregation (what is not materialised yet is computed
 * from the minute bars when read) and a refresh policy; being materialised, they outlive the
 * minute bars' retention. On plain PostgreSQL they are plain views of the same names and
 * columns: always current, computed from the minute bars kept.
 */
export const MINUTE_AGGREGATES = [
  { view: 'ohlcv_5min', width: '5 minutes', startOffset: '3 days', endOffset: '10 minutes', every: '30 minutes' },
  { view: 'ohlcv_hourly', width: '1 hour', startOffset: '3 days', endOffset: '1 hour', every: '1 hour' },
] as const

/**
 * A minute aggregate's query: open is the bucket's first open by time, close its last close,
 * `bar_count` the minute bars in it. Buckets start at multiples of their width from midnight
 * UTC, which in Korea (UTC+9 all year) are the KST minutes and hours; both forms agree.
 */
export function minuteAggregateSelect(timescaledb: boolean, width: (typeof MINUTE_AGGREGATES)[number]['width']): RawBuilder<unknown> {
  const bucket = timescaledb ? sql`time_bucket(${sql.lit(width)}::interval, time)` : sql`date_bin(${sql.lit(width)}::interval, time, timestamptz '2000-01-01 00:00:00+00')`
  const first = timescaledb ? sql`first(open_price, time)` : sql`(array_agg(open_price order by time))[1]`
  const last = timescaledb ? sql`last(close_price, time)` : sql`(array_agg(close_price order by time desc))[1]`
  return sql`
    select stock_code, ${bucket} as bucket, ${first} as open_price, max(high_price) as high_price, min(low_price) as low_price,
           ${last} as close_price, sum(volume) as volume, sum(trading_value) as trading_value, count(*) as bar_count
    from ohlcv_minute
    group by stock_code, ${bucket}`
}

export async function up(db: Kysely<any>, context: MigrationContext): Promise<void> {
  for (const aggregate of MINUTE_AGGREGATES) {
    const view = sql.table(aggregate.view)
    if (!context.timescaledb) {
      await sql`create view ${view} as ${minuteAggregateSelect(false, aggregate.width)}`.execute(db)
      continue
    }
    await sql`
      create materialized view ${view} with (timescaledb.continuous, timescaledb.materialized_only = false) as
      ${minuteAggregateSelect(true, aggregate.width)} with no data`.execute(db)
    await sql`
      select add_continuous_aggregate_policy(${aggregate.view}::regclass,
        start_offset => ${sql.lit(aggregate.startOffset)}::interval,
        end_offset => ${sql.lit(aggregate.endOffset)}::interval,
        schedule_interval => ${sql.lit(aggregate.every)}::interval)`.execute(db)
  }
}

export async function down(db: Kysely<any>, context: MigrationContext): Promise<void> {
  for (const aggregate of [...MINUTE_AGGREGATES].reverse()) {
    await sql`drop ${sql.raw(context.timescaledb ? 'materialized view' : 'view')} ${sql.table(aggregate.view)}`.execute(db)
  }
}
