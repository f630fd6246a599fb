import { sql, type RawBuilder } from 'kysely'
import { STAGING_COLUMNS } from './columns.ts'

export type StagedDataset = keyof typeof STAGING_COLUMNS

/** The datasets with a staging table, in a stable order. */
export const STAGED_DATASETS = Object.keys(STAGING_COLUMNS).sort() as StagedDataset[]

export function isStagedDataset(dataset: string): dataset is StagedDataset {
  return Object.hasOwn(STAGING_COLUMNS, dataset)
}

/**
 * `staging.<dataset>` for a dataset named by a batch row or an option; the name must be one of
 * STAGING_COLUMNS, so no table name comes from input.
 */
export function stagingTableOf(dataset: string): RawBuilder<unknown> {
  if (!isStagedDataset(dataset)) throw new Error(`no staging table for dataset "${dataset}" (known: ${STAGED_DATASETS.join(', ')})`)
  return sql`${sql.table(`staging.${dataset}`)}`
}
