import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { toleranceTickSql } from '../krx-tick.ts'
import { CURRENT_DAILY_LIMIT, dailyLimitOn, exceptedText, judgedBarsTable } from '../previous-close.ts'
import { rowRule } from '../row-pass.ts'
import { show } from '../sql-parts.ts'

/**
 * Every trade of the day, block and after-hours trades included, is priced inside the day's
 * price-limit band, so the day's average price (trading_value / volume) must lie inside it
 * too: a volume or a trading value multiplied (x2, x1000) or truncated moves the average out.
 * The band is the price_limit band around production's previous close (around close − change
 * on a corporate-action day), plus one tick; new listings and re-listings are not compared, nor
 * bars whose close is already beyond the band (price_limit names those).
 * Volume 0 with a trading value (or the reverse) is ohlc_consistency's.
 */
export const averagePriceRule = rowRule({
  name: 'average_price',
  severity: 'reject',
  threshold: CURRENT_DAILY_LIMIT,
  description: "trading_value / volume within the day's price-limit band (+1 tick) around the previous production close",
  async rowCheck(context) {
    const judged = await judgedBarsTable(context)
    const limit = dailyLimitOn(context.target.tradeDate)
    const tick = toleranceTickSql(sql`ap.average`, context.target.tradeDate)
    const corporate = sql`ap.exception = 'corporate_action'`
    const outside = sql`case when ${corporate}
      then ap.average > ap.base * ${1 + limit}::numeric + ${tick} or ap.average < ap.base * ${1 - limit}::numeric - ${tick}
      else ap.average_off and ap.exception is null end`
    return {
      column: 'reject_reasons',
      joins: sql`left join ${judged} ap on ap.row_number = s.row_number`,
      where: sql<boolean>`ap.row_number is not null and ap.volume > 0 and ap.trading_value > 0 and not coalesce(ap.close_off, false)`,
      reasons: sql<string[]>`case when ${outside} then array[
          'average_price: trading_value ' || ${show(sql`ap.trading_value`)} || ' / volume ' || ${show(sql`ap.volume`)} || ' = '
          || ${show(sql`round(ap.average, 2)`)} || ' outside the day''s band around '
          || case when ${corporate} then 'adjusted base ' else 'previous close ' end || ${show(sql`ap.base`)}
        ] else '{}'::text[] end`,
      note: sql<string | null>`case when ap.exception is not null and (ap.average_off or ap.exception <> 'corporate_action') then ap.exception end`,
      verdict: (found) => ({
        ...findingOf(found, {
          clean: `${rowsText(found.checkedCount, 'traded bar')}: average price within the day's band; ${exceptedText(found.notes)}`,
          flagged: `${rowsText(found.issueCount, 'traded bar')} of ${found.checkedCount} have an average price outside the day's band; ${exceptedText(found.notes)}`,
        }),
        threshold: limit,
      }),
    }
  },
})
