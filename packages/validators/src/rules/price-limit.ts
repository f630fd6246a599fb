import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { tickSizeSql } from '../krx-tick.ts'
import { batchParam, dateParam, show, showDate } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const LIMIT_PERCENT = 30
const DAILY_LIMIT = LIMIT_PERCENT / 100

/**
 * KRX stops a stock's price at ±30% of its base price (the previous close, unless a corporate
 * action adjusted it). The limit price is truncated to the tick of its band, so a real move is
 * at most 30%; we allow one tick of the close's band on top (0.3 × previous close + tick), which
 * forgives a source that rounds the limit instead of truncating while staying far tighter than a
 * flat margin (0.5% is five ticks on a 1,000,000-won stock).
 *
 * Previous close: production close of the stock on its latest date before the trade date,
 * found by a hash join on the market's previous session, with a per-stock lookup only for the
 * few stocks absent that day. Excepted (counted, not rejected): rows without a previous close
 * (new listing, first load) and rows whose own change_rate (percent, as KRX's FLUC_RT), which
 * the source measures against KRX's adjusted base price, stays within ±30% (rights issues,
 * splits, mergers). Not excepted: liquidation trading before a delisting (정리매매), which has
 * no limit at all; such rows are rejected and wait in quarantine for a person.
 */
export const priceLimitRule: Rule = {
  name: 'price_limit',
  severity: 'reject',
  threshold: DAILY_LIMIT,
  description: "|close / previous close − 1| <= 30% plus one tick, unless the source's change_rate is within ±30% or there is no previous close",
  async check(context) {
    const { target } = context
    const tradeDate = dateParam(target.tradeDate)
    const percentMove = sql`round((x.close / x.prev_close - 1) * 100, 1)`
    // The previous session as a constant: inside the statement, as a sub-select, the planner
    // cannot see which day it is and scans all of ohlcv_daily (seconds once it holds years).
    const { rows: sessions } = await sql<{ day: string | null }>`
      select to_char(max(time), 'YYYY-MM-DD') as day from ohlcv_daily where time < ${tradeDate}`.execute(context.db)
    const previousSession = sessions[0]?.day ?? null
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        with on_previous_session as materialized (
          select s.row_number, s.stock_code, s.close, s.change_rate, o.close as prev_close, o.time as prev_time
          from staging.ohlcv_daily s
          left join ohlcv_daily o on o.stock_code = s.stock_code and o.time = ${previousSession}::date
          where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and s.close > 0
        ),
        priced as (
          select * from on_previous_session where prev_close is not null
          union all
          select q.row_number, q.stock_code, q.close, q.change_rate, l.close, l.time
          from on_previous_session q
          left join lateral (
            select o.close, o.time from ohlcv_daily o
            where o.stock_code = q.stock_code and o.time < ${tradeDate}
            order by o.time desc limit 1
          ) l on true
          where q.prev_close is null
        ),
        judged as (
          select p.*,
                 abs(p.close - p.prev_close) > ${DAILY_LIMIT}::numeric * p.prev_close + ${tickSizeSql(sql`p.close`)} as beyond,
                 coalesce(abs(p.change_rate) <= ${LIMIT_PERCENT}::numeric, false) as adjusted_base
          from priced p
        )
        select x.row_number,
               case when x.beyond and not x.adjusted_base then array[
                 'price_limit: close ' || ${show(sql`x.close`)} || ' is ' || case when x.close > x.prev_close then '+' else '' end
                 || ${percentMove}::text || '% vs previous close ' || ${show(sql`x.prev_close`)} || ' (' || ${showDate(sql`x.prev_time`)} || ')'
               ] else '{}'::text[] end as reasons,
               case when x.prev_close is null then 'no_previous_close'
                    when x.beyond and x.adjusted_base then 'corporate_action' end as note
        from judged x`,
    })
    const noPrevious = found.notes['no_previous_close'] ?? 0
    const corporateActions = found.notes['corporate_action'] ?? 0
    const excepted =
      `excepted: ${rowsText(noPrevious)} without a previous close (new listing or first load), ` +
      `${rowsText(corporateActions)} beyond the limit whose change_rate is within ±30% (corporate action)`
    const compared = found.checkedCount - noPrevious
    return findingOf(found, {
      clean: `${rowsText(compared)} within ±30% (+1 tick) of the previous close; ${excepted}`,
      flagged: `${rowsText(found.issueCount)} of ${compared} moved beyond ±30% (+1 tick) of the previous close; ${excepted}`,
    })
  },
}
