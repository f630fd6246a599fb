import { sql } from 'kysely'
import { readTableSizes, type MarketDatabase } from '@kmd/db'
import { quarantinedRow } from './quarantine.ts'
import { STAGED_DATASETS, stagingTableOf } from './staging-tables.ts'

export interface StagingSize {
  dataset: string
  staging: {
    /** Rows in `staging.<dataset>`, counted. */
    rows: number
    /** Of those, quarantined rows (quarantine.ts), kept until `etl quarantine clear`. */
    quarantinedRows: number
    /** Promoted batches whose rows are still staged (within STAGING_RETENTION_DAYS, or not purged yet). */
    unpurgedBatches: number
    bytes: number
  }
  /** The dataset's production table (it carries the dataset's name); rows are the planner's estimate. */
  production: { table: string; rowsEstimate: number | null; bytes: number | null }
}

/**
 * Staging beside production, per dataset: so a person sees staging does not outgrow the data
 * it fed. Staging rows are counted (staging stays small once purged); production is measured
 * from the catalog, never scanned.
 */
export async function readStagingSizes(database: MarketDatabase): Promise<StagingSize[]> {
  const db = database.db
  const stagingSizes = await readTableSizes(db, STAGED_DATASETS.map((dataset) => `staging.${dataset}`))
  const productionSizes = await readTableSizes(db, STAGED_DATASETS)
  const unpurged = await db
    .selectFrom('staging.batches')
    .select(['dataset', (eb) => eb.fn.countAll<number>().as('batches')])
    .where('status', '=', 'promoted')
    .where('purged_at', 'is', null)
    .groupBy('dataset')
    .execute()
  const sizes: StagingSize[] = []
  for (const [index, dataset] of STAGED_DATASETS.entries()) {
    const { rows } = await sql<{ rows: string; quarantined: string }>`
      select count(*)::text as rows, count(*) filter (where ${quarantinedRow(db, dataset)})::text as quarantined
      from ${stagingTableOf(dataset)}`.execute(db)
    const production = productionSizes[index]!
    sizes.push({
      dataset,
      staging: {
        rows: Number(rows[0]?.rows ?? 0),
        quarantinedRows: Number(rows[0]?.quarantined ?? 0),
        unpurgedBatches: Number(unpurged.find((row) => row.dataset === dataset)?.batches ?? 0),
        bytes: stagingSizes[index]!.bytes ?? 0,
      },
      production: { table: production.table, rowsEstimate: production.rowsEstimate, bytes: production.bytes },
    })
  }
  return sizes
}
