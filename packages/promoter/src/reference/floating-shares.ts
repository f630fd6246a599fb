import { upsertStatement } from '../upserts.ts'
import type { ReferencePromoter } from './types.ts'

/** Upsert by (stock_code, base_date): a correction of a known date replaces it, a new date adds a row. */
export const promoteFloatingShares: ReferencePromoter = async (trx, batch) => {
  const result = await upsertStatement('floating_shares', batch.batchId, batch.source).execute(trx)
  const upserted = Number(result.numAffectedRows ?? 0n)
  return { promoted: upserted, details: { rows_upserted: upserted } }
}
