import { sql, type RawBuilder } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { previousSessions } from '../previous-close.ts'
import { batchParam, dateParam, notRejected, show } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const FACTOR = 50
const HISTORY_SESSIONS = 20
const MIN_HISTORY = 5
/** Calendar days before the last sessions read ahead of a stock's older history (~10 sessions). */
const NEAR_DAYS = 14

/**
 * A stock's volume or trading value more than 50 times its median over its last 20 production
 * sessions is suspicious (a value x1000) but can be real (news, an index inclusion): a warning,
 * the row is kept. Judged only with at least 5 sessions of history and a positive median, and
 * only on rows no earlier rule rejected.
 */
export const volumeAnomalyRule: Rule = {
  name: 'volume_anomaly',
  severity: 'warn',
  threshold: FACTOR,
  description: 'volume and trading_value at most 50x the stock’s 20-session production median (needs 5 sessions; warn)',
  async check(context) {
    const { target } = context
    const tradeDate = dateParam(target.tradeDate)
    // A stock's newest HISTORY_SESSIONS rows, read in widening ranges with constant bounds (so
    // only their chunks are read). First the calendar's last sessions, for every stock at once
    // in one range scan (a day's rows share a few pages, where an index range per stock read a
    // page per row): a stock that traded every session has exactly its newest rows there, and
    // their medians; one with fewer keeps all of them (their order does not matter to a median)
    // and only it reads, by itself, the newest of what it lacks from the NEAR_DAYS before (a day
    // a backfill has not promoted yet, a short halt), then from older rows (a long suspension, a
    // new listing, whose history is short). No per-row ORDER BY … LIMIT: with one, the planner
    // walked each chunk's time index down from the trade date and tested every row's stock
    // whenever it misjudged how many rows a stock had there (60 s a day on the embedded database).
    const sessions = await previousSessions(context)
    const windowStart = dateParam(sessions[sessions.length - 1] ?? target.tradeDate)
    const nearStart = sql`${windowStart} - ${sql.lit(NEAR_DAYS)}`
    const newest = (column: string) => sql`array_agg(${sql.ref(`o.${column}`)} order by o.time desc)`
    const median = (column: string) => sql`percentile_cont(0.5) within group (order by ${sql.ref(`o.${column}`)})`
    const medianOf = (values: RawBuilder<unknown>) => sql`(select percentile_cont(0.5) within group (order by v) from unnest(${values}) v)`
    const found = await flagRows(context, {
      column: 'warnings',
      checked: sql`
        with batch as materialized (
          select s.row_number, s.stock_code, s.volume, s.trading_value
          from staging.ohlcv_daily s
          where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and ${notRejected('s')}
        ),
        -- Grouped under the bytewise collation: the same groups, sorted several times faster.
        last_sessions as materialized (
          select o.stock_code collate "C" as stock_code, count(*)::int as n,
                 ${median('volume')} as volume_median, ${median('trading_value')} as value_median,
                 array_agg(o.volume) as volumes, array_agg(o.trading_value) as trading_values
          from ohlcv_daily o where o.time >= ${windowStart} and o.time < ${tradeDate}
          group by 1
        ),
        history as (
          select b.*, coalesce(w.n, 0) as n, w.volume_median as full_volume_median, w.value_median as full_value_median,
                 case when w.n > ${HISTORY_SESSIONS} then more.volumes else coalesce(w.volumes, '{}') || near.volumes || far.volumes end as volumes,
                 case when w.n > ${HISTORY_SESSIONS} then more.trading_values else coalesce(w.trading_values, '{}') || near.trading_values || far.trading_values end as trading_values
          from batch b
          left join last_sessions w on w.stock_code = b.stock_code
          -- More rows than sessions (production holds a day the calendar does not count): the newest of them.
          cross join lateral (
            select (${newest('volume')})[1:${HISTORY_SESSIONS}] as volumes, (${newest('trading_value')})[1:${HISTORY_SESSIONS}] as trading_values
            from ohlcv_daily o
            where w.n > ${HISTORY_SESSIONS} and o.stock_code = b.stock_code and o.time >= ${windowStart} and o.time < ${tradeDate}
          ) more
          cross join lateral (
            select count(*)::int as n,
                   (${newest('volume')})[1:${HISTORY_SESSIONS} - coalesce(w.n, 0)] as volumes,
                   (${newest('trading_value')})[1:${HISTORY_SESSIONS} - coalesce(w.n, 0)] as trading_values
            from ohlcv_daily o
            where coalesce(w.n, 0) < ${HISTORY_SESSIONS} and o.stock_code = b.stock_code and o.time >= ${nearStart} and o.time < ${windowStart}
          ) near
          cross join lateral (
            select (${newest('volume')})[1:${HISTORY_SESSIONS} - coalesce(w.n, 0) - near.n] as volumes,
                   (${newest('trading_value')})[1:${HISTORY_SESSIONS} - coalesce(w.n, 0) - near.n] as trading_values
            from ohlcv_daily o
            where coalesce(w.n, 0) + near.n < ${HISTORY_SESSIONS} and o.stock_code = b.stock_code and o.time < ${nearStart}
          ) far
        ),
        -- Materialized: each median is read three times below, and an inlined CTE would
        -- compute its subquery once per reference.
        medians as materialized (
          select h.row_number, h.volume, h.trading_value, coalesce(cardinality(h.volumes), 0) as sessions,
                 case when h.n = ${HISTORY_SESSIONS} then h.full_volume_median else ${medianOf(sql`h.volumes`)} end as volume_median,
                 case when h.n = ${HISTORY_SESSIONS} then h.full_value_median else ${medianOf(sql`h.trading_values`)} end as value_median
          from history h
        )
        select m.row_number,
               case when m.sessions < ${MIN_HISTORY} then '{}'::text[] else array_remove(array[
                 case when m.volume_median > 0 and m.volume > ${FACTOR} * m.volume_median then
                   'volume_anomaly: volume ' || ${show(sql`m.volume`)} || ' is ' || round(m.volume / m.volume_median)::text
                   || 'x its ' || m.sessions || '-session median ' || ${show(sql`m.volume_median`)} end,
                 case when m.value_median > 0 and m.trading_value > ${FACTOR} * m.value_median then
                   'volume_anomaly: trading_value ' || ${show(sql`m.trading_value`)} || ' is ' || round(m.trading_value / m.value_median)::text
                   || 'x its ' || m.sessions || '-session median ' || ${show(sql`m.value_median`)} end
               ]::text[], null) end as reasons,
               case when m.sessions < ${MIN_HISTORY} then 'short_history' end as note
        from medians m`,
    })
    const short = found.notes['short_history'] ?? 0
    return findingOf(found, {
      clean: `no volume or value beyond ${FACTOR}x its median (${rowsText(short, 'stock')} with under ${MIN_HISTORY} sessions not judged)`,
      flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} beyond ${FACTOR}x the stock's median volume or value (kept with a warning; ${rowsText(short, 'stock')} with under ${MIN_HISTORY} sessions not judged)`,
    })
  },
}
