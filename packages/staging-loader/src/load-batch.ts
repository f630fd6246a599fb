import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import { from as copyFrom } from 'pg-copy-streams'
import { datasetDefinition, type CanonicalRecord, type CollectedBatch, type CollectedStream, type DatasetValues } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { copyColumns, STAGING_COLUMNS, stagingColumnType } from './columns.ts'
import { parseErrorsWithTextProblems, storableText } from './clean-text.ts'
import { csvLine, pgArrayLiteral } from './csv.ts'
import { rawJson, rawKeptAtLoad } from './raw-evidence.ts'

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
/** CSV characters per embedded COPY (~8 MiB; about 60,000 OHLCV rows). */
const EMBEDDED_COPY_BYTES = 8 << 20

/**
 * Writes a collected batch into `staging.<dataset>` with its `staging.batches` row, all or
 * nothing. COPY where the driver allows it (pg-copy-streams on a server, `COPY … FROM
 * '/dev/blob'` embedded), UNNEST arrays otherwise. Rows are written as they are reached, never
 * gathered into one array first. A row's `raw` is written only where `rawKeptAtLoad` says so;
 * `keepRawOfFlaggedRows` adds it for the rows validation flags.
 */
export async function loadBatch(
  database: MarketDatabase,
  batch: CollectedBatch,
  target: StagingTarget,
  options: { method?: LoadMethod } = {},
): Promise<StagingResult> {
  const method = options.method ?? 'copy'
  const dataset = batch.dataset as Staged
  const records = batch.records as ReadonlyArray<CanonicalRecord<DatasetValues[Staged]>>
  const batchRow = {
    batch_id: target.batchId,
    run_id: target.runId,
    dataset,
    source: batch.source,
    partition_key: target.partitionKey,
    row_count: records.length,
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
      await pipeline(Readable.from(csvChunks(dataset, records, target.batchId)), copy)
      await client.query('commit')
    } catch (error) {
      await client.query('rollback').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
    return { batchId: target.batchId, rowCount: records.length, method }
  }

  await database.db.transaction().execute(async (trx) => {
    await trx.insertInto('staging.batches').values(batchRow).execute()
    if (records.length === 0) return
    if (method === 'copy' && database.pglite) {
      // The transaction holds the embedded engine's only connection, so these COPYs run inside
      // it. One COPY per few MiB: the engine's WASM memory grows to the largest blob it was
      // handed and never shrinks, so a whole batch in one blob would set the process's size.
      const copy = copyStatement(dataset, 'blob')
      let parts: string[] = []
      let bytes = 0
      for (const chunk of csvChunks(dataset, records, target.batchId)) {
        parts.push(chunk)
        bytes += chunk.length
        if (bytes >= EMBEDDED_COPY_BYTES) {
          await database.pglite.query(copy, [], { blob: new Blob(parts) })
          parts = []
          bytes = 0
        }
      }
      if (parts.length > 0) await database.pglite.query(copy, [], { blob: new Blob(parts) })
      return
    }
    const columns = copyColumns(dataset)
    for (let start = 0; start < records.length; start += UNNEST_SLICE_ROWS) {
      const slice = records.slice(start, start + UNNEST_SLICE_ROWS).map((record, index) => stagingRow(dataset, record, target.batchId, start + index + 1))
      const arrays = columns.map((_, columnIndex) => slice.map((row) => row[columnIndex] ?? null))
      const unnestArgs = columns.map((column, i) => sql`${toArrayParameter(arrays[i]!, column)}::${sql.raw(arrayType(dataset, column))}`)
      const selected = columns.map((column) => (column === 'parse_errors' ? sql`u.parse_errors::text[]` : sql.ref(`u.${column}`)))
      await sql`
        insert into ${sql.table(datasetDefinition(dataset).stagingTable)} (${sql.join(columns.map((c) => sql.ref(c)))})
        select ${sql.join(selected)} from unnest(${sql.join(unnestArgs)}) as u(${sql.join(columns.map((c) => sql.ref(c)))})`.execute(trx)
    }
  })
  return { batchId: target.batchId, rowCount: records.length, method: method === 'copy' && database.pglite ? 'copy' : 'unnest' }
}

export interface StreamStagingResult extends StagingResult {
  /** Milliseconds spent writing (the COPYs), apart from waiting for the source's parts. */
  writeMs: number
}

