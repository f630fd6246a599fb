import { sql } from 'kysely'
import { rowsText } from '../flag-rows.ts'
import { batchParam } from '../sql-parts.ts'
import type { Rule, SampleEntry } from '../types.ts'

const MAX_RELATIVE_CHANGE = 0.1

/**
 * An index's membership changes by a few stocks at a rebalance; a snapshot with far fewer (or
 * more) members than the index's open intervals in production is more likely a cut-off screen
 * or a different index. A warning per index, judged on the batch as a whole: no row is marked.
 */
export const memberCountRule: Rule = {
  name: 'member_count',
  severity: 'warn',
  threshold: MAX_RELATIVE_CHANGE,
  description: "each index's members in the batch are within 10% of its open members in index_components",
  async check(context) {
    const { target } = context
    const { rows } = await sql<{ index_code: string; members: number; open_members: number }>`
      with snapshot as (
        select s.index_code, count(distinct s.stock_code)::int as members
        from staging.index_components s
        where s.batch_id = ${batchParam(target.batchId)} and s.index_code is not null and s.stock_code is not null
        group by s.index_code
      )
      select n.index_code, n.members,
             (select count(*) from index_components p where p.index_code = n.index_code and p.end_date is null)::int as open_members
      from snapshot n
      order by n.index_code`.execute(context.db)

    const compared = rows.filter((row) => row.open_members > 0)
    const off: SampleEntry[] = []
    for (const row of compared) {
      const change = (row.members - row.open_members) / row.open_members
      if (Math.abs(change) <= MAX_RELATIVE_CHANGE) continue
      const percent = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`
      off.push({ key: row.index_code, reason: `member_count: ${row.members} members vs ${row.open_members} open in index_components (${percent})` })
    }
    const firstSnapshots = rows.length - compared.length
    const unmatched = firstSnapshots > 0 ? `; ${rowsText(firstSnapshots, 'index', 'indexes')} with no open members in production yet` : ''
    return {
      passed: off.length === 0,
      checkedCount: rows.length,
      issueCount: off.length,
      sample: off.slice(0, 10),
      message:
        (off.length === 0
          ? `${rowsText(compared.length, 'index', 'indexes')} within ±${MAX_RELATIVE_CHANGE * 100}% of their open members`
          : `${rowsText(off.length, 'index', 'indexes')} of ${compared.length} beyond ±${MAX_RELATIVE_CHANGE * 100}% of their open members: ${off
              .map((entry) => entry.key)
              .join(', ')}`) + unmatched,
    }
  },
}
