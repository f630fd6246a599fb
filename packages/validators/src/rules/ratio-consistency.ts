import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, notRejected, reasonsWhen, show } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const TOLERANCE_POINTS = 0.5

/**
 * The ratio the source states should be floating / total × 100. Sources round the ratio and
 * some date the share counts and the ratio differently, so a gap is only a warning; more than
 * half a percentage point usually means one of the three numbers belongs to another day.
 * Only rows no earlier rule rejected are looked at: the warning is for rows that will be kept.
 */
export const ratioConsistencyRule: Rule = {
  name: 'ratio_consistency',
  severity: 'warn',
  threshold: TOLERANCE_POINTS,
  description: '|floating_shares / total_shares × 100 − floating_ratio| <= 0.5 percentage points',
  async check(context) {
    const { target } = context
    const computed = sql`(s.floating_shares::numeric * 100 / s.total_shares)`
    const reasons = reasonsWhen([
      [
        sql`abs(${computed} - s.floating_ratio) > ${TOLERANCE_POINTS}::numeric`,
        sql`'ratio_consistency: floating_ratio ' || ${show(sql`s.floating_ratio`)} || ' differs from floating_shares / total_shares = '
            || ${show(sql`round(${computed}, 2)`)} || '% by ' || ${show(sql`round(abs(${computed} - s.floating_ratio), 2)`)}
            || ' points (more than 0.5)'`,
      ],
    ])
    const found = await flagRows(context, {
      column: 'warnings',
      checked: sql`
        select s.row_number, ${reasons} as reasons, null::text as note
        from staging.floating_shares s
        where s.batch_id = ${batchParam(target.batchId)} and ${notRejected('s')}
          and s.total_shares > 0 and s.floating_shares >= 0 and s.floating_ratio is not null`,
    })
    return findingOf(found, {
      clean: `all ${rowsText(found.checkedCount)} state a ratio within 0.5 points of floating / total`,
      flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} state a ratio more than 0.5 points off floating / total (kept with a warning)`,
    })
  },
}
