import { sql, type RawBuilder } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { rowRule } from '../row-pass.ts'
import { col, dateParam, reasonsWhen, show, showDate, tradeDateOf } from '../sql-parts.ts'
import { requiredColumnsFor, type DatasetSpec } from '../datasets.ts'

type Case = readonly [condition: RawBuilder<unknown>, reason: RawBuilder<unknown>]

/**
 * What a row must be before any other rule can judge it: parsed, complete, its codes in
 * their formats (KRX short code, ISIN, index code), its fixed-list values known, its numbers
 * within what production can hold, dated on the batch's trade date where the dataset is a
 * one-day snapshot, and (investor flows) of a known investor type. Everything comes from the
 * dataset's spec.
 */
export const schemaRule = rowRule({
  name: 'schema',
  severity: 'reject',
  threshold: null,
  description: "no parse errors, required columns present, codes in their formats, known values, numbers production can hold, snapshot rows on the trade date",
  async rowCheck({ spec, target }) {
    const dated = spec.batchDateColumn ? ` and dated ${target.tradeDate}` : ''
    return {
      column: 'reject_reasons',
      reasons: reasonsWhen(schemaCases(spec, target.tradeDate, requiredColumnsFor(spec, target.source))),
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} parsed, complete, well-formed${dated}`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} rejected: unparsable, incomplete, malformed or misdated`,
        }),
    }
  },
})

function schemaCases(spec: DatasetSpec, tradeDate: string, required: readonly string[]): Case[] {
  const s = (name: string) => col('s', name)
  const missing = (c: string) => (spec.nonBlankColumns.includes(c) ? sql`(${s(c)} is null or btrim(${s(c)}) = '')` : sql`${s(c)} is null`)
  const blanks = spec.nonBlankColumns.map((c) => sql` or btrim(${s(c)}) = ''`)
  const cases: Case[] = [
    [sql`cardinality(s.parse_errors) > 0`, sql`'schema: unparsable ' || array_to_string(s.parse_errors, '; ')`],
    [
      sql`(num_nulls(${sql.join(required.map((c) => s(c)))}) > 0${sql.join(blanks, sql``)})`,
      sql`'schema: missing ' || concat_ws(', ', ${sql.join(required.map((c) => sql`case when ${missing(c)} then ${sql.lit(c)} end`))})`,
    ],
    ...spec.formats.map(
      ({ column, pattern, says }): Case => [
        sql`${s(column)} !~ ${pattern}`,
        sql`${sql.lit(`schema: ${column} "`)} || ${s(column)} || ${sql.lit(`" ${says}`)}`,
      ],
    ),
    ...spec.choices.map(
      ({ column, values }): Case => [
        sql`${s(column)} not in (${sql.join(values.map((v) => sql.lit(v)))})`,
        sql`${sql.lit(`schema: ${column} "`)} || ${s(column)} || ${sql.lit(`" is not one of ${values.join(', ')}`)}`,
      ],
    ),
    ...spec.bounds.flatMap(({ column, atLeast, below, says }): Case[] => {
      const conditions = [
        ...(atLeast === undefined ? [] : [sql`${s(column)} < ${sql.lit(atLeast)}::numeric`]),
        ...(below === undefined ? [] : [sql`abs(${s(column)}) >= ${sql.lit(below)}::numeric`]),
      ]
      return [[sql.join(conditions, sql` or `), sql`${sql.lit(`schema: ${column} `)} || ${show(s(column))} || ${sql.lit(` ${says}`)}`]]
    }),
  ]
  if (spec.batchDateColumn) {
    const column = spec.batchDateColumn
    const day = tradeDateOf(spec, s(column))
    cases.push([
      sql`${day} <> ${dateParam(tradeDate)}`,
      sql`${sql.lit(`schema: ${column} `)} || ${showDate(day)} || ' is not the trade date ' || ${tradeDate}::text`,
    ])
  }
  if (spec.entityColumns.includes('investor_type')) {
    cases.push([
      sql`s.investor_type not in (select investor_type from investor_types)`,
      sql`'schema: investor_type "' || s.investor_type || '" is not one of investor_types'`,
    ])
  }
  return cases
}
