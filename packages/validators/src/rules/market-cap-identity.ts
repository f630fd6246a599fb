import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { reasonsWhen, show } from '../sql-parts.ts'

const TOLERANCE = 0.001
// Sources whose market cap is close × shares outstanding to the won (KRX's MKTCAP, in the real recording).
const EXACT_SOURCES: readonly string[] = ['krx']

/**
 * Market cap is close × shares outstanding: to the won from KRX, within 0.1% from sources that
 * round it; a row off by more mixes values from different days or share counts, or was corrupted. Also refuses negative counts,
 * which production's CHECKs would refuse at promotion.
 */
export const marketCapIdentityRule = rowRule({
  name: 'market_cap_identity',
  severity: 'reject',
  threshold: TOLERANCE,
  description: 'market_cap, shares_outstanding >= 0 and, when close is present, |market_cap − close × shares_outstanding| <= 0.1% of market_cap',
  async rowCheck({ target }) {
    const product = sql`s.close_price * s.shares_outstanding`
    const allowed = EXACT_SOURCES.includes(target.source) ? sql`0` : sql`${TOLERANCE}::numeric * s.market_cap`
    const reasons = reasonsWhen([
      [sql`s.market_cap < 0`, sql`'market_cap_identity: market_cap ' || ${show(sql`s.market_cap`)} || ' < 0'`],
      [sql`s.shares_outstanding < 0`, sql`'market_cap_identity: shares_outstanding ' || ${show(sql`s.shares_outstanding`)} || ' < 0'`],
      [
        sql`abs(s.market_cap - ${product}) > ${allowed}`,
        sql`'market_cap_identity: market_cap ' || ${show(sql`s.market_cap`)} || ' differs from close ' || ${show(sql`s.close_price`)}
            || ' x shares_outstanding ' || ${show(sql`s.shares_outstanding`)} || ' = ' || ${show(product)}
            || ' by ' || ${show(sql`abs(s.market_cap - ${product})`)} || ${EXACT_SOURCES.includes(target.source) ? ` (${target.source} sends it to the won)` : ' (more than 0.1%)'}`,
      ],
    ])
    return {
      column: 'reject_reasons',
      reasons,
      note: sql<string | null>`case when s.close_price is null then 'no_close' end`,
      verdict(found) {
        const withoutClose = found.notes['no_close'] ?? 0
        const unchecked = withoutClose > 0 ? `; ${rowsText(withoutClose)} without close not checked against close x shares_outstanding` : ''
        return findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} agree with close x shares_outstanding within 0.1%${unchecked}`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} differ from close x shares_outstanding by more than 0.1% or are negative${unchecked}`,
        })
      },
    }
  },
})
