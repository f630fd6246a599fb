import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { reasonsWhen, show } from '../sql-parts.ts'

const MAX_RATIO = 100

/** The floating ratio is a percentage of the listed shares: above 0 (some shares trade), at most 100. */
export const floatingRatioRangeRule = rowRule({
  name: 'floating_ratio_range',
  severity: 'reject',
  threshold: MAX_RATIO,
  description: '0 < floating_ratio <= 100 (percent)',
  async rowCheck({ target }) {
    const reasons = reasonsWhen([
      [
        sql`s.floating_ratio <= 0 or s.floating_ratio > ${MAX_RATIO}::numeric`,
        sql`'floating_ratio_range: floating_ratio ' || ${show(sql`s.floating_ratio`)} || ' is not in (0, 100]'`,
      ],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} have a floating ratio in (0, 100]`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a floating ratio outside (0, 100]`,
        }),
    }
  },
})
