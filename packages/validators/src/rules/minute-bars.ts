import { sql } from 'kysely'
import { sessionMinuteBars } from '@kmd/core'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { batchParam, dateParam, notRejected, reasonsWhen, SEOUL, show, showKeyDate, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const p = (rule: string, text: string) => sql.lit(`${rule}: ${text}`)

/**
 * A minute bar must agree with itself: every price present and positive, low <= open, close <=
 * high; volume and value never negative, zero together or positive together. A minute without a
 * trade (volume 0, as KIS lists them) is flat at the last trade: open = high = low = close.
 * Exact identities, so it rejects; mirrors production's CHECK on ohlcv_minute.
 */
export const minuteBarRule = rowRule({
  name: 'minute_bar',
  severity: 'reject',
  threshold: null,
  description: 'prices > 0, low <= open, close <= high; volume, trading_value >= 0 and zero together; a bar without a trade is flat',
  async rowCheck() {
    const s = (column: string) => sql.ref(`s.${column}`)
    const reasons = reasonsWhen([
      [sql`s.volume < 0`, sql`${p('minute_bar', 'volume ')} || ${show(s('volume'))} || ' < 0'`],
      [sql`s.trading_value < 0`, sql`${p('minute_bar', 'trading_value ')} || ${show(s('trading_value'))} || ' < 0'`],
      [sql`least(s.open_price, s.high_price, s.low_price, s.close_price) <= 0`, sql`${p('minute_bar', 'a price <= 0 (low ')} || ${show(s('low_price'))} || ')'`],
      [sql`s.high_price < s.low_price`, sql`${p('minute_bar', 'high ')} || ${show(s('high_price'))} || ' < low ' || ${show(s('low_price'))}`],
      [
        sql`s.low_price <= s.high_price and (s.open_price not between s.low_price and s.high_price or s.close_price not between s.low_price and s.high_price)`,
        sql`${p('minute_bar', 'open ')} || ${show(s('open_price'))} || ' or close ' || ${show(s('close_price'))} || ' outside [low ' || ${show(s('low_price'))} || ', high ' || ${show(s('high_price'))} || ']'`,
      ],
      [sql`s.volume = 0 and s.trading_value > 0`, sql`${p('minute_bar', 'volume 0 with trading_value ')} || ${show(s('trading_value'))}`],
      [sql`s.volume > 0 and s.trading_value = 0`, sql`${p('minute_bar', 'volume ')} || ${show(s('volume'))} || ' with trading_value 0'`],
      [
        sql`s.volume = 0 and s.high_price <> s.low_price`,
        sql`${p('minute_bar', 'a bar without a trade moves: high ')} || ${show(s('high_price'))} || ', low ' || ${show(s('low_price'))}`,
      ],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount, 'bar')} consistent`,
          flagged: `${rowsText(found.issueCount, 'bar')} of ${found.checkedCount} contradict themselves`,
        }),
    }
  },
})

/**
 * A bar's time is a minute of the day's session as KRX ran it (core's `sessionMinuteBars`: the
 * continuous minutes, then the closing auction's single bar at the close; late opens and early
 * closes included), on the minute.
 */
export const minuteSessionRule = rowRule({
  name: 'minute_session',
  severity: 'reject',
  threshold: null,
  description: "each bar's time is a whole minute of the trade date's session (continuous minutes, then the closing auction at the close)",
  async rowCheck({ spec, target }) {
    const minutes = sessionMinuteBars(target.tradeDate)
    const clock = sql`to_char(s.time at time zone ${SEOUL}, 'HH24:MI')`
    const session = minutes.length === 0 ? 'no session' : `${minutes[0]}–${minutes.at(-2) ?? minutes[0]}, then ${minutes.at(-1)}`
    const reasons = reasonsWhen([
      [sql`date_trunc('minute', s.time) <> s.time`, sql`${p('minute_session', 'time ')} || to_char(s.time at time zone ${SEOUL}, 'HH24:MI:SS') || ' is not on a minute'`],
      [
        sql`not (${clock} = any(${minutes}::text[]))`,
        sql`${p('minute_session', '')} || ${showKeyDate(spec, sql`s.time`)} || ${sql.lit(` is not a minute of the session on ${target.tradeDate} (${session})`)}`,
      ],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      where: sql<boolean>`s.time is not null`,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount, 'bar')} within the session (${session})`,
          flagged: `${rowsText(found.issueCount, 'bar')} of ${found.checkedCount} outside the session (${session})`,
        }),
    }
  },
})

