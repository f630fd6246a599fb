import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { exceptedText, judgedBars } from '../previous-close.ts'
import { show, showDate } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

/**
 * Sources whose daily bars always carry the change against the previous close (KRX
 * CMPPREVDD_PRC, Naver's 전일비 with its arrow, KIS prdy_vrss, Infomax change); a bar from them
 * without one lost it on the way. File imports may leave it out.
 */
export const SOURCES_SENDING_CHANGE: readonly string[] = ['krx', 'naver', 'kis', 'infomax']

/**
 * change = close − previous close, sign included, with the previous close taken from
 * production: a sign-flipped change, or a close corrupted while its change stayed, disagrees.
 * Compared only when production's latest close is from the previous market session (across a
 * gap production does not hold the close the source measured from). Named exceptions (see
 * `judgedBars`): new_listing and relisting (KRX measures from the listing base), and
 * corporate_action, where KRX measures against an adjusted base; a row the exception covers
 * is not compared. A missing change from a source that always sends one is rejected.
 */
export const changeConsistencyRule: Rule = {
  name: 'change_consistency',
  severity: 'reject',
  threshold: 0,
  description: 'change = close − previous production close (sign included); present when the source always sends it; named exceptions as price_limit',
  async check(context) {
    const judged = await judgedBars(context)
    const required = SOURCES_SENDING_CHANGE.includes(context.target.source)
    const expected = sql`(x.close_price - x.prev_close)`
    const signed = (value: ReturnType<typeof sql>) => sql`case when ${value} > 0 then '+' else '' end || ${show(value)}`
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        select x.row_number,
               case
                 when x.change is null and ${sql.lit(required)} then array[${`change_consistency: missing change (${context.target.source} always sends it)`}::text]
                 when x.change_off and x.exception is null then array[
                   'change_consistency: change ' || ${signed(sql`x.change`)} || ' but close ' || ${show(sql`x.close_price`)}
                   || ' - previous close ' || ${show(sql`x.prev_close`)} || ' (' || ${showDate(sql`x.prev_time`)} || ') = ' || ${signed(expected)}
                   || case when sign(x.change) <> sign(${expected}) then ' (sign flipped or wrong)' else '' end
                 ]
                 else '{}'::text[] end as reasons,
               case when x.exception = 'corporate_action' and not x.change_off then null else x.exception end as note
        from (${judged}) x`,
    })
    return findingOf(found, {
      clean: `all ${rowsText(found.checkedCount)} with a previous production close agree on the change; ${exceptedText(found.notes)}`,
      flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a change that disagrees with production or is missing; ${exceptedText(found.notes)}`,
    })
  },
}
