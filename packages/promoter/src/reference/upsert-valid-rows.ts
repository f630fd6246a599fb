import { sql, type RawBuilder } from 'kysely'

export interface ValidRowsUpsert {
  /** Production table; staging.<table> holds the batch under the same column names. */
  table: 'floating_shares' | 'etf_portfolios'
  key: readonly string[]
  values: readonly string[]
  batchId: string
  source: string
}

/**
 * INSERT … SELECT a batch's valid rows into a reference table whose columns are named as in
 * staging, updating a row only when a value changed, so a re-run converges and writes nothing.
 * Reference tables carry no batch_id; source and updated_at say where a row last came from.
 */
export function upsertValidRows(shape: ValidRowsUpsert): RawBuilder<unknown> {
  const { table, key, values } = shape
  const columns = [...key, ...values]
  const list = (names: readonly string[], prefix?: string) => sql.join(names.map((n) => sql.ref(prefix ? `${prefix}.${n}` : n)))
  return sql`
    insert into ${sql.table(table)} (${list(columns)}, source)
    select ${list(columns, 's')}, ${shape.source}
    from ${sql.table(`staging.${table}`)} s
    where s.batch_id = ${shape.batchId}::uuid and s.validation_status = 'valid'
    on conflict (${list(key)}) do update set
      ${sql.join(values.map((n) => sql`${sql.ref(n)} = excluded.${sql.ref(n)}`))},
      source = excluded.source,
      updated_at = now()
    where (${list(values, table)}) is distinct from (${list(values, 'excluded')})`
}
