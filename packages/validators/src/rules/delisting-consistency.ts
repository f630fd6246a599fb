import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { dateParam, reasonsWhen, showDate } from '../sql-parts.ts'

/**
 * A stock cannot leave the market before it entered it, nor, in a snapshot dated D, have left
 * after D: production keeps `is_active = (delisting_date is null)`, so a delisting still to
 * come cannot be stored as such yet; the row waits in quarantine.
 */
export const delistingConsistencyRule = rowRule({
  name: 'delisting_consistency',
  severity: 'reject',
  threshold: null,
  description: 'delisting_date not before listing_date, and not after the snapshot date',
  async rowCheck({ target }) {
    const reasons = reasonsWhen([
      [
        sql`s.delisting_date < s.listing_date`,
        sql`'delisting_consistency: delisting_date ' || ${showDate(sql`s.delisting_date`)} || ' is before listing_date ' || ${showDate(sql`s.listing_date`)}`,
      ],
      [
        sql`s.delisting_date > ${dateParam(target.tradeDate)}`,
        sql`'delisting_consistency: delisting_date ' || ${showDate(sql`s.delisting_date`)} || ' is after the snapshot date ' || ${target.tradeDate}::text`,
      ],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      note: sql<string | null>`case when s.delisting_date is not null then 'delisted' end`,
      verdict(found) {
        const delisted = found.notes['delisted'] ?? 0
        return findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} have consistent listing and delisting dates; ${rowsText(delisted)} delisted`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a delisting date before listing or after ${target.tradeDate}; ${rowsText(delisted)} delisted`,
        })
      },
    }
  },
})
