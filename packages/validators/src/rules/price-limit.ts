import { dailyLimitPercent } from '@kmd/core'
import { sql, type RawBuilder } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { CURRENT_DAILY_LIMIT, DAILY_LIMITS_TEXT, dailyLimitOn, exceptedText, judgedBarsTable } from '../previous-close.ts'
import { toleranceTickSql } from '../krx-tick.ts'
import { rowRule } from '../row-pass.ts'
import { col, show, showDate } from '../sql-parts.ts'

/**
 * KRX stops a stock's price at the daily limit around its base price in force on the day
 * (core's dated KRX_DAILY_LIMITS): every trade of the day, so the close and the open, high and
 * low. The limit price is truncated to the tick of its band, so a real move is at most the
 * limit; we allow one tick of the price's band on top (limit × previous close + tick), which
 * forgives a source that rounds the limit instead of truncating while staying far tighter than
 * a flat margin.
 *
 * The base is production's previous close, never the row's own change or change_rate (a close
 * multiplied by three arrives with its original change_rate). When production's latest close
 * is k sessions old (the stock is missing in between), k limit moves are allowed. Exceptions
 * are named and come from facts outside the row (see `judgedBars`): new_listing, relisting,
 * corporate_action; each is counted in the message. Not excepted: liquidation trading before
 * a delisting (정리매매), which has no limit at all; such rows wait in quarantine for a person.
 */
export const priceLimitRule = rowRule({
  name: 'price_limit',
  severity: 'reject',
  threshold: CURRENT_DAILY_LIMIT,
  description: `close (and open, high, low) within the daily price limit of the trade date (${DAILY_LIMITS_TEXT}; +1 tick) of the previous production close; new listings, re-listings and corporate actions (share count changed) excepted`,
  async rowCheck(context) {
    const judged = await judgedBarsTable(context)
    const limit = dailyLimitOn(context.target.tradeDate)
    const tick = (price: RawBuilder<unknown>) => toleranceTickSql(price, context.target.tradeDate)
    // One reason per row: the close when it is beyond the band, else the first of high, low,
    // open that is (a high multiplied while the close stayed).
    const offPrice = (name: 'open' | 'high' | 'low' | 'close') => {
      const price = col('pl', `${name}_price`)
      return [
        sql`(${price} > pl.upper + ${tick(price)} or ${price} < pl.lower - ${tick(price)})`,
        sql`${sql.lit(`price_limit: ${name} `)} || ${show(price)} || ' is ' || case when ${price} > pl.prev_close then '+' else '' end
          || round((${price} / pl.prev_close - 1) * 100, 1)::text || '% vs previous close ' || ${show(sql`pl.prev_close`)}
          || ' (' || ${showDate(sql`pl.prev_time`)}
          || case when pl.sessions_back > 1 then ', ' || pl.sessions_back || ' sessions back: band ' || ${show(sql`round(pl.lower)`)}
               || '..' || ${show(sql`round(pl.upper)`)} else '' end || ')'`,
      ] as const
    }
    const cases = (['close', 'high', 'low', 'open'] as const).map(offPrice)
    const band = `±${dailyLimitPercent(context.target.tradeDate)}% (+1 tick)`
    return {
      column: 'reject_reasons',
      joins: sql`left join ${judged} pl on pl.row_number = s.row_number`,
      where: sql<boolean>`pl.row_number is not null`,
      reasons: sql<string[]>`case when pl.exception is null and (pl.close_off or pl.range_off) then array[case
          ${sql.join(cases.map(([condition, reason]) => sql`when ${condition} then ${reason}`), sql` `)}
        end] else '{}'::text[] end`,
      note: sql<string | null>`case when pl.exception = 'corporate_action' and not (pl.close_off or pl.range_off) then null else pl.exception end`,
      verdict: (found) => {
        const excepted = found.notes['new_listing'] ?? 0
        const relisted = found.notes['relisting'] ?? 0
        const compared = found.checkedCount - excepted - relisted
        const says = `${exceptedText(found.notes)}`
        return {
          ...findingOf(found, {
            clean: `${rowsText(compared)} within ${band} of the previous production close; ${says}`,
            flagged: `${rowsText(found.issueCount)} of ${compared} moved beyond ${band} of the previous production close; ${says}`,
          }),
          threshold: limit,
        }
      },
    }
  },
})
