import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { allPresent, batchParam, col, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

/**
 * The reason an identical copy carries. Such a row is rejected only so the promoter sees one
 * row per key; its key is still delivered by the kept copy, so it is not data loss: the
 * promoter leaves rows rejected for this reason alone out of its rejected count, and
 * `snapshot_complete` does not treat them as a missing member.
 */
export const IDENTICAL_COPY_REASON = 'duplicate_key: identical copy of row '

/** A row's staged values, without the bookkeeping columns (batch, number, raw payload, marks). */
const stagedValues = sql`(to_jsonb(s) - array['batch_id', 'row_number', 'raw', 'parse_errors', 'validation_status', 'reject_reasons', 'warnings'])`

/**
 * One row per key. Copies with the same values collapse to the first (lowest row_number): the
 * others are rejected as `identical copy of row N` and do not count as lost. Copies that
 * disagree are all rejected, each naming the others: we cannot tell which one the source meant,
 * and letting the first win silently would promote a coin toss.
 */
export const duplicateKeyRule: Rule = {
  name: 'duplicate_key',
  severity: 'reject',
  threshold: null,
  description: "one row per key: identical copies collapse to the first (the rest rejected as copies, not lost); conflicting copies are all rejected",
  async check(context) {
    const { spec, target } = context
    const key = sql.join(spec.keyColumns.map((c) => col('s', c)))
    const found = await flagRows(context, {
      column: 'reject_reasons',
      // Only repeated keys pay for comparing whole rows: a window count finds them in one pass.
      checked: sql`
        with keyed as (
          select s.row_number, row(${key}) as k, count(*) over (partition by ${key}) as copies
          from ${stagingTable(spec)} s
          where s.batch_id = ${batchParam(target.batchId)} and ${allPresent('s', spec.keyColumns)}
        ),
        copied as materialized (
          select d.row_number, d.k, ${stagedValues} as staged
          from keyed d
          join ${stagingTable(spec)} s on s.batch_id = ${batchParam(target.batchId)} and s.row_number = d.row_number
          where d.copies > 1
        ),
        repeated as (
          select k, count(*) as copies, count(distinct staged) as versions, array_agg(row_number order by row_number) as rows
          from copied group by k
        )
        select d.row_number,
               case when r.k is null then '{}'::text[]
                    when r.versions = 1 and d.row_number = r.rows[1] then '{}'::text[]
                    when r.versions = 1 then array[${IDENTICAL_COPY_REASON} || r.rows[1]]
                    else array['duplicate_key: conflicts with row' || case when r.copies > 2 then 's ' else ' ' end
                      || array_to_string(array_remove(r.rows, d.row_number), ', ') || ' of the same key; all copies rejected']
               end as reasons,
               case when r.k is null then null
                    when r.versions = 1 and d.row_number = r.rows[1] then 'kept'
                    when r.versions = 1 then 'copy'
                    else 'conflicting' end as note
        from keyed d left join repeated r on d.copies > 1 and r.k = d.k`,
    })
    const copies = found.notes['copy'] ?? 0
    const conflicting = found.notes['conflicting'] ?? 0
    return findingOf(found, {
      clean: `${rowsText(found.checkedCount, 'keyed row')}, no key repeated`,
      flagged:
        `${rowsText(found.issueKeyCount, 'key')} repeated: ${rowsText(copies, 'identical copy', 'identical copies')} collapsed into the first row of their key (not lost), ` +
        `${rowsText(conflicting)} in conflicting copies, all rejected`,
    })
  },
}
