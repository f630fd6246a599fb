import { upsertValidRows } from './upsert-valid-rows.ts'
import type { ReferencePromoter } from './types.ts'

/** Upsert by (stock_code, base_date): a correction of a known date replaces it, a new date adds a row. */
export const promoteFloatingShares: ReferencePromoter = async (trx, batch) => {
  const result = await upsertValidRows({
    table: 'floating_shares',
    key: ['stock_code', 'base_date'],
    values: ['total_shares', 'floating_shares', 'floating_ratio'],
    batchId: batch.batchId,
    source: batch.source,
  }).execute(trx)
  const upserted = Number(result.numAffectedRows ?? 0n)
  return { promoted: upserted, details: { rows_upserted: upserted } }
}
