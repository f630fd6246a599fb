import { sql } from 'kysely'
import { rowsText, SAMPLE_SIZE } from '../flag-rows.ts'
import { batchParam } from '../sql-parts.ts'
import type { Rule, RuleContext, SampleEntry } from '../types.ts'

const MAX_RELATIVE_CHANGE = 0.05

/**
 * A master snapshot lists about the stocks production holds as active; a much shorter (or
 * longer) list usually means a truncated screen or the wrong one. Compared per market the
 * batch covers, so a KOSDAQ-only snapshot is not measured against KOSPI as well. A warning:
 * listings and delistings move the count, and promotion never deletes a stock a snapshot
 * leaves out.
 */
export const activeStockCountRule: Rule = {
  name: 'row_count',
  severity: 'warn',
  threshold: MAX_RELATIVE_CHANGE,
  description: "the batch's listed (not delisted) stocks are within 5% of the active stocks in production, over the markets the batch covers",
  async check(context) {
    const { target } = context
    const { rows } = await sql<{ markets: string[]; batch_active: number; production_active: number }>`
      with listed as (
        select distinct s.stock_code, s.market from staging.stocks s
        where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and s.market is not null and s.delisting_date is null
      ),
      markets as (select distinct market from staging.stocks where batch_id = ${batchParam(target.batchId)} and market is not null)
      select coalesce((select array_agg(market order by market) from markets), '{}') as markets,
             (select count(distinct stock_code) from listed)::int as batch_active,
             (select count(*) from stocks p where p.is_active and p.market in (select market from markets))::int as production_active`.execute(context.db)
    const { markets, batch_active: batchActive, production_active: productionActive } = rows[0]!
    const scope = markets.length > 0 ? markets.join(', ') : 'no market'
    if (productionActive === 0) {
      return {
        passed: true,
        checkedCount: batchActive,
        issueCount: 0,
        sample: [],
        message: `batch lists ${rowsText(batchActive, 'active stock')}; stocks has no active stock in ${scope} to compare with`,
      }
    }
    const change = (batchActive - productionActive) / productionActive
    const passed = Math.abs(change) <= MAX_RELATIVE_CHANGE
    const percent = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`
    const message = `batch lists ${rowsText(batchActive, 'active stock')} vs ${productionActive} active in stocks (${scope}, ${percent})`
    return {
      passed,
      checkedCount: batchActive,
      issueCount: passed ? 0 : Math.abs(batchActive - productionActive),
      sample: passed ? [] : await differingStocks(context, markets),
      message: passed ? message : `${message}, beyond ±${MAX_RELATIVE_CHANGE * 100}%`,
    }
  },
}

/** Up to ten stocks active in production but not listed in the batch, or the other way round. */
async function differingStocks(context: RuleContext, markets: string[]): Promise<SampleEntry[]> {
  const { target } = context
  const { rows } = await sql<SampleEntry>`
    (select p.stock_code as key, 'row_count: active in stocks, missing from the batch'::text as reason
     from stocks p
     where p.is_active and p.market = any(${markets}::text[])
       and p.stock_code not in (select s.stock_code from staging.stocks s where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null)
     order by 1 limit ${SAMPLE_SIZE})
    union all
    (select s.stock_code, 'row_count: listed in the batch, not active in stocks'::text
     from staging.stocks s
     where s.batch_id = ${batchParam(target.batchId)} and s.stock_code is not null and s.delisting_date is null
       and not exists (select 1 from stocks p where p.is_active and p.stock_code = s.stock_code)
     order by 1 limit ${SAMPLE_SIZE})`.execute(context.db)
  return rows.slice(0, SAMPLE_SIZE)
}
