import { sql } from 'kysely'
import { flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, stagingTable } from '../sql-parts.ts'
import type { Rule, Severity } from '../types.ts'

/**
 * The row's stock must be in the stock master (`stocks`, listed or delisted). Floating shares
 * of an unknown code are refused (nothing downstream could join them); a sector membership of
 * an unknown stock is only a warning: the sector is still recorded, the link waits for the
 * stock master.
 */
export function knownStockRule(severity: Extract<Severity, 'reject' | 'warn'>): Rule {
  return {
    name: 'known_stock',
    severity,
    threshold: null,
    description: `stock_code is in stocks (${severity === 'reject' ? 'rejected' : 'kept with a warning'} otherwise)`,
    async check(context) {
      const { spec, target } = context
      const found = await flagRows(context, {
        column: severity === 'reject' ? 'reject_reasons' : 'warnings',
        checked: sql`
          select s.row_number,
                 case when p.stock_code is null then array['known_stock: ' || s.stock_code || ' is not in stocks'] else '{}'::text[] end as reasons,
                 null::text as note
          from ${stagingTable(spec)} s
          left join stocks p on p.stock_code = s.stock_code
          where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null`,
      })
      return {
        passed: found.issueCount === 0,
        checkedCount: found.checkedCount,
        issueCount: found.issueCount,
        sample: found.sample,
        message:
          found.issueCount === 0
            ? `all ${rowsText(found.checkedCount)} name a stock in stocks`
            : `${rowsText(found.issueCount)} of ${found.checkedCount} name a stock not in stocks (${severity === 'reject' ? 'rejected' : 'kept with a warning'})`,
      }
    },
  }
}
