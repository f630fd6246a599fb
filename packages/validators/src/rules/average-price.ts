import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { toleranceTickSql } from '../krx-tick.ts'
import { CURRENT_DAILY_LIMIT, dailyLimitOn, exceptedText, judgedBars } from '../previous-close.ts'
import { show } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

/**
 * Every trade of the day, block and after-hours trades included, is priced inside the day's
 * price-limit band, so the day's average price (trading_value / volume) must lie inside it
 * too: a volume or a trading value multiplied (x2, x1000) or truncated moves the average out.
 * The band is the price_limit band around production's previous close (around close − change
 * on a corporate-action day), plus one tick; new listings and re-listings are not compared, nor
 * bars whose close is already beyond the band (price_limit names those).
 * Volume 0 with a trading value (or the reverse) is ohlc_consistency's.
 */
export const averagePriceRule: Rule = {
  name: 'average_price',
  severity: 'reject',
  threshold: CURRENT_DAILY_LIMIT,
  description: "trading_value / volume within the day's price-limit band (+1 tick) around the previous production close",
  async check(context) {
    const judged = await judgedBars(context)
    const limit = dailyLimitOn(context.target.tradeDate)
    const tick = toleranceTickSql(sql`x.average`, context.target.tradeDate)
    const corporate = sql`x.exception = 'corporate_action'`
    const outside = sql`case when ${corporate}
      then x.average > x.base * ${1 + limit}::numeric + ${tick} or x.average < x.base * ${1 - limit}::numeric - ${tick}
      else x.average_off and x.exception is null end`
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        select x.row_number,
               case when ${outside} then array[
                 'average_price: trading_value ' || ${show(sql`x.trading_value`)} || ' / volume ' || ${show(sql`x.volume`)} || ' = '
                 || ${show(sql`round(x.average, 2)`)} || ' outside the day''s band around '
                 || case when ${corporate} then 'adjusted base ' else 'previous close ' end || ${show(sql`x.base`)}
               ] else '{}'::text[] end as reasons,
               case when x.exception is not null and (x.average_off or x.exception <> 'corporate_action') then x.exception end as note
        from (${judged}) x
        where x.volume > 0 and x.trading_value > 0 and not coalesce(x.close_off, false)`,
    })
    return {
      ...findingOf(found, {
        clean: `${rowsText(found.checkedCount, 'traded bar')}: average price within the day's band; ${exceptedText(found.notes)}`,
        flagged: `${rowsText(found.issueCount, 'traded bar')} of ${found.checkedCount} have an average price outside the day's band; ${exceptedText(found.notes)}`,
      }),
      threshold: limit,
    }
  },
}
