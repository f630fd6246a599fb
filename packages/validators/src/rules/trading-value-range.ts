import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { reasonsWhen, show } from '../sql-parts.ts'

const TOLERANCE = 0.01

/**
 * Every trade of the day printed between low and high, so trading_value should lie within
 * volume × [low, high]. Only a warning: KRX counts block and after-hours trades in volume and
 * value at prices outside the regular session's range, and the real recording of 2021-01-04
 * has 3 of 2,531 stocks outside it. Rejecting would drop correct rows.
 */
export const tradingValueRangeRule = rowRule({
  name: 'trading_value_range',
  severity: 'warn',
  threshold: TOLERANCE,
  description: 'trading_value within volume × [low, high] ± 1% (warn: block and after-hours trades fall outside)',
  async rowCheck() {
    const lowest = sql`s.volume * s.low_price`
    const highest = sql`s.volume * s.high_price`
    const reasons = reasonsWhen([
      [
        sql`s.trading_value < ${lowest} * (1 - ${TOLERANCE}::numeric) or s.trading_value > ${highest} * (1 + ${TOLERANCE}::numeric)`,
        sql`'trading_value_range: trading_value ' || ${show(sql`s.trading_value`)} || ' outside volume ' || ${show(sql`s.volume`)}
            || ' x [low ' || ${show(sql`s.low_price`)} || ', high ' || ${show(sql`s.high_price`)} || '] = ['
            || ${show(lowest)} || ', ' || ${show(highest)} || '] +/- 1%'`,
      ],
    ])
    return {
      column: 'warnings',
      reasons,
      where: sql<boolean>`s.volume > 0 and s.low_price > 0 and s.high_price >= s.low_price and s.trading_value is not null`,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount, 'traded bar')} have trading_value within volume x [low, high]`,
          flagged: `${rowsText(found.issueCount, 'traded bar')} of ${found.checkedCount} have trading_value outside volume x [low, high] ± 1% (kept with a warning)`,
        }),
    }
  },
})
