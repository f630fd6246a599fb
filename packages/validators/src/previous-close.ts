import { sql, type RawBuilder } from 'kysely'
import { tickSizeSql } from './krx-tick.ts'
import { batchParam, dateParam } from './sql-parts.ts'
import type { RuleContext } from './types.ts'

/** KRX's daily price limit (since 2015-06-15): ±30% of the base price. */
export const LIMIT_PERCENT = 30
export const DAILY_LIMIT = LIMIT_PERCENT / 100

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
 * Every staged bar with a close (open, high, low, close, change, volume, trading_value as staged), judged against production instead of its own claims, as a
 * SELECT with columns:
 *   row_number, stock_code, close, change, volume, trading_value,
 *   prev_close, prev_time   the stock's latest close in production before the trade date;
 *   sessions_back           calendar sessions from that close to the trade date (1 = the
 *                           previous session; more when production lacks the days between);
 *   lower, upper            the price band: prev_close × (1 ∓ 30%)^sessions_back (a gap of k
 *                           sessions allows k limit moves), before the one-tick tolerance;
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
 * costs two hash joins.
 */
export function judgedBars(context: RuleContext, sessions: readonly string[]): RawBuilder<unknown> {
  const { target } = context
  const tradeDate = dateParam(target.tradeDate)
  const previousSession = sessions[0] ?? null
  const sessionList = sql`${`{${sessions.join(',')}}`}::date[]`
  const limitUp = sql`power(${1 + DAILY_LIMIT}::numeric, g.sessions_back)`
  const limitDown = sql`power(${1 - DAILY_LIMIT}::numeric, g.sessions_back)`
  const average = sql`(g.trading_value::numeric / nullif(g.volume, 0))`
  return sql`
    with batch as materialized (
      select s.row_number, s.stock_code, s.open, s.high, s.low, s.close, s.change, s.volume, s.trading_value
      from staging.ohlcv_daily s
      where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and s.close > 0
    ),
    on_previous_session as materialized (
      select b.*, o.close as prev_close, o.time as prev_time
      from batch b
      left join ohlcv_daily o on o.stock_code = b.stock_code and o.time = ${previousSession}::date
    ),
    priced as (
      select * from on_previous_session where prev_close is not null
      union all
      select q.row_number, q.stock_code, q.open, q.high, q.low, q.close, q.change, q.volume, q.trading_value, l.close, l.time
      from on_previous_session q
      left join lateral (
        select o.close, o.time from ohlcv_daily o
        where o.stock_code = q.stock_code and o.time < ${tradeDate}
        order by o.time desc limit 1
      ) l on true
      where q.prev_close is null
    ),
    gapped as (
      select p.*, 1 + (select count(*) from unnest(${sessionList}) d where d > p.prev_time)::int as sessions_back
      from priced p
    ),
    banded as (
      select g.*, g.prev_close * ${limitDown} as lower, g.prev_close * ${limitUp} as upper, ${average} as average,
             ${outside(sql`g.close`, limitDown, limitUp)} as close_off,
             -- Every trade of the day is inside the band, so open, high and low are too.
             coalesce(${outside(sql`g.high`, limitDown, limitUp)} or ${outside(sql`g.low`, limitDown, limitUp)}
               or ${outside(sql`g.open`, limitDown, limitUp)}, false) as range_off,
             -- The source's change is measured against the previous session; across a gap
             -- production does not hold that close, so only a one-session step is compared.
             g.sessions_back = 1 and g.change is not null and g.change <> g.close - g.prev_close as change_off,
             ${average} > g.prev_close * ${limitUp} + ${tickSizeSql(average)}
               or ${average} < g.prev_close * ${limitDown} - ${tickSizeSql(average)} as average_off,
             st.listing_date, st.listed_shares as master_shares, st.as_of_date as master_as_of
      from gapped g
      left join stocks st on st.stock_code = g.stock_code
    ),
    shares as (
      select b.row_number, before.listed_shares as shares_before, coalesce(now.listed_shares, case when b.master_as_of > b.prev_time then b.master_shares end) as shares_now
      from banded b
      left join lateral (
        select m.listed_shares from market_cap_daily m
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
               when x.shares_before <> x.shares_now and b.change is not null and b.close - b.change > 0
                    and abs(b.change) <= ${DAILY_LIMIT}::numeric * (b.close - b.change) + ${tickSizeSql(sql`b.close`)}
                    and ${outside(sql`b.high`, sql`${1 - DAILY_LIMIT}::numeric`, sql`${1 + DAILY_LIMIT}::numeric`, sql`(b.close - b.change)`)} is not true
                    and ${outside(sql`b.low`, sql`${1 - DAILY_LIMIT}::numeric`, sql`${1 + DAILY_LIMIT}::numeric`, sql`(b.close - b.change)`)} is not true
                    then 'corporate_action'
             end as exception
      from banded b
      left join shares x on x.row_number = b.row_number
    )
    select e.row_number, e.stock_code, e.open, e.high, e.low, e.close, e.change, e.volume, e.trading_value, e.prev_close, e.prev_time,
           e.sessions_back, e.lower, e.upper, e.average, e.close_off, e.range_off, e.change_off, e.average_off, e.exception,
           case when e.exception = 'corporate_action' then e.close - e.change else e.prev_close end as base
    from excepted e`
}

/**
 * True when `price` lies beyond [factorDown × base − tick, factorUp × base + tick], the tick
 * being the price's own; null when either is missing. The base defaults to `g.prev_close`.
 */
function outside(price: RawBuilder<unknown>, factorDown: RawBuilder<unknown>, factorUp: RawBuilder<unknown>, base: RawBuilder<unknown> = sql`g.prev_close`) {
  const tick = tickSizeSql(price)
  return sql<boolean>`(${price} > ${base} * ${factorUp} + ${tick} or ${price} < ${base} * ${factorDown} - ${tick})`
}

/** `new_listing 2, relisting 0, corporate_action 1`, from a rule's notes. */
export function exceptedText(notes: Record<string, number>): string {
  const names: ExceptionName[] = ['new_listing', 'relisting', 'corporate_action']
  return `excepted: ${names.map((name) => `${name} ${notes[name] ?? 0}`).join(', ')}`
}
