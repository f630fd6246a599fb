import { sql } from 'kysely'
import { upsertStatement } from '../upserts.ts'
import type { ReferencePromoter } from './types.ts'

/**
 * Each ETF-day the batch brings replaces that ETF-day in production: lines the new PDF no
 * longer has are deleted, the batch's lines upserted (unchanged lines are not rewritten), so a
 * component dropped from the PDF disappears and a re-run writes nothing. ETF-days the batch
 * does not bring are untouched. The validators' snapshot_complete rule keeps a PDF with a
 * rejected line out whole, so a replaced ETF-day is never a partial one.
 */
export const promoteEtfPortfolios: ReferencePromoter = async (trx, batch) => {
  const valid = sql`s.batch_id = ${batch.batchId}::uuid and s.validation_status = 'valid'`
  // NOT IN over the batch is a hashed subplan whatever the planner guesses; freshly staged rows
  // have no statistics, and NOT EXISTS was planned as a loop over the batch per production line
  // (eight minutes for 900 ETFs).
  const removed = await sql`
    delete from etf_portfolios p
    where (p.etf_code, p.base_date) in (select distinct s.etf_code, s.base_date from staging.etf_portfolios s where ${valid})
      and (p.etf_code, p.base_date, p.component_code) not in (
        select s.etf_code, s.base_date, s.component_code from staging.etf_portfolios s where ${valid})`.execute(trx)
  const upserted = await upsertStatement('etf_portfolios', batch.batchId, batch.source).execute(trx)
  const lines = { removed: Number(removed.numAffectedRows ?? 0n), upserted: Number(upserted.numAffectedRows ?? 0n) }
  return { promoted: lines.removed + lines.upserted, details: { lines_upserted: lines.upserted, lines_removed: lines.removed } }
}
