import type { Transaction } from 'kysely'
import type { ReferenceDataset } from '@kmd/core'
import type { Database } from '@kmd/db'

/** The batch a reference promotion reads its valid rows from, and the snapshot date it stands for. */
export interface ReferenceBatch {
  dataset: ReferenceDataset
  batchId: string
  source: string
  /** `YYYY-MM-DD`: the date the batch describes (snapshot date, as-of date). */
  tradeDate: string
}

export interface ReferencePromotion {
  /** Production rows inserted, changed or removed; unchanged rows are not rewritten. */
  promoted: number
  /** What the promotion did, by name (`history_opened`, `intervals_closed`, …), for the report and the log. */
  details: Record<string, number>
}

/** Applies one batch's valid rows to production inside the caller's transaction. */
export type ReferencePromoter = (trx: Transaction<Database>, batch: ReferenceBatch) => Promise<ReferencePromotion>
