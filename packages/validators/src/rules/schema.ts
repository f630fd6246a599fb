import { sql } from 'kysely'
import { flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, col, dateParam, reasonsWhen, showDate, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

const STOCK_CODE_PATTERN = '^[0-9A-Z]{6}$'

/**
 * What a row must be before any other rule can judge it: parsed, complete, keyed by a KRX
 * short code, dated on the batch's trade date, and (investor flows) of a known investor type.
 */
export const schemaRule: Rule = {
  name: 'schema',
  severity: 'reject',
  threshold: null,
  description: 'no parse errors, required columns present, six-character stock code, time = trade date, known investor type',
  async check(context) {
    const { spec, target } = context
    const s = (name: string) => col('s', name)
    const missingList = sql.join(
      spec.requiredColumns.map((c) => sql`case when ${s(c)} is null then ${sql.lit(c)} end`),
    )
    const cases = [
      [sql`cardinality(s.parse_errors) > 0`, sql`'schema: unparsable ' || array_to_string(s.parse_errors, '; ')`],
      [
        sql`num_nulls(${sql.join(spec.requiredColumns.map((c) => s(c)))}) > 0`,
        sql`'schema: missing ' || concat_ws(', ', ${missingList})`,
      ],
      [
        sql`s.stock_code !~ ${STOCK_CODE_PATTERN}`,
        sql`'schema: stock_code "' || s.stock_code || '" is not six digits or capital letters'`,
      ],
      [
        sql`s.time <> ${dateParam(target.tradeDate)}`,
        sql`'schema: time ' || ${showDate(s('time'))} || ' is not the trade date ' || ${target.tradeDate}::text`,
      ],
    ] as const
    const investorCase = [
      sql`s.investor_type not in (select investor_type from investor_types)`,
      sql`'schema: investor_type "' || s.investor_type || '" is not one of investor_types'`,
    ] as const
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        select s.row_number,
               ${reasonsWhen(spec.entityColumns.includes('investor_type') ? [...cases, investorCase] : cases)} as reasons,
               null::text as note
        from ${stagingTable(spec)} s
        where s.batch_id = ${batchParam(target.batchId)}`,
    })
    return {
      passed: found.issueCount === 0,
      checkedCount: found.checkedCount,
      issueCount: found.issueCount,
      sample: found.sample,
      message:
        found.issueCount === 0
          ? `all ${rowsText(found.checkedCount)} parsed, complete and keyed on ${target.tradeDate}`
          : `${rowsText(found.issueCount)} of ${found.checkedCount} rejected: unparsable, incomplete or mis-keyed`,
    }
  },
}
