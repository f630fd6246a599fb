import { sql } from 'kysely'
import { flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, col, notRejected, stagingTable } from '../sql-parts.ts'
import type { Rule } from '../types.ts'
import { IDENTICAL_COPY_REASON } from './duplicate-key.ts'

export interface SnapshotShape {
  /** The column naming one snapshot within a batch: index_code, etf_code. */
  column: 'index_code' | 'etf_code'
  /** What one snapshot is, for messages: index, ETF; and several. */
  noun: string
  plural: string
  /** The column's format; a rejected row whose column breaks it cannot be attributed. */
  pattern: string
}

/**
 * A snapshot (an index's members, an ETF's portfolio file) is promoted whole or not at all:
 * promotion reads the set it is given as the complete list, so a member rejected for a parse
 * error would otherwise close a membership or drop a PDF line that is really there. When a
 * snapshot has a row an earlier rule rejected (other than an identical copy, whose first copy
 * stays; conflicting copies leave the key with no row, so they do break it), all its rows are rejected; a rejected row whose snapshot cannot be told (code
 * missing or malformed) taints every snapshot in the batch.
 */
export function snapshotCompleteRule(shape: SnapshotShape): Rule {
  return {
    name: 'snapshot_complete',
    severity: 'reject',
    threshold: null,
    description: `each ${shape.noun}'s rows are promoted whole: one rejected row (other than an identical copy) rejects all the ${shape.noun}'s rows`,
    async check(context) {
      const { spec, target } = context
      const snapshot = col('s', shape.column)
      const found = await flagRows(context, {
        column: 'reject_reasons',
        sampleKey: sql<string>`coalesce(${col('t', shape.column)}, 'row ' || t.row_number)`,
        // Window counts in one pass: freshly staged rows have no statistics, and a grouped
        // join back to them could be planned as a loop over the whole batch per row.
        checked: sql`
          with marked as (
            select s.row_number, ${snapshot} as snapshot, ${notRejected('s')} as kept,
                   exists (select 1 from unnest(s.reject_reasons) r where r not like ${IDENTICAL_COPY_REASON + '%'}) as broken,
                   (${snapshot} is null or ${snapshot} !~ ${shape.pattern}) as unattributed
            from ${stagingTable(spec)} s
            where s.batch_id = ${batchParam(target.batchId)}
          ),
          counted as (
            select m.row_number, m.snapshot, m.kept,
                   count(*) filter (where m.broken and not m.unattributed) over (partition by m.snapshot) as broken_rows,
                   count(*) filter (where m.broken and m.unattributed) over () as blind_rows
            from marked m
          )
          select c.row_number,
                 case when not c.kept then '{}'::text[]
                      when c.broken_rows > 0 then array[${sql.lit(`snapshot_complete: ${shape.noun} `)} || c.snapshot || ' has '
                        || c.broken_rows || ' rejected row' || case when c.broken_rows = 1 then '' else 's' end || '; its snapshot is kept out whole']
                      when c.blind_rows > 0 then array[${sql.lit('snapshot_complete: ')} || c.blind_rows || ' rejected row'
                        || case when c.blind_rows = 1 then ' has' else 's have' end || ${sql.lit(` no usable ${shape.column}; no ${shape.noun} of the batch is known complete`)}]
                      else '{}'::text[] end as reasons,
                 null::text as note
          from counted c`,
      })
      return {
        passed: found.issueCount === 0,
        checkedCount: found.checkedCount,
        issueCount: found.issueCount,
        sample: found.sample,
        message:
          found.issueCount === 0
            ? `no ${shape.noun} of the batch lost a row to an earlier rule (${rowsText(found.checkedCount)} checked)`
            : `${rowsText(found.issueKeyCount, shape.noun, shape.plural)} lost rows to earlier rules: their other ${rowsText(found.issueCount)} rejected too, so no partial snapshot reaches production`,
      }
    },
  }
}
