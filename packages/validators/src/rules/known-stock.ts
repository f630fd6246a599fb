import { sql } from 'kysely'
import { STOCK_CODE_PATTERN } from '../datasets.ts'
import { findingOf, rowsText } from '../flag-rows.ts'
import { previousSessions } from '../previous-close.ts'
import { rowRule, type RowCheck, type RowRule } from '../row-pass.ts'
import { batchParam, dateParam, productionTable, showDate, stagingTable } from '../sql-parts.ts'
import type { RuleContext, RuleFinding, Severity } from '../types.ts'

/**
 * The row's stock must be in the stock master (`stocks`, listed or delisted). Floating shares
 * of an unknown code are refused (nothing downstream could join them); a sector membership of
 * an unknown stock is only a warning: the sector is still recorded, the link waits for the
 * stock master.
 *
 * With `listedOnTradeDate` (the daily datasets, rule `unknown_stock`), the stock must also be
 * listed on the batch's trade date (listing_date ≤ trade date < delisting_date): a code in no
 * master is an invented one (a 100k-row answer once carried 97,280 of them). A fresh database
 * has no master yet: the codes production holds for the dataset in the 20 sessions before the
 * trade date stand in for it (older codes would refuse every stock delisted since, when a
 * backfill reaches back years); with neither, the rule passes and says it could not run.
 * Malformed codes are schema's.
 */
export function knownStockRule(severity: Extract<Severity, 'reject' | 'warn'>, options: { listedOnTradeDate?: boolean } = {}): RowRule {
  const verdict = severity === 'reject' ? 'rejected' : 'kept with a warning'
  if (options.listedOnTradeDate) {
    return rowRule({
      name: 'unknown_stock',
      severity,
      threshold: null,
      description: `stock_code is in stocks and listed on the trade date (${verdict} otherwise); without a master, known to production`,
      rowCheck: (context) => checkListed(context, severity),
    })
  }
  return rowRule({
    name: 'known_stock',
    severity,
    threshold: null,
    description: `stock_code is in stocks (${verdict} otherwise)`,
    async rowCheck() {
      return {
        column: severity === 'reject' ? 'reject_reasons' : 'warnings',
        reasons: sql<string[]>`case when ks.stock_code is null then array['known_stock: ' || s.stock_code || ' is not in stocks'] else '{}'::text[] end`,
        where: sql<boolean>`s.stock_code is not null`,
        joins: sql`left join stocks ks on ks.stock_code = s.stock_code`,
        verdict: (found) =>
          findingOf(found, {
            clean: `all ${rowsText(found.checkedCount)} name a stock in stocks`,
            flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} name a stock not in stocks (${verdict})`,
          }),
      }
    },
  })
}

async function checkListed(context: RuleContext, severity: Extract<Severity, 'reject' | 'warn'>): Promise<RowCheck | RuleFinding> {
  const { spec, target } = context
  const tradeDate = dateParam(target.tradeDate)
  const sessions = await previousSessions(context)
  const since = dateParam(sessions[sessions.length - 1] ?? target.tradeDate)
  const recent = sql`o.time >= ${since} and o.time < ${tradeDate}`
  const { rows } = await sql<{ has_master: boolean; has_production: boolean }>`
    select exists (select 1 from stocks) as has_master,
           exists (select 1 from ${productionTable(spec)} o where ${recent}) as has_production`.execute(context.db)
  const { has_master: hasMaster, has_production: hasProduction } = rows[0]!
  if (!hasMaster && !hasProduction) {
    const { rows: counted } = await sql<{ n: number }>`
      select count(*)::int as n from ${stagingTable(spec)} where batch_id = ${batchParam(target.batchId)} and stock_code ~ ${STOCK_CODE_PATTERN}`.execute(context.db)
    return {
      passed: true,
      checkedCount: counted[0]!.n,
      issueCount: 0,
      sample: [],
      message: `could not run: stocks is empty and ${spec.productionTable} holds no row in the ${sessions.length} sessions before ${target.tradeDate}`,
    }
  }
  // Exists probes on the primary keys: one lookup per staged row, however large production is.
  const reasons = hasMaster
    ? sql`case
        when us.stock_code is null then array['unknown_stock: ' || s.stock_code || ' is in no stock master']
        when us.listing_date > ${tradeDate} then array['unknown_stock: ' || s.stock_code || ' is not listed on ' || ${target.tradeDate}::text
          || ' (listed ' || ${showDate(sql`us.listing_date`)} || ')']
        when us.delisting_date <= ${tradeDate} then array['unknown_stock: ' || s.stock_code || ' is not listed on ' || ${target.tradeDate}::text
          || ' (delisted ' || ${showDate(sql`us.delisting_date`)} || ')']
        else '{}'::text[] end`
    : sql`case when not exists (select 1 from ${productionTable(spec)} o where o.stock_code = s.stock_code and ${recent})
        then array['unknown_stock: ' || s.stock_code || ' is in no stock master (stocks is empty) nor in ' || ${spec.productionTable}::text
          || ' since ' || ${showDate(since)}]
        else '{}'::text[] end`
  const against = hasMaster ? `listed in stocks on ${target.tradeDate}` : `known to ${spec.productionTable} since ${sessions[sessions.length - 1]} (stocks is empty)`
  return {
    column: severity === 'reject' ? 'reject_reasons' : 'warnings',
    reasons: sql<string[]>`${reasons}`,
    where: sql<boolean>`s.stock_code ~ ${STOCK_CODE_PATTERN}`,
    ...(hasMaster && { joins: sql`left join stocks us on us.stock_code = s.stock_code` }),
    verdict: (found) =>
      findingOf(found, {
        clean: `all ${rowsText(found.checkedCount)} name a stock ${against}`,
        flagged: `${rowsText(found.issueCount)} of ${found.checkedCount} name a stock not ${against} (${rowsText(found.issueKeyCount, 'key')})`,
      }),
  }
}
