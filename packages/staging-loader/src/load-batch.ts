import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { from as copyFrom } from 'pg-copy-streams'
import { datasetDefinition, type CanonicalRecord, type CollectedBatch, type DatasetValues } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { copyColumns, STAGING_COLUMNS, stagingColumnType } from './columns.ts'
import { parseErrorsWithTextProblems, storableJson, storableText } from './clean-text.ts'
import { csvLine, pgArrayLiteral } from './csv.ts'

type Staged = keyof DatasetValues

export type LoadMethod = 'copy' | 'unnest'

export interface StagingTarget {
  runId: string
  batchId: string
  partitionKey: string
}

export interface StagingResult {
  batchId: string
  rowCount: number
  method: LoadMethod
}

// UNNEST binds one array per column whatever the row count, far below PostgreSQL's 65,535
// bind-parameter limit; rows go in slices so no single statement holds the whole batch.
const UNNEST_SLICE_ROWS = 50_000

/**
 * Writes a collected batch into `staging.<dataset>` with its `staging.batches` row, all or
 * nothing. COPY where the driver allows it (pg-copy-streams on a server, `COPY … FROM
 * '/dev/blob'` embedded), UNNEST arrays otherwise.
 */
export async function loadBatch(
  database: MarketDatabase,
  batch: CollectedBatch,
  target: StagingTarget,
  options: { method?: LoadMethod } = {},
): Promise<StagingResult> {
  const method = options.method ?? 'copy'
  const dataset = batch.dataset as Staged
  const rows = batch.records.map((record, index) => stagingRow(dataset, record, target.batchId, index + 1))
  const batchRow = {
    batch_id: target.batchId,
    run_id: target.runId,
    dataset,
    source: batch.source,
    partition_key: target.partitionKey,
    row_count: rows.length,
  }

  if (method === 'copy' && database.pool) {
    const client = await database.pool.connect()
    try {
      await client.query('begin')
      await client.query(
        'insert into staging.batches (batch_id, run_id, dataset, source, partition_key, row_count) values ($1, $2, $3, $4, $5, $6)',
        [batchRow.batch_id, batchRow.run_id, batchRow.dataset, batchRow.source, batchRow.partition_key, batchRow.row_count],
      )
      const copy = client.query(copyFrom(copyStatement(dataset, 'stdin')))
      await pipeline(Readable.from(csvLines(rows)), copy)
      await client.query('commit')
    } catch (error) {
      await client.query('rollback').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
    return { batchId: target.batchId, rowCount: rows.length, method }
  }

  await database.db.transaction().execute(async (trx) => {
    await trx.insertInto('staging.batches').values(batchRow).execute()
    if (rows.length === 0) return
    if (method === 'copy' && database.pglite) {
      // The transaction holds the embedded engine's only connection, so this COPY runs inside it.
      const blob = new Blob([...csvLines(rows)])
      await database.pglite.query(copyStatement(dataset, 'blob'), [], { blob })
      return
    }
    const columns = copyColumns(dataset)
    for (let start = 0; start < rows.length; start += UNNEST_SLICE_ROWS) {
      const slice = rows.slice(start, start + UNNEST_SLICE_ROWS)
      const arrays = columns.map((_, columnIndex) => slice.map((row) => row[columnIndex] ?? null))
      const unnestArgs = columns.map((column, i) => sql`${toArrayParameter(arrays[i]!, column)}::${sql.raw(arrayType(dataset, column))}`)
      const selected = columns.map((column) => (column === 'parse_errors' ? sql`u.parse_errors::text[]` : sql.ref(`u.${column}`)))
      await sql`
        insert into ${sql.table(datasetDefinition(dataset).stagingTable)} (${sql.join(columns.map((c) => sql.ref(c)))})
        select ${sql.join(selected)} from unnest(${sql.join(unnestArgs)}) as u(${sql.join(columns.map((c) => sql.ref(c)))})`.execute(trx)
    }
  })
  return { batchId: target.batchId, rowCount: rows.length, method: method === 'copy' && database.pglite ? 'copy' : 'unnest' }
}

function copyStatement(dataset: Staged, from: 'stdin' | 'blob'): string {
  const columns = copyColumns(dataset).join(', ')
  const source = from === 'stdin' ? 'stdin' : `'/dev/blob'`
  return `copy ${datasetDefinition(dataset).stagingTable} (${columns}) from ${source} with (format csv)`
}

function* csvLines(rows: unknown[][]): Generator<string> {
  // Chunks of lines: one write per row would make COPY syscall-bound.
  let chunk = ''
  for (const row of rows) {
    chunk += csvLine(row)
    if (chunk.length > 1 << 16) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

function stagingRow(dataset: Staged, record: CanonicalRecord<DatasetValues[Staged]>, batchId: string, rowNumber: number): unknown[] {
  const values = record.values as unknown as Record<string, unknown>
  const parseErrors = parseErrorsWithTextProblems(record.parseErrors, values, record.raw)
  return [
    batchId,
    rowNumber,
    ...STAGING_COLUMNS[dataset].map((column) => {
      const value = values[column] ?? null
      return typeof value === 'string' ? storableText(value) : value
    }),
    rawJson(record.raw),
    parseErrors.length > 0 ? parseErrors : null,
  ]
}

// JSON.stringify writes NUL and lone surrogates as escapes jsonb refuses; only then is raw rebuilt.
const REFUSED_ESCAPE = /\\u0000|\\ud[89a-f]/i

function rawJson(raw: unknown): string {
  const json = JSON.stringify(raw)
  return REFUSED_ESCAPE.test(json) ? JSON.stringify(storableJson(raw)) : json
}

function arrayType(dataset: Staged, column: string): string {
  if (column === 'batch_id') return 'uuid[]'
  if (column === 'row_number') return 'integer[]'
  if (column === 'raw') return 'jsonb[]'
  if (column === 'parse_errors') return 'text[]' // one array literal per row, cast back to text[] in the select
  return `${stagingColumnType(dataset, column)}[]`
}

function toArrayParameter(values: unknown[], column: string): unknown {
  // A ragged text[][] is not a valid array, so each row's parse errors travel as one literal.
  if (column === 'parse_errors') return values.map((v) => (Array.isArray(v) ? pgArrayLiteral(v) : null))
  return values
}
