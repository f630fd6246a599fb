import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, notRejected } from '../sql-parts.ts'
import type { Rule } from '../types.ts'

/**
 * An ISIN names one stock: `stocks.isin` is unique. Two stock codes with one ISIN in the batch,
 * or an ISIN production holds for another code, would abort the whole promotion on the unique
 * index, and we cannot tell which code is right, so every such row waits in quarantine. Rows an
 * earlier rule rejected take no part (they will not be promoted). Window functions, not a
 * grouped join: a freshly staged batch has no statistics, and the planner would otherwise
 * re-aggregate the batch once per row (8 s for 2,720 stocks).
 */
export const isinUniqueRule: Rule = {
  name: 'isin_unique',
  severity: 'reject',
  threshold: null,
  description: 'no ISIN on two stock codes, in the batch or against stocks in production',
  async check(context) {
    const { target } = context
    const found = await flagRows(context, {
      column: 'reject_reasons',
      checked: sql`
        with candidates as (
          select s.row_number, s.stock_code, s.isin,
                 min(s.stock_code) over same_isin <> max(s.stock_code) over same_isin as shared,
                 array_agg(s.stock_code) over (same_isin order by s.stock_code rows between unbounded preceding and unbounded following) as codes
          from staging.stocks s
          where s.batch_id = ${batchParam(target.batchId)} and s.isin is not null and s.stock_code is not null and ${notRejected('s')}
          window same_isin as (partition by s.isin)
        )
        select c.row_number,
               array_remove(array[
                 case when c.shared
                   then 'isin_unique: ISIN ' || c.isin || ' is on stock codes ' || array_to_string(c.codes, ', ') || ' in the batch' end,
                 case when p.stock_code is not null
                   then 'isin_unique: ISIN ' || c.isin || ' belongs to ' || p.stock_code || ' in stocks' end
               ]::text[], null) as reasons,
               null::text as note
        from candidates c
        left join stocks p on p.isin = c.isin and p.stock_code <> c.stock_code`,
    })
    return findingOf(found, {
      clean: `every ISIN of ${rowsText(found.checkedCount)} names one stock code`,
      flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} share an ISIN with another stock code`,
    })
  },
}
