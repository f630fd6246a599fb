import { sql, type RawBuilder } from 'kysely'
import { notesOf, sampleOf, type FlaggedRows } from './flag-rows.ts'
import { batchParam, col, rowKey, stagingTable, stockKey } from './sql-parts.ts'
import type { Rule, RuleContext, RuleFinding } from './types.ts'

/**
 * A row rule's check as parts of one SELECT over the staging row aliased `s`, so that
 * consecutive row rules share one read of the batch and one UPDATE (`runRowPass`).
 */
export interface RowCheck {
  /** reject rules append to reject_reasons, warn rules to warnings. */
  column: 'reject_reasons' | 'warnings'
  /** `text[]` of the row's reasons, empty when the row is fine. */
  reasons: RawBuilder<string[]>
  /** The rows the rule checks; every row of the batch when absent. */
  where?: RawBuilder<boolean>
  /** A category to count among checked rows (FlaggedRows.notes), or null. */
  note?: RawBuilder<string | null>
  /**
   * Left joins onto `s` that match at most one row each, under aliases no other row rule uses
   * (the pass joins every rule's onto the same row).
   */
  joins?: RawBuilder<unknown>
  /** Sample keys per row (default) or per stock and day. */
  sampleKey?: 'row' | 'stock'
  verdict(found: FlaggedRows): RuleFinding
}

/**
 * A rule that judges each staged row on its own (and on joined reference rows), never on the
 * marks earlier rules left (reject_reasons, warnings): validateBatch runs consecutive ones in one
 * pass. `rowCheck` answers a finding directly when there is nothing to read (e.g. no column to check).
 */
export interface RowRule extends Rule {
  rowCheck(context: RuleContext): Promise<RowCheck | RuleFinding>
}

export const isRowRule = (rule: Rule): rule is RowRule => 'rowCheck' in rule

const isRowCheck = (value: RowCheck | RuleFinding): value is RowCheck => 'reasons' in value

/** A RowRule whose `check` runs it alone, as a pass of one. */
export function rowRule(rule: Omit<RowRule, 'check'>): RowRule {
  return { ...rule, check: async (context) => (await runRowRules(context, [rule]))[0]!.finding }
}

/** Each rule's finding and the milliseconds it took (its own preparation plus its share of the pass). */
export async function runRowRules(
  context: RuleContext,
  rules: ReadonlyArray<Pick<RowRule, 'rowCheck'>>,
): Promise<Array<{ finding: RuleFinding; durationMs: number }>> {
  const prepared: Array<{ answer: RowCheck | RuleFinding; ms: number }> = []
  for (const rule of rules) {
    const started = performance.now()
    prepared.push({ answer: await rule.rowCheck(context), ms: performance.now() - started })
  }
  const checks = prepared.flatMap(({ answer }) => (isRowCheck(answer) ? [answer] : []))
  const started = performance.now()
  const found = checks.length > 0 ? await runRowPass(context, checks) : []
  const share = checks.length > 0 ? (performance.now() - started) / checks.length : 0
  let next = 0
  return prepared.map(({ answer, ms }) =>
    isRowCheck(answer)
      ? { finding: answer.verdict(found[next++]!), durationMs: Math.round(ms + share) }
      : { finding: answer, durationMs: Math.round(ms) },
  )
}

/**
 * One statement for several row checks: one read of the batch computes each check's reasons as
 * its own column (null where the check skips the row), one UPDATE appends them per row in the
 * checks' order, exactly what one UPDATE per check would leave, and each check gets the counts,
 * sample and notes flagRows returns.
 */
export async function runRowPass(context: RuleContext, checks: readonly RowCheck[]): Promise<FlaggedRows[]> {
  const { spec, target } = context
  const reasonsOf = checks.map((_, i) => sql.id(`r${i}`))
  const noteOf = checks.map((_, i) => sql.id(`n${i}`))
  const keyOf = checks.map((_, i) => sql.id(`k${i}`))
  const whyOf = checks.map((_, i) => sql.id(`w${i}`))
  const checkedOf = checks.map((_, i) => sql.id(`c${i}`))
  const flagged = (i: number) => sql`cardinality(${col('c', `r${i}`)}) > 0`

  const columns = checks.map((check, i) => {
    const checked = check.where ?? sql`true`
    const note = check.note ? sql`, case when ${checked} then ${check.note} end as ${noteOf[i]}` : sql``
    return sql`case when ${checked} then coalesce(${check.reasons}, '{}'::text[]) end as ${reasonsOf[i]}${note}`
  })
  // When every check names its rows, rows none of them checks are not kept (as flagRows' WHERE did).
  const scope = checks.every((check) => check.where)
    ? sql` and (${sql.join(checks.map((check) => sql`coalesce(${check.where}, false)`), sql` or `)})`
    : sql``
  const appended = (column: RowCheck['column']) => {
    const indexes = checks.flatMap((check, i) => (check.column === column ? [i] : []))
    if (indexes.length === 0) return []
    const all = sql.join(indexes.map((i) => col('c', `r${i}`)), sql` || `)
    return [sql`${sql.id(column)} = case when cardinality(${all}) > 0 then coalesce(${col('t', column)}, '{}'::text[]) || ${all} else ${col('t', column)} end`]
  }
  const returned = checks.map((check, i) => {
    const key = check.sampleKey === 'stock' ? stockKey(spec, 't') : rowKey(spec, 't')
    return sql`case when ${flagged(i)} then ${key} end as ${keyOf[i]},
      case when ${flagged(i)} then array_to_string(${col('c', `r${i}`)}, '; ') end as ${whyOf[i]}`
  })
  const results = checks.map((check, i) => {
    const notes = check.note ? notesOf(sql`checked`, noteOf[i]!) : sql`'{}'::jsonb`
    return sql`jsonb_build_object(
      'checkedCount', (select ${checkedOf[i]} from counted),
      'issueCount', (select count(${whyOf[i]}) from marked),
      'issueKeyCount', (select count(distinct ${keyOf[i]}) from marked),
      'sample', ${sampleOf(sql`marked`, keyOf[i]!, whyOf[i]!)},
      'notes', ${notes}) as ${sql.id(`found${i}`)}`
  })

  const { rows } = await sql<Record<string, FlaggedRows>>`
    with checked as materialized (
      select s.row_number, ${sql.join(columns)}
      from ${stagingTable(spec)} s
      ${sql.join(checks.flatMap((check) => (check.joins ? [check.joins] : [])), sql` `)}
      where s.batch_id = ${batchParam(target.batchId)}${scope}
    ),
    marked as (
      update ${stagingTable(spec)} as t
      set ${sql.join([...appended('reject_reasons'), ...appended('warnings')])}
      from checked c
      where t.batch_id = ${batchParam(target.batchId)} and t.row_number = c.row_number
        and (${sql.join(checks.map((_, i) => flagged(i)), sql` or `)})
      returning t.row_number, ${sql.join(returned)}
    ),
    -- Every check's checked rows in one scan of the batch's results.
    counted as (select ${sql.join(checks.map((_, i) => sql`count(${reasonsOf[i]}) as ${checkedOf[i]}`))} from checked)
    select ${sql.join(results)}`.execute(context.db)
  const row = rows[0]!
  return checks.map((_, i) => row[`found${i}`]!)
}
