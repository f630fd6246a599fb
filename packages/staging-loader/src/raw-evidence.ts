import { sql } from 'kysely'
import { datasetDefinition, type CollectedBatch } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { storableJson } from './clean-text.ts'

/**
 * Which staged rows keep the source's row as `raw`. Raw is evidence: a row whose parse reported
 * errors, a row the validators rejected or warned on, and a sample of the rest (the first row
 * and every RAW_SAMPLE_EVERY-th after it), so a person can compare a good row with what the
 * source sent. Every other row's values are its typed columns; writing raw for them made
 * staging outgrow production and was the load's largest JavaScript cost.
 */
export const RAW_SAMPLE_EVERY = 1000

/** Whether the load writes a row's raw: its parse errors (their raw is the evidence) or the sample. */
export function rawKeptAtLoad(rowNumber: number, parseErrors: readonly string[]): boolean {
  return parseErrors.length > 0 || (rowNumber - 1) % RAW_SAMPLE_EVERY === 0
}

// JSON.stringify writes NUL and lone surrogates as escapes jsonb refuses; only then is raw rebuilt.
const REFUSED_ESCAPE = /\\u0000|\\ud[89a-f]/i

/** The source's row as jsonb text PostgreSQL accepts. */
export function rawJson(raw: unknown): string {
  const json = JSON.stringify(raw)
  return REFUSED_ESCAPE.test(json) ? JSON.stringify(storableJson(raw)) : json
}

// One UPDATE per slice, so a batch with many flagged rows never binds one huge array.
const RAW_UPDATE_SLICE_ROWS = 50_000

/**
 * After validation, writes the raw of the batch's rejected and warned rows that the load did not
 * keep, from the batch still in memory (`batch.records[row_number - 1]`, as `loadBatch` numbered
 * them). Usually a few rows: one select of their numbers, one small UPDATE. Returns how many.
 */
export async function keepRawOfFlaggedRows(database: MarketDatabase, batch: CollectedBatch, batchId: string): Promise<number> {
  const table = sql.table(datasetDefinition(batch.dataset).stagingTable)
  const { rows } = await sql<{ row_number: number }>`
    select row_number from ${table}
    where batch_id = ${batchId}::uuid and raw is null
      and (validation_status = 'rejected' or coalesce(cardinality(warnings), 0) > 0)
    order by row_number`.execute(database.db)
  const records = batch.records as CollectedBatch['records']
  for (let start = 0; start < rows.length; start += RAW_UPDATE_SLICE_ROWS) {
    const numbers = rows.slice(start, start + RAW_UPDATE_SLICE_ROWS).map((row) => row.row_number)
    const raws = numbers.map((rowNumber) => rawJson(records[rowNumber - 1]!.raw))
    await sql`
      update ${table} as s set raw = u.raw
      from unnest(${numbers}::integer[], ${raws}::jsonb[]) as u(row_number, raw)
      where s.batch_id = ${batchId}::uuid and s.row_number = u.row_number`.execute(database.db)
  }
  return rows.length
}
