import { dailyLimitPercent, KRX_DAILY_LIMITS } from '@kmd/core'
import { sql, type RawBuilder } from 'kysely'
import { toleranceTickSql } from './krx-tick.ts'
import { batchParam, dateParam } from './sql-parts.ts'
import type { RuleContext } from './types.ts'

/** KRX's daily price limit on a trade date, as a fraction of the base price (core's dated table). */
export const dailyLimitOn = (tradeDate: string): number => dailyLimitPercent(tradeDate) / 100

/** The limit in force today, the rules' recorded threshold when a check does not say which it applied. */
export const CURRENT_DAILY_LIMIT = KRX_DAILY_LIMITS[0]!.percent / 100

/** `±30% since 2015-06-15, ±15% since 1998-12-07`, for rule descriptions. */
export const DAILY_LIMITS_TEXT = KRX_DAILY_LIMITS.map((era) => `±${era.percent}% since ${era.since}`).join(', ')

/**
 * A stock whose latest production close is more than this many market sessions old is judged
 * re-listed: after a long suspension or a re-listing KRX sets a new base price (a valuation or
 * the opening auction), not yesterday's close.
 */
export const RELISTING_SESSIONS = 20

/** Why a row is not judged against the previous production close; each is counted by name. */
export type ExceptionName = 'new_listing' | 'relisting' | 'corporate_action'

// Twenty sessions span at most ~30 calendar days, holidays included (Chuseok, Seollal).
const LOOKBACK_DAYS = 60

/**
 * The last RELISTING_SESSIONS market sessions before the trade date, newest first, from the
 * calendar (market_calendar where it has the day, else the injected calendar), not from the
 * dates production happens to hold: a backfill loads days out of order, and a gap in
 * production is not a gap in trading. Constants the planner can see, so the per-stock lookups
 * below stay hash joins.
 */
export async function previousSessions(context: RuleContext): Promise<string[]> {
  const { rows } = await sql<{ day: string; is_trading_day: boolean }>`
    select to_char(trade_date, 'YYYY-MM-DD') as day, is_trading_day from market_calendar
    where trade_date < ${dateParam(context.target.tradeDate)} and trade_date >= ${dateParam(context.target.tradeDate)} - ${sql.lit(LOOKBACK_DAYS)}`.execute(context.db)
  const known = new Map(rows.map((row) => [row.day, row.is_trading_day]))
  const sessions: string[] = []
  const day = new Date(`${context.target.tradeDate}T00:00:00Z`)
  for (let back = 0; back < LOOKBACK_DAYS && sessions.length < RELISTING_SESSIONS; back++) {
    day.setUTCDate(day.getUTCDate() - 1)
    const date = day.toISOString().slice(0, 10)
    if (known.get(date) ?? context.isTradingDay(date)) sessions.push(date)
  }
  return sessions
}

/**
 * Every staged bar with a close (open_price, high_price, low_price, close_price, change, volume, trading_value as staged), judged against production instead of its own claims, as a
 * SELECT with columns:
 *   row_number, stock_code, close_price, change, volume, trading_value,
 *   prev_close, prev_time   the stock's latest close in production before the trade date;
 *   sessions_back           calendar sessions from that close to the trade date (1 = the
 *                           previous session; more when production lacks the days between);
 *   lower, upper            the price band: prev_close × (1 ∓ limit)^sessions_back, the limit
 *                           of the trade date (a gap of k sessions allows k limit moves),
 *                           before the one-tick tolerance;
 *   base                    the price the day is measured against: prev_close, or close − change
 *                           on a corporate-action day;
 *   close_off, range_off    the close / any of open, high, low beyond the band (+1 tick of
 *                           that price), before exceptions;
 *   change_off, average_off the change / the day's average price disagreeing with production;
 *   exception               new_listing | relisting | corporate_action | null.
 *
 * Exceptions come from facts outside the row:
 * - new_listing: no close in production before the trade date, or stocks.listing_date is the
 *   trade date (KRX's base is the listing price, which no table here holds).
 * - relisting: the latest production close is older than RELISTING_SESSIONS sessions (or than
 *   the calendar's window), or the
 *   stock master lists the stock after that close (delisted and listed again).
 * - corporate_action: the stock's listed shares changed between its market_cap_daily row on
 *   or before the previous close and the trade date (market_cap_daily on the trade date, else
 *   the stock master when its snapshot is newer than the previous close): a split, a merger, a
 *   rights or bonus issue, after which KRX measures the day against an adjusted base price.
 *   The row's base (close − change) must then be consistent: positive and within ±30% (+1 tick)
 *   of the close. A changed share count alone excuses nothing else, and the row's change_rate
 *   is never trusted. Limitation: an ex-rights day before the new shares are listed (the share
 *   count has not changed yet) is not excepted; such rows are rejected and wait in quarantine.
 * The share-count lookups run only for rows that disagree with production, so a normal day
 * costs two hash joins. The tolerance tick is the largest any market has at the price that day
 * (toleranceTickSql), so the stock's market is not needed here.
 */
