import { sql, type RawBuilder } from 'kysely'
import { findingOf, rowsText } from '../flag-rows.ts'
import { productionColumnLimits, type ColumnLimit } from '../production-columns.ts'
import { rowRule } from '../row-pass.ts'
import { col, reasonsWhen, show } from '../sql-parts.ts'

type Case = readonly [condition: RawBuilder<unknown>, reason: RawBuilder<unknown>]

/**
 * Every cell must fit the production column it is promoted into. Staging holds raw values in
 * unbounded types (numeric, bigint, text) so nothing is rounded or refused on the way in; the
 * promoter's cast would otherwise round a 3-decimal price silently or abort the whole
 * promotion with `numeric field overflow` for one bad cell. The limits come from the
 * production table's real column types (pg_attribute, read once per process), so the
 * migrations stay the one definition: numeric(p, s) holds |round(value, s)| < 10^(p − s) and
 * no more than s decimals; integer types their range and whole numbers; character(n) and
 * character varying(n) n characters. Runs for every dataset, right after `schema`.
 */
export const outOfRangeRule = rowRule({
  name: 'out_of_range',
  severity: 'reject',
  threshold: null,
  description: "every value fits its production column's type (numeric precision and scale, integer range, length), read from the catalog",
  async rowCheck(context) {
    const { spec } = context
    const limits = await productionColumnLimits(context.db, spec.stagingTable, spec.productionTable)
    const cases = limits.flatMap(casesFor)
    if (cases.length === 0) {
      return { passed: true, checkedCount: 0, issueCount: 0, sample: [], message: `no column of ${spec.productionTable} is narrower than staging` }
    }
    const columns = limits.map((limit) => `${limit.column} ${limit.type}`).join(', ')
    return {
      column: 'reject_reasons',
      reasons: reasonsWhen(cases),
      verdict: (found) =>
        findingOf(found, {
          clean: `all ${rowsText(found.checkedCount)} fit ${spec.productionTable} (${columns})`,
          flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} hold a value ${spec.productionTable} cannot store (${columns})`,
        }),
    }
  },
})

function casesFor(limit: ColumnLimit): Case[] {
  const value = col('s', limit.column)
  const says = (text: string) => sql.lit(` ${text} ${limit.type}`)
  const named = sql.lit(`out_of_range: ${limit.column} `)
  switch (limit.kind) {
    case 'numeric': {
      const scale = sql.lit(limit.scale!)
      const cases: Case[] = [
        [sql`${value} <> round(${value}, ${scale})`, sql`${named} || ${show(value)} || ${says('has more decimals than')}`],
      ]
      const bound = sql.lit(`1e${limit.precision! - limit.scale!}`)
      cases.push([sql`abs(round(${value}, ${scale})) >= ${bound}::numeric`, sql`${named} || ${show(value)} || ${says('exceeds')}`])
      return cases
    }
    case 'integer':
      return [
        [sql`${value}::numeric <> trunc(${value}::numeric)`, sql`${named} || ${show(value)} || ${says('is not a whole number for')}`],
        [
          sql`${value}::numeric not between ${sql.lit(limit.min!)}::numeric and ${sql.lit(limit.max!)}::numeric`,
          sql`${named} || ${show(value)} || ${says('exceeds')}`,
        ],
      ]
    case 'text':
      return [
        [
          sql`length(${value}::text) > ${sql.lit(limit.maxLength!)}`,
          sql`${named} || '"' || ${value}::text || '"' || ${says('is longer than')}`,
        ],
      ]
  }
}
