import { DATASET_DEFINITIONS, datasetDefinition, STAGING_TYPE_OF_KIND, stagedColumns, type Dataset, type DatasetDefinition, type DatasetValues, type StagingType } from '@kmd/core'

/**
 * The value columns of each staging table, in COPY order: the dataset definition's staged
 * columns, which are the canonical record's fields. Table and column names come from the
 * definitions, never from input.
 */
export const STAGING_COLUMNS = Object.fromEntries(DATASET_DEFINITIONS.map((definition) => [definition.name, stagedColumns(definition)])) as unknown as {
  readonly [D in Dataset]: ReadonlyArray<keyof DatasetValues[D] & string>
}

/** The staging table's type of a value column, for UNNEST casts; a column the dataset does not stage is an error. */
export function stagingColumnType(dataset: Dataset, column: string): StagingType {
  const definition: DatasetDefinition = datasetDefinition(dataset)
  const staged = definition.columns[column]
  if (staged === undefined || staged.staged === false) throw new Error(`${definition.stagingTable} has no column "${column}"`)
  return STAGING_TYPE_OF_KIND[staged.kind]
}

export const BOOKKEEPING_COLUMNS = ['batch_id', 'row_number'] as const
export const TRAILING_COLUMNS = ['raw', 'parse_errors'] as const

export function copyColumns(dataset: Dataset): string[] {
  return [...BOOKKEEPING_COLUMNS, ...STAGING_COLUMNS[dataset], ...TRAILING_COLUMNS]
}
