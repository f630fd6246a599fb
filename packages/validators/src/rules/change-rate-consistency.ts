import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { show } from '../sql-parts.ts'

// Sources print the rate in percent with two decimals; allow one unit of the last one for rounding.
const TOLERANCE = 0.01

/**
 * change_rate = change ÷ (close − change) × 100: the source's rate is measured against the
 * same base as its change (the previous close, or the adjusted base on a corporate-action day),
 * so the identity holds on every row. change is held to production by change_consistency and
 * close by price_limit, so a corrupted rate cannot hide behind them.
 */
export const changeRateConsistencyRule = rowRule({
  name: 'change_rate_consistency',
  severity: 'reject',
  threshold: TOLERANCE,
  description: 'change_rate = change ÷ (close − change) × 100, within 0.01 percentage point',
  async rowCheck() {
    const expected = sql`round(s.change / (s.close_price - s.change) * 100, 2)`
    return {
      column: 'reject_reasons',
      reasons: sql<string[]>`case when abs(s.change_rate - ${expected}) > ${TOLERANCE}::numeric then array[
          'change_rate_consistency: change_rate ' || ${show(sql`s.change_rate`)} || '% but change ' || ${show(sql`s.change`)}
          || ' on a base of ' || ${show(sql`s.close_price - s.change`)} || ' is ' || ${show(expected)} || '%'
        ] else '{}'::text[] end`,
      where: sql<boolean>`s.change_rate is not null and s.change is not null and s.close_price is not null and s.close_price - s.change > 0`,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} with a change and a rate agree`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a change_rate that disagrees with their change`,
        }),
    }
  },
})
