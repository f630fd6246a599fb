import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { reasonsWhen, show } from '../sql-parts.ts'

/**
 * Floating shares are part of the listed shares: 0 < floating_shares <= total_shares. Mirrors
 * production's CHECKs on floating_shares, so promotion never trips over one.
 */
export const floatingLeTotalRule = rowRule({
  name: 'floating_le_total',
  severity: 'reject',
  threshold: null,
  description: '0 < floating_shares <= total_shares',
  async rowCheck({ target }) {
    const reasons = reasonsWhen([
      [sql`s.total_shares <= 0`, sql`'floating_le_total: total_shares ' || ${show(sql`s.total_shares`)} || ' is not positive'`],
      [sql`s.floating_shares <= 0`, sql`'floating_le_total: floating_shares ' || ${show(sql`s.floating_shares`)} || ' is not positive'`],
      [
        sql`s.floating_shares > s.total_shares`,
        sql`'floating_le_total: floating_shares ' || ${show(sql`s.floating_shares`)} || ' > total_shares ' || ${show(sql`s.total_shares`)}`,
      ],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} have 0 < floating_shares <= total_shares`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have floating shares above the total or counts not positive`,
        }),
    }
  },
})
