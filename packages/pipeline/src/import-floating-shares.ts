import { basename } from 'node:path'
import { sql } from 'kysely'
import { seoulDate, type Logger, type TradeDate } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import type { RunTrigger } from '@kmd/promoter'
import { fileCollectors } from './collectors.ts'
import { runJob, type JobStatus } from './run-job.ts'

// The file format is the collector's; the CLI names it in its help.
export { FLOATING_SHARES_COLUMNS } from '@kmd/collector-file'

export interface ImportRequest {
  /** Path of the CSV file (format: `FLOATING_SHARES_COLUMNS`, `@kmd/collector-file`). */
  file: string
  /** `YYYY-MM-DD` the import is dated (partition and trade date of the run); default today in Korea. Any day, a closed one too. */
  importDate?: TradeDate
  trigger?: RunTrigger
  /** How many quarantined rows the result lists (default 20). */
  quarantineShown?: number
}

export interface QuarantinedRow {
  /** Line of the file the row ended on. */
  line: number | null
  stockCode: string | null
  baseDate: string | null
  reasons: string[]
}

export interface ImportResult {
  runId: string
  batchId: string | undefined
  file: string
  /** `<file name>@<import date>`, as data_collection_logs.partition_key shows it. */
  partitionKey: string
  status: JobStatus
  /** Data rows in the file. */
  rows: number
  valid: number
  rejected: number
  /** Valid rows that carry a warning (e.g. ratio_consistency). */
  warned: number
  /** Production rows inserted or changed; a re-import of the same file changes none. */
  promoted: number
  /** The first quarantined rows, in file order. */
  quarantined: QuarantinedRow[]
  message: string | undefined
}

const DEFAULT_QUARANTINE_SHOWN = 20

export interface ImportDeps {
  database: MarketDatabase
  logger: Logger
}

/**
 * `etl import floating-shares <file.csv>`: the file as source `file` through runJob, like any
 * other source (collect → staging → validators → promoter, one data_collection_logs row), under
 * the partition `<file name>@<import date>`; then the first quarantined rows, for people to fix.
 * A failure is a result (status FAILED with the message) and leaves production untouched.
 */
export async function importFloatingShares(deps: ImportDeps, request: ImportRequest): Promise<ImportResult> {
  const importDate = request.importDate ?? seoulDate()
  const partitionKey = `${basename(request.file)}@${importDate}`
  const run = await runJob(
    { ...deps, collectors: { file: fileCollectors({ floating_shares: request.file }) } },
    { dataset: 'floating_shares', source: 'file', tradeDate: importDate, partitionKey, trigger: request.trigger },
  )
  const quarantined = run.batchId !== undefined && run.rejected > 0 ? await quarantinedRows(deps.database, run.batchId, request.quarantineShown ?? DEFAULT_QUARANTINE_SHOWN) : []
  const promotedNothing = (run.status === 'SUCCESS' || run.status === 'PARTIAL') && run.valid === 0
  return {
    runId: run.runId, batchId: run.batchId, file: request.file, partitionKey, status: run.status,
    rows: run.fetched, valid: run.valid, rejected: run.rejected, warned: run.warned, promoted: run.promoted, quarantined,
    message: run.message ?? (promotedNothing ? 'no row passed validation: nothing was promoted' : undefined),
  }
}

async function quarantinedRows(database: MarketDatabase, batchId: string, limit: number): Promise<QuarantinedRow[]> {
  const { rows } = await sql<{ line: number | null; stock_code: string | null; base_date: string | null; reject_reasons: string[] }>`
    select (raw ->> 'line')::int as line, stock_code, to_char(base_date, 'YYYY-MM-DD') as base_date, reject_reasons
    from staging.floating_shares
    where batch_id = ${batchId}::uuid and validation_status = 'rejected'
    order by row_number
    limit ${limit}`.execute(database.db)
  return rows.map((row) => ({ line: row.line, stockCode: row.stock_code, baseDate: row.base_date, reasons: row.reject_reasons }))
}
