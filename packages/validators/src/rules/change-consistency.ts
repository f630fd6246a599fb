import { sql } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { exceptedText, judgedBarsTable } from '../previous-close.ts'
import { rowRule } from '../row-pass.ts'
import { show, showDate } from '../sql-parts.ts'

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
export const changeConsistencyRule = rowRule({
  name: 'change_consistency',
  severity: 'reject',
  threshold: 0,
  description: 'change = close − previous production close (sign included); present when the source always sends it; named exceptions as price_limit',
  async rowCheck(context) {
    const judged = await judgedBarsTable(context)
    const required = SOURCES_SENDING_CHANGE.includes(context.target.source)
    const expected = sql`(cc.close_price - cc.prev_close)`
    const signed = (value: ReturnType<typeof sql>) => sql`case when ${value} > 0 then '+' else '' end || ${show(value)}`
    return {
      column: 'reject_reasons',
      joins: sql`left join ${judged} cc on cc.row_number = s.row_number`,
      where: sql<boolean>`cc.row_number is not null`,
      reasons: sql<string[]>`case
          when cc.change is null and ${sql.lit(required)} then array[${`change_consistency: missing change (${context.target.source} always sends it)`}::text]
          when cc.change_off and cc.exception is null then array[
            'change_consistency: change ' || ${signed(sql`cc.change`)} || ' but close ' || ${show(sql`cc.close_price`)}
            || ' - previous close ' || ${show(sql`cc.prev_close`)} || ' (' || ${showDate(sql`cc.prev_time`)} || ') = ' || ${signed(expected)}
            || case when sign(cc.change) <> sign(${expected}) then ' (sign flipped or wrong)' else '' end
          ]
          else '{}'::text[] end`,
      note: sql<string | null>`case when cc.exception = 'corporate_action' and not cc.change_off then null else cc.exception end`,
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} with a previous production close agree on the change; ${exceptedText(found.notes)}`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} have a change that disagrees with production or is missing; ${exceptedText(found.notes)}`,
        }),
    }
  },
})
