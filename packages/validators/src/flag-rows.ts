import { sql, type RawBuilder } from 'kysely'
import { col, rowKey, stagingTable, stockKey } from './sql-parts.ts'
import type { RuleContext, RuleFinding, SampleEntry } from './types.ts'

export const SAMPLE_SIZE = 10

type Fragment = RawBuilder<unknown>

export interface FlagRowsRequest {
  /**
   * A SELECT over the rows the rule checked, with columns `row_number`, `reasons text[]`
   * (empty when the row is fine) and `note text` (a category to count, or null).
   */
  checked: RawBuilder<unknown>
  /** reject rules append to reject_reasons, warn rules to warnings. */
  column: 'reject_reasons' | 'warnings'
  /**
   * Sample keys per row (default), per stock and day, or an expression over the staging row
   * aliased `t` (e.g. the ETF or the index a rule judges as a whole).
   */
  sampleKey?: 'row' | 'stock' | RawBuilder<string>
}

export interface FlaggedRows {
  checkedCount: number
  /** Rows that received a reason. */
  issueCount: number
  /** Distinct sample keys among them (rows, stocks with sampleKey 'stock', or the given key's values). */
  issueKeyCount: number
  sample: SampleEntry[]
  /** Checked rows per non-null note. */
  notes: Record<string, number>
}

/**
 * Appends each checked row's reasons to its `column` in one UPDATE … FROM, and returns the
 * counts and a sample in the same statement, so nothing but a few numbers leaves the server
 * however many rows the batch holds.
 */
export async function flagRows(context: RuleContext, request: FlagRowsRequest): Promise<FlaggedRows> {
  const { spec, target } = context
  const column = request.column
  const sampleKey = request.sampleKey ?? 'row'
  const key = sampleKey === 'row' ? rowKey(spec, 't') : sampleKey === 'stock' ? stockKey(spec, 't') : sampleKey
  const { rows } = await sql<{
    checked_count: number
    issue_count: number
    issue_key_count: number
    sample: SampleEntry[]
    notes: Record<string, number>
  }>`
    with checked as materialized (${request.checked}),
    marked as (
      update ${stagingTable(spec)} as t
      set ${sql.id(column)} = coalesce(${col('t', column)}, '{}'::text[]) || c.reasons
      from checked c
      where t.batch_id = ${target.batchId}::uuid and t.row_number = c.row_number and cardinality(c.reasons) > 0
      returning t.row_number, ${key} as key, array_to_string(c.reasons, '; ') as reason
    )
    select
      (select count(*) from checked)::int as checked_count,
      (select count(*) from marked)::int as issue_count,
      (select count(distinct key) from marked)::int as issue_key_count,
      ${sampleOf(sql`marked`, sql.id('key'), sql.id('reason'))} as sample,
      ${notesOf(sql`checked`, sql.id('note'))} as notes`.execute(context.db)
  const row = rows[0]!
  return {
    checkedCount: row.checked_count,
    issueCount: row.issue_count,
    issueKeyCount: row.issue_key_count,
    sample: row.sample,
    notes: row.notes,
  }
}

/** The first SAMPLE_SIZE (key, reason) pairs of the marked rows, by their first row (`reason` null: not marked). */
export const sampleOf = (marked: Fragment, key: Fragment, reason: Fragment) => sql<SampleEntry[]>`
  (select coalesce(jsonb_agg(jsonb_build_object('key', key, 'reason', reason) order by first_row), '[]'::jsonb)
     from (select ${key} as key, ${reason} as reason, min(row_number) as first_row from ${marked} where ${reason} is not null
           group by 1, 2 order by first_row limit ${SAMPLE_SIZE}) s)`

/** Checked rows per non-null note. */
export const notesOf = (checked: Fragment, note: Fragment) => sql<Record<string, number>>`
  (select coalesce(jsonb_object_agg(note, n), '{}'::jsonb)
     from (select ${note} as note, count(*)::int as n from ${checked} where ${note} is not null group by 1) n)`

/** `3 rows`, `1 row`, `2 indexes` */
export const rowsText = (count: number, noun = 'row', plural = `${noun}s`) => `${count} ${count === 1 ? noun : plural}`

/** A rule's verdict from its flagged rows: passed when none was flagged, with the message for each case. */
export function findingOf(found: FlaggedRows, messages: { clean: string; flagged: string }): RuleFinding {
  const passed = found.issueCount === 0
  return {
    passed,
    checkedCount: found.checkedCount,
    issueCount: found.issueCount,
    sample: found.sample,
    message: passed ? messages.clean : messages.flagged,
  }
}
