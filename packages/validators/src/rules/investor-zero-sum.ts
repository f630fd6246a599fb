import { sql } from 'kysely'
import { findingOf, flagRows, rowsText } from '../flag-rows.ts'
import { batchParam, notRejected, show } from '../sql-parts.ts'
import type { Rule } from '../types.ts'
import { zeroSumValueTolerancePerGroup } from '../value-rounding.ts'

const MAX_NET_SUM = 0

/**
 * Every share one investor group buys another sells, so for each stock and day the nets of
 * KRX's eleven leaf groups sum to exactly zero, in volume and in value (a group missing from
 * the batch counts as 0). A stock that breaks it has a wrong or missing group, and we cannot
 * tell which, so all its rows are rejected. Only rows no earlier rule rejected take part; a
 * stock that lost a row that way usually breaks the identity and goes with it, which keeps a
 * partial set of groups out of production.
 */
export const investorZeroSumRule: Rule = {
  name: 'investor_zero_sum',
  severity: 'reject',
  threshold: MAX_NET_SUM,
  description: "per stock, the net volumes and net values of the investor groups each sum to 0; otherwise all the stock's rows are rejected",
  async check(context) {
    const { target } = context
    // Sources that round values (천원, 백만원) can miss zero by half a unit per group.
    const valueSlackPerGroup = zeroSumValueTolerancePerGroup(target.source)
    const found = await flagRows(context, {
      column: 'reject_reasons',
      sampleKey: 'stock',
      checked: sql`
        select z.row_number,
               case when abs(z.volume_sum) > ${MAX_NET_SUM} or abs(z.value_sum) > ${MAX_NET_SUM} + ${valueSlackPerGroup} * z.groups then array[
                 'investor_zero_sum: over ' || z.groups || ' groups net_buy_volume sums to ' || ${show(sql`z.volume_sum`)}
                 || ' and net_buy_value to ' || ${show(sql`z.value_sum`)} || ${valueSlackPerGroup === 0 ? ' (both must be 0)' : ` (volume must be 0, value within ${valueSlackPerGroup} won per group of ${target.source}'s rounding)`}
               ] else '{}'::text[] end as reasons,
               null::text as note
        from (
          select s.row_number,
                 sum(s.net_buy_volume) over stock as volume_sum,
                 sum(s.net_buy_value) over stock as value_sum,
                 count(*) over stock as groups
          from staging.investor_trading s
          where s.batch_id = ${batchParam(target.batchId)} and ${notRejected('s')}
          window stock as (partition by s.stock_code, s.time)
        ) z`,
    })
    return findingOf(found, {
      clean: `nets sum to zero for every stock (${rowsText(found.checkedCount)} checked)`,
      flagged: `${rowsText(found.issueKeyCount, 'stock')} whose nets do not sum to zero: all their ${rowsText(found.issueCount)} rejected`,
    })
  },
}