/**
 * Writes a streamed partition (`CollectedStream`) into `staging.<dataset>` as its parts arrive:
 * one COPY per few MiB of rows, numbered on across parts, every row with its raw (no batch stays
 * in memory for `keepRawOfFlaggedRows` to take a flagged row's raw from later). Not one
 * transaction, which would hold the embedded engine's only connection for the whole collection:
 * when the source or a COPY fails halfway, the rows staged so far are deleted and the batch
 * marked 'failed' before the error goes on (a retry collects again; production is untouched).
 * `keep` drops records before they are numbered (a gap fill's stocks).
 */
export async function loadStream(
  database: MarketDatabase,
  stream: CollectedStream,
  target: StagingTarget,
  options: { keep?: (record: CanonicalRecord<unknown>) => boolean } = {},
): Promise<StreamStagingResult> {
  const dataset = stream.dataset as Staged
  await database.db
    .insertInto('staging.batches')
    .values({ batch_id: target.batchId, run_id: target.runId, dataset, source: stream.source, partition_key: target.partitionKey, row_count: 0 })
    .execute()
  const writeCsv = copyWriter(database, dataset)
  let rowNumber = 0
  let writeMs = 0
  let chunk = ''
  const flush = async () => {
    const started = performance.now()
    await writeCsv(chunk)
    writeMs += performance.now() - started
    chunk = ''
  }
  try {
    for await (const part of stream.parts as AsyncIterable<Array<CanonicalRecord<DatasetValues[Staged]>>>) {
      for (const record of part) {
        if (options.keep && !options.keep(record)) continue
        rowNumber += 1
        chunk += csvLine(stagingRow(dataset, record, target.batchId, rowNumber, { keepRaw: true }))
      }
      if (chunk.length >= EMBEDDED_COPY_BYTES) await flush()
    }
    if (chunk) await flush()
  } catch (error) {
    await database.db.transaction().execute(async (trx) => {
      await sql`delete from ${sql.table(datasetDefinition(dataset).stagingTable)} where batch_id = ${target.batchId}::uuid`.execute(trx)
      await trx.updateTable('staging.batches').set({ status: 'failed', updated_at: sql`now()` }).where('batch_id', '=', target.batchId).execute()
    })
    throw error
  }
  await database.db.updateTable('staging.batches').set({ row_count: rowNumber }).where('batch_id', '=', target.batchId).execute()
  return { batchId: target.batchId, rowCount: rowNumber, method: 'copy', writeMs: Math.round(writeMs) }
}

/** One COPY of some CSV lines into the dataset's staging table, as its own statement. */
function copyWriter(database: MarketDatabase, dataset: Staged): (csv: string) => Promise<void> {
  const { pool, pglite } = database
  if (pool) {
    return async (csv) => {
      const client = await pool.connect()
      try {
        await pipeline(Readable.from([csv]), client.query(copyFrom(copyStatement(dataset, 'stdin'))))
      } finally {
        client.release()
      }
    }
  }
  if (!pglite) throw new Error('loadStream needs a server pool or the embedded engine for COPY')
  return async (csv) => {
    await database.db.connection().execute(async () => {
      await pglite.query(copyStatement(dataset, 'blob'), [], { blob: new Blob([csv]) })
    })
  }
}

function copyStatement(dataset: Staged, from: 'stdin' | 'blob'): string {
  const columns = copyColumns(dataset).join(', ')
  const source = from === 'stdin' ? 'stdin' : `'/dev/blob'`
  return `copy ${datasetDefinition(dataset).stagingTable} (${columns}) from ${source} with (format csv)`
}

/** The batch as CSV, each row's line built as it is reached (no array of all rows). */
function* csvChunks(dataset: Staged, records: ReadonlyArray<CanonicalRecord<DatasetValues[Staged]>>, batchId: string): Generator<string> {
  // Chunks of lines: one write per row would make COPY syscall-bound.
  let chunk = ''
  for (let index = 0; index < records.length; index++) {
    chunk += csvLine(stagingRow(dataset, records[index]!, batchId, index + 1))
    if (chunk.length > 1 << 16) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

function stagingRow(dataset: Staged, record: CanonicalRecord<DatasetValues[Staged]>, batchId: string, rowNumber: number, options: { keepRaw?: boolean } = {}): unknown[] {
  const values = record.values as unknown as Record<string, unknown>
  const parseErrors = parseErrorsWithTextProblems(record.parseErrors, values, record.raw)
  return [
    batchId,
    rowNumber,
    ...STAGING_COLUMNS[dataset].map((column) => {
      const value = values[column] ?? null
      return typeof value === 'string' ? storableText(value) : value
    }),
    options.keepRaw || rawKeptAtLoad(rowNumber, parseErrors) ? rawJson(record.raw) : null,
    parseErrors.length > 0 ? parseErrors : null,
  ]
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
