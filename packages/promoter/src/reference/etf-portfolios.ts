import { sql } from 'kysely'
import { upsertValidRows } from './upsert-valid-rows.ts'
import type { ReferencePromoter } from './types.ts'

const VALUE_COLUMNS = [
  'component_isin', 'component_name', 'component_market', 'security_group', 'shares_per_cu', 'valuation_amount', 'component_amount', 'weight_pct',
] as const

/**
 * Each ETF-day the batch brings replaces that ETF-day in production: lines the new PDF no
 * longer has are deleted, the batch's lines upserted (unchanged lines are not rewritten), so a
 * component dropped from the PDF disappears and a re-run writes nothing. ETF-days the batch
 * does not bring are untouched. The validators' snapshot_complete rule keeps a PDF with a
 * rejected line out whole, so a replaced ETF-day is never a partial one.
 */
export const promoteEtfPortfolios: ReferencePromoter = async (trx, batch) => {
  const valid = sql`s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'`
  const removed = await sql`
    delete from etf_portfolios p
    using (select distinct s.etf_code, s.trade_date from staging.etf_portfolios s where ${valid}) r
    where p.etf_code = r.etf_code and p.trade_date = r.trade_date
      and not exists (
        select 1 from staging.etf_portfolios s
        where ${valid} and s.etf_code = p.etf_code and s.trade_date = p.trade_date and s.component_code = p.component_code)`.execute(trx)
  const upserted = await upsertValidRows({
    table: 'etf_portfolios',
    key: ['etf_code', 'trade_date', 'component_code'],
    values: VALUE_COLUMNS,
    batchId: batch.batchId,
    source: batch.source,
  }).execute(trx)
  const lines = { removed: Number(removed.numAffectedRows ?? 0n), upserted: Number(upserted.numAffectedRows ?? 0n) }
  return { promoted: lines.removed + lines.upserted, details: { lines_upserted: lines.upserted, lines_removed: lines.removed } }
}
