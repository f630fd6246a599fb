import { sql } from 'kysely'
import { flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, reasonsWhen, show, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const TOLERANCE = 0.001
// Sources whose market cap is close × listed shares to the won (KRX's MKTCAP, in the real recording).
const EXACT_SOURCES: readonly string[] = ['krx']

/**
 * Market cap is close × listed shares: to the won from KRX, within 0.1% from sources that
 * round it; a row off by more mixes values from different days or share counts, or was corrupted. Also refuses negative counts,
 * which production's CHECKs would refuse at promotion.
 */
export const marketCapIdentityRule: Rule = {
  name: 'market_cap_identity',
  severity: 'reject',
  threshold: TOLERANCE,
  description: 'market_cap, listed_shares >= 0 and, when close is present, |market_cap − close × listed_shares| <= 0.1% of market_cap',
  async check(context) {
    const { spec, target } = context
    const product = sql`s.close * s.listed_shares`
    const allowed = EXACT_SOURCES.includes(target.source) ? sql`0` : sql`${TOLERANCE}::numeric * s.market_cap`
    const reasons = reasonsWhen([
      [sql`s.market_cap < 0`, sql`'market_cap_identity: market_cap ' || ${show(sql`s.market_cap`)} || ' < 0'`],
      [sql`s.listed_shares < 0`, sql`'market_cap_identity: listed_shares ' || ${show(sql`s.listed_shares`)} || ' < 0'`],
      [
        sql`abs(s.market_cap - ${product}) > ${allowed}`,
        sql`'market_cap_identity: market_cap ' || ${show(sql`s.market_cap`)} || ' differs from close ' || ${show(sql`s.close`)}
            || ' x listed_shares ' || ${show(sql`s.listed_shares`)} || ' = ' || ${show(product)}
            || ' by ' || ${show(sql`abs(s.market_cap - ${product})`)} || ${EXACT_SOURCES.includes(target.source) ? ` (${target.source} sends it to the won)` : ' (more than 0.1%)'}`,
      ],
    ])
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        select s.row_number, ${reasons} as reasons, case when s.close is null then 'no_close' end as note
        from ${stagingTable(spec)} s
        where s.batch_id = ${batchParam(target.batchId)}`,
    })
    const withoutClose = found.notes['no_close'] ?? 0
    const unchecked = withoutClose > 0 ? `; ${rowsText(withoutClose)} without close not checked against close x listed_shares` : ''
    return {
      passed: found.issueCount === 0,
      checkedCount: found.checkedCount,
      issueCount: found.issueCount,
      sample: found.sample,
      message:
        (found.issueCount === 0
          ? `all ${rowsText(found.checkedCount)} agree with close x listed_shares within 0.1%`
          : `${rowsText(found.issueCount)} of ${found.checkedCount} differ from close x listed_shares by more than 0.1% or are negative`) + unchecked,
    }
  },
}
