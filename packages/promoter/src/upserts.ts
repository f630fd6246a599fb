import { sql, type RawBuilder } from 'kysely'
import { datasetDefinition, promotedColumns, type Dataset, type DatasetDefinition } from '@kmd/core'

interface UpsertShape {
  table: string
  stagingTable: string
  key: readonly string[]
  values: readonly string[]
  /** Whether production rows carry the batch that last wrote them (reference tables do not). */
  recordsBatch: boolean
}

/**
 * Production key and value columns of a dataset whose staged columns are promoted as they are,
 * from its definition: the key, and every other column staged and promoted under the same
 * name. Names come from here, never from input.
 */
export function upsertShape(dataset: Dataset): UpsertShape {
  const definition: DatasetDefinition = datasetDefinition(dataset)
  return {
    table: definition.productionTable,
    stagingTable: definition.stagingTable,
    key: definition.key,
    values: promotedColumns(definition).filter((column) => !definition.key.includes(column)),
    recordsBatch: definition.auditColumns.includes('batch_id'),
  }
}

/**
 * INSERT … SELECT the batch's valid rows, updating a row only when a value changed, so
 * re-running a partition converges to the same rows and an unchanged re-run writes nothing.
 * source (and batch_id where the table keeps it) and updated_at say where a row last came from.
 * `returning` names the columns to send back of each row it inserted or changed.
 */
export function upsertStatement(dataset: Dataset, batchId: string, source: string, returning: readonly string[] = []): RawBuilder<unknown> {
  const { table, stagingTable, key, values, recordsBatch } = upsertShape(dataset)
  const columns = [...key, ...values]
  const list = (names: readonly string[], prefix?: string) => sql.join(names.map((n) => sql.ref(prefix ? `${prefix}.${n}` : n)))
  return sql`
    insert into ${sql.table(table)} (${list(columns)}, source${recordsBatch ? sql`, batch_id` : sql``})
    select ${list(columns, 's')}, ${source}${recordsBatch ? sql`, s.batch_id` : sql``}
    from ${sql.table(stagingTable)} s
    where s.batch_id = ${batchId}::uuid and s.validation_status = 'valid'
    on conflict (${list(key)}) do update set
      ${sql.join(values.map((n) => sql`${sql.ref(n)} = excluded.${sql.ref(n)}`))},
      source = excluded.source,${recordsBatch ? sql`
      batch_id = excluded.batch_id,` : sql``}
      updated_at = now()
    where (${list(values, table)}) is distinct from (${list(values, 'excluded')})${returning.length > 0 ? sql`
    returning ${list(returning)}` : sql``}`
}
