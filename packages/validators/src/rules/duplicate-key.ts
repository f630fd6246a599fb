import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { allPresent, batchParam, col, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

/**
 * One row per key. The first row of a key (lowest row_number) is the one kept, whatever
 * other rules say about it: when a source sends a key twice we cannot tell which copy is
 * right, so the later copies never stand in for a rejected first one.
 */
export const duplicateKeyRule: Rule = {
  name: 'duplicate_key',
  severity: 'reject',
  threshold: null,
  description: "one row per key (the dataset's key columns): the lowest row_number is kept, later copies rejected",
  async check(context) {
    const { spec, target } = context
    const key = sql.join(spec.keyColumns.map((c) => col('s', c)))
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        select d.row_number,
               case when d.row_number <> d.first_row
                 then array['duplicate_key: duplicate of row ' || d.first_row]
                 else '{}'::text[] end as reasons,
               null::text as note
        from (
          select s.row_number, min(s.row_number) over (partition by ${key}) as first_row
          from ${stagingTable(spec)} s
          where s.batch_id = ${batchParam(target.batchId)} and ${allPresent('s', spec.keyColumns)}
        ) d`,
    })
    return findingOf(found, {
      clean: `${rowsText(found.checkedCount, 'keyed row')}, no key repeated`,
      flagged: `${rowsText(found.issueCount)} repeat the key of an earlier row (${rowsText(found.issueKeyCount, 'key')}); the first of each was kept`,
    })
  },
}