/**
 * A stock's bars must add up to its day in production's ohlcv_daily: the volumes and values sum
 * to the day's, the highest high and lowest low are the day's, the first open and last close
 * too. A stock whose bars disagree (or whose day is not in ohlcv_daily to agree with) has all its
 * bars rejected, so a stock is promoted whole and true or not at all, and completeness lists it as
 * missing. Judged per stock over the bars no earlier rule rejected; the sample names stocks.
 */
export const minuteVsDailyRule: Rule = {
  name: 'minute_vs_daily',
  severity: 'reject',
  threshold: null,
  description: "per stock, the bars' volume and value sum to the day's in ohlcv_daily, their max high, min low, first open and last close are the day's",
  async check(context) {
    const { spec, target } = context
    const differs = (label: string, bars: string, day: string) => [
      sql`b.${sql.ref(bars)} is distinct from d.${sql.ref(day)} and d.${sql.ref(day)} is not null`,
      sql`${sql.lit(`${label} `)} || ${show(sql.ref(`b.${bars}`))} || ${sql.lit(' vs the day\'s ')} || ${show(sql.ref(`d.${day}`))}`,
    ] as const
    const checks = [
      differs('volume', 'volume', 'volume'),
      differs('trading_value', 'trading_value', 'trading_value'),
      differs('high', 'high', 'high_price'),
      differs('low', 'low', 'low_price'),
      differs('open', 'open', 'open_price'),
      differs('close', 'close', 'close_price'),
    ]
    const found = await flagRows(context, {
      column: 'reject_reasons',
      sampleKey: 'stock',
      // Window sums over one pass of the batch: freshly staged rows have no statistics for a
      // grouped join back to them.
      checked: sql`
        with bars as (
          select s.row_number, s.stock_code,
                 sum(s.volume) over stock as volume, sum(s.trading_value) over stock as trading_value,
                 max(s.high_price) over stock as high, min(s.low_price) over stock as low,
                 first_value(s.open_price) over stock as open, last_value(s.close_price) over stock as close,
                 row_number() over stock as nth
          from ${stagingTable(spec)} s
          where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and s.time is not null and ${notRejected('s')}
          window stock as (partition by s.stock_code order by s.time rows between unbounded preceding and unbounded following)
        )
        select b.row_number,
               case when d.stock_code is null then array[${sql.lit('minute_vs_daily: ohlcv_daily has no bar of ')} || b.stock_code || ${sql.lit(` on ${target.tradeDate} to reconcile with`)}]
                    when ${sql.join(checks.map(([condition]) => sql`(${condition})`), sql` or `)}
                    then array['minute_vs_daily: ' || concat_ws(', ', ${sql.join(checks.map(([condition, reason]) => sql`case when ${condition} then ${reason} end`))})]
                    else '{}'::text[] end as reasons,
               case when b.nth = 1 then 'stock' end as note
        from bars b
        left join ohlcv_daily d on d.stock_code = b.stock_code and d.time = ${dateParam(target.tradeDate)}`,
    })
    const stocks = found.notes.stock ?? 0
    return {
      passed: found.issueCount === 0,
      checkedCount: found.checkedCount,
      issueCount: found.issueCount,
      sample: found.sample,
      message:
        found.issueCount === 0
          ? `the bars of all ${rowsText(stocks, 'stock')} add up to their day in ohlcv_daily`
          : `the bars of ${rowsText(found.issueKeyCount, 'stock')} of ${stocks} disagree with their day in ohlcv_daily: ${rowsText(found.issueCount, 'bar')} rejected`,
    }
  },
}
