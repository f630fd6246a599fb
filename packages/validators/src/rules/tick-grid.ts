import { sql, type RawBuilder } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { tickSizeSql } from '../krx-tick.ts'
import { batchParam, col, reasonsWhen, show, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

/** The first day of the unified KOSPI/KOSDAQ tick table `krx-tick.ts` holds. */
export const UNIFIED_TICKS_SINCE = '2023-01-25'

/** The price columns each daily dataset carries. */
const PRICE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  ohlcv_daily: ['open', 'high', 'low', 'close'],
  market_cap_daily: ['close'],
}

/**
 * Every KRX stock price is a whole multiple of the tick of its band (호가가격단위): a price
 * with decimals or between ticks was corrupted on the way (a 3-decimal close would otherwise
 * be rounded silently by the production column). The bands are `krx-tick.ts`'s, valid since
 * 2023-01-25; earlier days (separate KOSPI and KOSDAQ tables) are not judged, and the message
 * says so.
 */
export const tickGridRule: Rule = {
  name: 'tick_grid',
  severity: 'reject',
  threshold: null,
  description: 'prices are whole multiples of the KRX tick of their band (trade dates since 2023-01-25)',
  async check(context) {
    const { spec, target } = context
    const columns = PRICE_COLUMNS[spec.dataset] ?? []
    if (target.tradeDate < UNIFIED_TICKS_SINCE || columns.length === 0) {
      return {
        passed: true,
        checkedCount: 0,
        issueCount: 0,
        sample: [],
        message: columns.length === 0 ? `${spec.dataset} has no prices` : `not checked: ${target.tradeDate} is before the unified tick table of ${UNIFIED_TICKS_SINCE}`,
      }
    }
    const cases = columns.map((name): readonly [RawBuilder<unknown>, RawBuilder<unknown>] => {
      const price = col('s', name)
      const tick = tickSizeSql(price)
      return [
        sql`${price} > 0 and mod(${price}, ${tick}) <> 0`,
        sql`${sql.lit(`tick_grid: ${name} `)} || ${show(price)} || ' is not a multiple of the tick ' || ${tick} || ' at that price'`,
      ]
    })
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        select s.row_number, ${reasonsWhen(cases)} as reasons, null::text as note
        from ${stagingTable(spec)} s
        where s.batch_id = ${batchParam(target.batchId)}`,
    })
    return findingOf(found, {
      clean: `all ${rowsText(found.checkedCount)} priced on the KRX tick grid`,
      flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a price off the KRX tick grid`,
    })
  },
}
