import { TICKS_KNOWN_SINCE, tickEraOn } from '@kmd/core'
import { sql, type RawBuilder } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { oneTableForAllMarkets, tickSizeSql } from '../krx-tick.ts'
import { rowRule } from '../row-pass.ts'
import { previousSessions } from '../previous-close.ts'
import { col, dateParam, productionTable, reasonsWhen, show } from '../sql-parts.ts'

const MARKET_UNKNOWN = 'market_unknown'

/**
 * Every KRX stock price is a whole multiple of the tick of its band (호가가격단위): a price
 * with decimals or between ticks was corrupted on the way (a 3-decimal close would otherwise
 * be rounded silently by the production column). The table is the one in force on the trade
 * date (core's krx-price-rules.ts): one for all markets since 2023-01-25; KOSPI's and KOSDAQ's
 * (KONEX with KOSDAQ) from 2011-01-03; earlier days are not judged, and the message says so.
 *
 * Where the tables differ by market, a row's market is the stock master's when the master lists
 * the stock on or before the trade date: its listing_date is the listing on its current market
 * (a stock moved from KOSDAQ to KOSPI carries its KOSPI date), so on earlier days it may have
 * traded elsewhere. Those rows, and stocks the master lacks, are judged on the grid shared by
 * all markets of the day (each market's ticks are multiples of it), which no real price fails;
 * the message counts them.
 *
 * A price equal to the stock's close in production on the previous session, on a day without
 * a trade (or in a dataset that does not say, market caps), is not judged: it was carried, not
 * traded (a halted stock shows its last close), and was on the grid of the day it traded.
 * Across a change of the table (2023-01-25) such a price can lie between the new ticks for as
 * long as the stock stays halted; a traded price never does.
 */
export const tickGridRule = rowRule({
  name: 'tick_grid',
  severity: 'reject',
  threshold: null,
  description: `prices are whole multiples of the KRX tick of their band, in the table of the trade date and market (trade dates since ${TICKS_KNOWN_SINCE})`,
  async rowCheck(context) {
    const { spec, target } = context
    const columns = spec.tickGridColumns
    const era = tickEraOn(target.tradeDate)
    if (!era || columns.length === 0) {
      return {
        passed: true,
        checkedCount: 0,
        issueCount: 0,
        sample: [],
        message: columns.length === 0 ? `${spec.dataset} has no prices` : `not checked: ${target.tradeDate} is before ${TICKS_KNOWN_SINCE}, the first day whose KRX tick table is known`,
      }
    }
    const byMarket = !oneTableForAllMarkets(era)
    const previousSession = columns.includes('close_price') ? (await previousSessions(context))[0] : undefined
    // Its own alias, like the master's below.
    const carried = previousSession
      ? sql`left join ${productionTable(spec)} tg_prev on tg_prev.stock_code = s.stock_code and tg_prev.time = ${dateParam(previousSession)}`
      : undefined
    // Where the dataset says whether the stock traded, only a day without a trade carries its close.
    const withoutTrade = spec.valueColumns.includes('volume') ? sql` or coalesce(${col('s', 'volume')}, 0) <> 0` : sql``
    const notCarried = (price: RawBuilder<unknown>) => (carried ? sql` and (${price} is distinct from tg_prev.close_price${withoutTrade})` : sql``)
    // Its own alias: the pass joins other rules' stocks rows onto the same staging row.
    const market = sql`tm.market`
    const cases = columns.map((name): readonly [RawBuilder<unknown>, RawBuilder<unknown>] => {
      const price = col('s', name)
      const tick = tickSizeSql(price, era, market)
      const where = byMarket ? sql` || ' on ' || coalesce(${market}, 'any market')` : sql``
      return [
        sql`${price} > 0 and mod(${price}, ${tick}) <> 0${notCarried(price)}`,
        sql`${sql.lit(`tick_grid: ${name} `)} || ${show(price)} || ' is not a multiple of the tick ' || ${tick} || ' at that price'${where}`,
      ]
    })
    const masterJoin = byMarket ? sql`left join stocks tm on tm.stock_code = s.stock_code and tm.listing_date <= ${dateParam(target.tradeDate)}` : undefined
    const joins = [masterJoin, carried].filter((join): join is RawBuilder<unknown> => join !== undefined)
    return {
      column: 'reject_reasons',
      reasons: reasonsWhen(cases),
      ...(joins.length > 0 && { joins: sql.join(joins, sql` `) }),
      ...(byMarket && { note: sql<string | null>`case when ${market} is null then ${sql.lit(MARKET_UNKNOWN)} end` }),
      verdict(found) {
        const unknown = found.notes[MARKET_UNKNOWN] ?? 0
        const says = byMarket ? `; ${rowsText(unknown)} judged on the grid all markets share (the stock's market on ${target.tradeDate} is not known)` : ''
        return findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} priced on the KRX tick grid${says}`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a price off the KRX tick grid${says}`,
        })
      },
    }
  },
})
