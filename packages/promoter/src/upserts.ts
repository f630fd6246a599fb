import { sql, type RawBuilder } from 'kysely'
import { datasetDefinition, DAILY_DATASETS, promotedColumns, type DailyDataset, type DatasetDefinition } from '@kmd/core'

interface UpsertShape {
  table: string
  stagingTable: string
  key: readonly string[]
  values: readonly string[]
}

/**
 * Production key and value columns per daily dataset, from its definition: the key, and every
 * other column staged and promoted under the same name. Names come from here, never from input.
 */
export const UPSERT_SHAPES = Object.fromEntries(
  DAILY_DATASETS.map((dataset) => {
    const definition: DatasetDefinition = datasetDefinition(dataset)
    const values = promotedColumns(definition).filter((column) => !definition.key.includes(column))
    const shape: UpsertShape = { table: definition.productionTable, stagingTable: definition.stagingTable, key: definition.key, values }
    return [dataset, shape]
  }),
) as Record<string, UpsertShape> as Readonly<Record<DailyDataset, UpsertShape>>

/**
 * INSERT … SELECT the batch's valid rows, updating a row only when a value changed, so
 * re-running a partition converges to the same rows and an unchanged re-run writes nothing.
 */
export function upsertStatement(dataset: DailyDataset, batchId: string, source: string): RawBuilder<unknown> {
  const { table, stagingTable, key, values } = UPSERT_SHAPES[dataset]
  const columns = [...key, ...values]
  const target = sql.table(table)
  const list = (names: readonly string[], prefix?: string) => sql.join(names.map((n) => sql.ref(prefix ? `${prefix}.${n}` : n)))
  return sql`
    insert into ${target} (${list(columns)}, source, batch_id)
    select ${list(columns, 's')}, ${source}, s.batch_id
    from ${sql.table(stagingTable)} s
    where s.batch_id = ${batchId} and s.validation_status = 'valid'
    on conflict (${list(key)}) do update set
      ${sql.join(values.map((n) => sql`${sql.ref(n)} = excluded.${sql.ref(n)}`))},
      source = excluded.source,
      batch_id = excluded.batch_id,
      updated_at = now()
    where (${list(values, table)}) is distinct from (${list(values, 'excluded')})`
}