export async function judgedBars(context: RuleContext): Promise<RawBuilder<unknown>> {
  return sql`select * from ${await judgedBarsTable(context)}`
}

/**
 * The table `judgedBars` selects from, one row per judged bar (`row_number` unique), for a row
 * rule to join onto the staging row. Three rules read the same judgement: computed once per
 * validation, into a temporary table that the validation's transaction drops when it ends.
 */
export async function judgedBarsTable(context: RuleContext): Promise<RawBuilder<unknown>> {
  const table = `judged_bars_${context.target.batchId.replace(/-/g, '')}`
  const { rows } = await sql<{ present: boolean }>`select to_regclass(${`pg_temp.${table}`}) is not null as present`.execute(context.db)
  if (!rows[0]!.present) {
    const sessions = await previousSessions(context)
    await sql`create temporary table ${sql.id(table)} on commit drop as ${judgement(context, sessions)}`.execute(context.db)
    // Autovacuum never sees a temporary table: without statistics a join onto it is planned
    // from its page count alone.
    await sql`analyze ${sql.id(table)}`.execute(context.db)
  }
  return sql.id(table)
}

function judgement(context: RuleContext, sessions: readonly string[]): RawBuilder<unknown> {
  const { target } = context
  const tradeDate = dateParam(target.tradeDate)
  const previousSession = sessions[0] ?? null
  const limit = dailyLimitOn(target.tradeDate)
  const outside = (price: RawBuilder<unknown>, lower: RawBuilder<unknown>, upper: RawBuilder<unknown>) => outsideBand(price, lower, upper, target.tradeDate)
  const windowStart = dateParam(sessions[sessions.length - 1] ?? target.tradeDate)
  // Ascending, for width_bucket: the sessions after a date are the list's length minus its bucket.
  const sessionsAscending = sql`${`{${[...sessions].reverse().join(',')}}`}::date[]`
  // A band needs a previous close; without one the tick CASEs would be evaluated for nothing.
  const withClose = (expression: RawBuilder<unknown>) => sql`(case when g.prev_close is not null then ${expression} end)`
  // One limit move per session: (1 ± limit)^k, computed once per row (numeric power is costly).
  const factor = (step: number) => sql`case when x.sessions_back = 1 then ${sql.lit(String(step))}::numeric else power(${sql.lit(String(step))}::numeric, x.sessions_back) end`
  const adjustedLower = sql`(b.close_price - b.change) * ${sql.lit(String(1 - limit))}::numeric`
  const adjustedUpper = sql`(b.close_price - b.change) * ${sql.lit(String(1 + limit))}::numeric`
  return sql`
    with batch as materialized (
      select s.row_number, s.stock_code, s.open_price, s.high_price, s.low_price, s.close_price, s.change, s.volume, s.trading_value
      from staging.ohlcv_daily s
      where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and s.close_price > 0
    ),
    on_previous_session as materialized (
      select b.*, o.close_price as prev_close, o.time as prev_time
      from batch b
      left join ohlcv_daily o on o.stock_code = b.stock_code and o.time = ${previousSession}::date
    ),
    -- The latest earlier close of a stock production lacks on the previous session: within the
    -- calendar's window (constant bounds, so only its chunks are read), else before it. No
    -- ORDER BY … LIMIT (nor a lone max(), which the planner turns into one): that walked each
    -- chunk's time index down from the trade date whenever the planner misjudged a stock's rows.
    priced as (
      select * from on_previous_session where prev_close is not null
      union all
      select q.row_number, q.stock_code, q.open_price, q.high_price, q.low_price, q.close_price, q.change, q.volume, q.trading_value,
             coalesce(w.close_price, old.close_price), coalesce(w.time, old.time)
      from on_previous_session q
      cross join lateral (${latestClose(sql`q.stock_code`, sql`o.time >= ${windowStart} and o.time < ${tradeDate}`)}) w
      cross join lateral (${latestClose(sql`q.stock_code`, sql`w.time is null and o.time < ${windowStart}`)}) old
      where q.prev_close is null
    ),
    -- Materialized: its band columns are read by many expressions below, and an inlined
    -- lateral subquery was copied into each of them (48 copies in the plan).
    gapped as materialized (
      select p.*, x.sessions_back, p.prev_close * ${factor(1 - limit)} as lower, p.prev_close * ${factor(1 + limit)} as upper,
             p.trading_value::numeric / nullif(p.volume, 0) as average
      from priced p
      cross join lateral (
        select case when p.prev_time = ${previousSession}::date then 1
                    else 1 + coalesce(${sql.lit(sessions.length)} - width_bucket(p.prev_time, ${sessionsAscending}), 0) end as sessions_back
      ) x
    ),
    banded as (
      select g.*,
             ${withClose(outside(sql`g.close_price`, sql`g.lower`, sql`g.upper`))} as close_off,
             -- Every trade of the day is inside the band, so open, high and low are too.
             coalesce(${withClose(sql`${outside(sql`g.high_price`, sql`g.lower`, sql`g.upper`)} or ${outside(sql`g.low_price`, sql`g.lower`, sql`g.upper`)}
               or ${outside(sql`g.open_price`, sql`g.lower`, sql`g.upper`)}`)}, false) as range_off,
             -- The source's change is measured against the previous session; across a gap
             -- production does not hold that close, so only a one-session step is compared.
             g.sessions_back = 1 and g.change is not null and g.change <> g.close_price - g.prev_close as change_off,
             ${withClose(outside(sql`g.average`, sql`g.lower`, sql`g.upper`))} as average_off,
             st.listing_date, st.listed_shares as master_shares, st.as_of_date as master_as_of
      from gapped g
      left join stocks st on st.stock_code = g.stock_code
    ),
    shares as (
      select b.row_number, before.shares_outstanding as shares_before, coalesce(now.shares_outstanding, case when b.master_as_of > b.prev_time then b.master_shares end) as shares_now
      from banded b
      left join lateral (
        select m.shares_outstanding from market_cap_daily m
        where m.stock_code = b.stock_code and m.time <= b.prev_time
        order by m.time desc limit 1
      ) before on true
      left join market_cap_daily now on now.stock_code = b.stock_code and now.time = ${tradeDate}
      where b.prev_close is not null and (b.close_off or b.range_off or b.change_off or b.average_off)
    ),
    excepted as (
      select b.*,
             case
               when b.prev_close is null or b.listing_date = ${tradeDate} then 'new_listing'
               when b.listing_date > b.prev_time or b.sessions_back > ${sessions.length} then 'relisting'
               when x.shares_before <> x.shares_now and b.change is not null and b.close_price - b.change > 0
                    and abs(b.change) <= ${limit}::numeric * (b.close_price - b.change) + ${toleranceTickSql(sql`b.close_price`, target.tradeDate)}
                    and ${outside(sql`b.high_price`, adjustedLower, adjustedUpper)} is not true
                    and ${outside(sql`b.low_price`, adjustedLower, adjustedUpper)} is not true
                    then 'corporate_action'
             end as exception
      from banded b
      left join shares x on x.row_number = b.row_number
    )
    select e.row_number, e.stock_code, e.open_price, e.high_price, e.low_price, e.close_price, e.change, e.volume, e.trading_value, e.prev_close, e.prev_time,
           e.sessions_back, e.lower, e.upper, e.average, e.close_off, e.range_off, e.change_off, e.average_off, e.exception,
           case when e.exception = 'corporate_action' then e.close_price - e.change else e.prev_close end as base
    from excepted e`
}

/** The stock's latest production close and its date among the rows `range` admits (one row; nulls when none). */
function latestClose(stockCode: RawBuilder<unknown>, range: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select (array_agg(o.close_price order by o.time desc))[1] as close_price, max(o.time) as time
    from ohlcv_daily o where o.stock_code = ${stockCode} and ${range}`
}

/** True when `price` lies beyond [lower − tick, upper + tick], the tick being the price's own; null when either is missing. */
function outsideBand(price: RawBuilder<unknown>, lower: RawBuilder<unknown>, upper: RawBuilder<unknown>, tradeDate: string) {
  const tick = toleranceTickSql(price, tradeDate)
  // Inside [lower, upper] needs no tick: the CASE runs only for the few prices near or beyond.
  return sql<boolean>`((${price} > ${upper} or ${price} < ${lower}) and (${price} > ${upper} + ${tick} or ${price} < ${lower} - ${tick}))`
}

/** `new_listing 2, relisting 0, corporate_action 1`, from a rule's notes. */
export function exceptedText(notes: Record<string, number>): string {
  const names: ExceptionName[] = ['new_listing', 'relisting', 'corporate_action']
  return `excepted: ${names.map((name) => `${name} ${notes[name] ?? 0}`).join(', ')}`
}
