import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { CsvError, parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { isRetryable, MarketDataError, seoulDate, type Parsed, type CanonicalRecord, type CollectedBatch, type FloatingSharesValues, type Logger, type TradeDate } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { finishRun, promoteBatch, type RunTrigger } from '@kmd/promoter'
import { loadBatch } from '@kmd/staging-loader'
import { validateBatch } from '@kmd/validators'
import { openRun } from './claims.ts'

/**
 * `etl import floating-shares <file.csv>`: a floating-shares file through the ordinary path
 * (staging → validators → promoter), logged in data_collection_logs with source `file` and
 * partition `<file name>@<import date>`.
 *
 * The file: UTF-8 CSV (an optional BOM; LF or CRLF line ends), a header naming these five
 * columns in any order, one row per stock and base date:
 *
 *   stock_code,base_date,total_shares,floating_shares,floating_ratio
 *   005930,2024-03-29,5969782550,4460953497,74.73
 *
 * stock_code: KRX six-character code (keep leading zeros); base_date: YYYY-MM-DD;
 * total_shares, floating_shares: whole numbers (thousands separators allowed when quoted,
 * "1,234"); floating_ratio: percent, 0 < ratio <= 100 (a trailing % is allowed). An empty
 * field is missing. A value that does not parse, or a row with the wrong number of fields,
 * becomes a parse error of that row, which validation then quarantines with the reason; a file
 * that cannot be read, has no usable header or no rows, or breaks CSV quoting stops the import
 * with an error naming the file and line.
 */
export const FLOATING_SHARES_COLUMNS = ['stock_code', 'base_date', 'total_shares', 'floating_shares', 'floating_ratio'] as const

/** A file that cannot be imported as it is; fixing the file, not retrying, helps. */
export class FileImportError extends MarketDataError {
  readonly file: string
  readonly line: number | undefined

  constructor(file: string, line: number | undefined, problem: string, options: { cause?: unknown } = {}) {
    super(`${file}${line === undefined ? '' : ` line ${line}`}: ${problem}`, { retryable: false, cause: options.cause })
    this.file = file
    this.line = line
  }
}

export interface ImportRequest {
  /** Path of the CSV file. */
  file: string
  /** `YYYY-MM-DD` the import is dated (partition and trade date of the run); default today in Korea. */
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
  partitionKey: string
  status: 'SUCCESS' | 'PARTIAL' | 'FAILED' | 'SKIPPED'
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
 * Reads, stages, validates and promotes one floating-shares file. Like runJob, a failure is a
 * result (status FAILED with the message) and leaves production untouched.
 */
export async function importFloatingShares(deps: ImportDeps, request: ImportRequest): Promise<ImportResult> {
  const { database } = deps
  const importDate = request.importDate ?? seoulDate()
  const fileName = basename(request.file)
  const partitionKey = `${fileName}@${importDate}`
  const runId = randomUUID()
  const logger = deps.logger.child({ runId, dataset: 'floating_shares', source: 'file', partition: partitionKey })
  const result: ImportResult = {
    runId, batchId: undefined, file: request.file, partitionKey, status: 'FAILED',
    rows: 0, valid: 0, rejected: 0, warned: 0, promoted: 0, quarantined: [], message: undefined,
  }
  const timings: Record<string, number> = {}
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await work()
    } finally {
      timings[stage] = Math.round(performance.now() - started)
    }
  }

  const run = await openRun(database, { runId, dataset: 'floating_shares', source: 'file', partitionKey, tradeDate: importDate, trigger: request.trigger ?? 'manual' })
  const { claim } = run
  if (!claim.claimed) {
    result.status = 'SKIPPED'
    result.message = `${partitionKey} is already being imported by ${claim.heldBy} (run ${claim.runId})`
    await finishRun(database.db, runId, { status: 'SKIPPED', stageTimings: timings, errorMessage: result.message }).finally(run.close)
    return result
  }
  try {
    const records = await timed('parse', async () => parseFloatingSharesCsv(await readCsv(request.file), request.file))
    result.rows = records.length
    const batch: CollectedBatch<'floating_shares'> = { dataset: 'floating_shares', source: 'file', tradeDate: importDate, records, nonTradingDay: false, requestCount: 0 }
    const batchId = randomUUID()
    result.batchId = batchId
    const staged = await timed('stage', () => loadBatch(database, batch, { runId, batchId, partitionKey }))
    const validation = await timed('validate', () =>
      validateBatch(database.db, { runId, batchId, dataset: 'floating_shares', source: 'file', partitionKey, tradeDate: importDate }),
    )
    Object.assign(result, { valid: validation.validCount, rejected: validation.rejectedCount, warned: validation.warnedCount })
    const counts = { fetched: records.length, staged: staged.rowCount, valid: validation.validCount, rejected: validation.rejectedCount }
    await database.db.updateTable('staging.batches').set({ status: 'validated', updated_at: sql`now()` }).where('batch_id', '=', batchId).execute()
    result.quarantined = await quarantinedRows(database, batchId, request.quarantineShown ?? DEFAULT_QUARANTINE_SHOWN)
    if (validation.batchFailed) {
      await database.db.updateTable('staging.batches').set({ status: 'failed', updated_at: sql`now()` }).where('batch_id', '=', batchId).execute()
      result.message = `batch failed validation: ${validation.failureReason}`
      await finishRun(database.db, runId, { status: 'FAILED', batchId, counts, stageTimings: timings, errorMessage: result.message })
      return result
    }
    const promotion = await timed('promote', () =>
      promoteBatch(database, { runId, batchId, dataset: 'floating_shares', source: 'file', tradeDate: importDate }, { counts, stageTimings: timings }),
    )
    result.status = promotion.status
    result.promoted = promotion.promoted
    if (result.valid === 0) result.message = 'no row passed validation: nothing was promoted'
    logger.info({ status: result.status, rows: result.rows, valid: result.valid, rejected: result.rejected, promoted: result.promoted, timings }, 'import finished')
    return result
  } catch (error) {
    result.status = 'FAILED'
    result.message = error instanceof Error ? error.message : String(error)
    logger.error({ err: error }, 'import failed')
    await finishRun(database.db, runId, {
      status: 'FAILED',
      batchId: result.batchId ?? null,
      counts: { fetched: result.rows },
      stageTimings: timings,
      errorMessage: result.message,
      errorDetail: { type: error instanceof Error ? error.name : typeof error, retryable: isRetryable(error) },
    })
    return result
  } finally {
    await run.close()
  }
}

async function readCsv(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new FileImportError(file, undefined, `cannot read the floating shares file (${reason})`, { cause: error })
  }
}

/**
 * The file's data rows as canonical records, one parse error per value that did not parse;
 * throws FileImportError for what no row can carry (quoting, header, no rows).
 */
export function parseFloatingSharesCsv(text: string, file: string): Array<CanonicalRecord<FloatingSharesValues>> {
  let parsed: Array<{ record: string[]; info: { lines: number } }>
  try {
    parsed = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true })
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines
      throw new FileImportError(file, line, `not valid CSV: ${error.message}`, { cause: error })
    }
    throw error
  }
  const [header, ...rows] = parsed
  if (!header) throw new FileImportError(file, undefined, `empty file; expected the header ${FLOATING_SHARES_COLUMNS.join(',')}`)
  const positions = headerPositions(header.record, file, header.info.lines)
  if (rows.length === 0) throw new FileImportError(file, header.info.lines, 'a header and no rows')
  return rows.map(({ record, info }) => recordOf(record, info.lines, positions, header.record.length))
}

type Positions = Record<(typeof FLOATING_SHARES_COLUMNS)[number], number>

function headerPositions(names: string[], file: string, line: number): Positions {
  const normalized = names.map((name) => name.trim().toLowerCase())
  const expected = `expected the header ${FLOATING_SHARES_COLUMNS.join(',')}`
  const unknown = normalized.filter((name) => !(FLOATING_SHARES_COLUMNS as readonly string[]).includes(name))
  if (unknown.length > 0) throw new FileImportError(file, line, `unknown column ${unknown.map((n) => JSON.stringify(n)).join(', ')}; ${expected}`)
  const repeated = normalized.filter((name, index) => normalized.indexOf(name) !== index)
  if (repeated.length > 0) throw new FileImportError(file, line, `column ${repeated.join(', ')} named twice; ${expected}`)
  const missing = FLOATING_SHARES_COLUMNS.filter((column) => !normalized.includes(column))
  if (missing.length > 0) throw new FileImportError(file, line, `missing column ${missing.join(', ')}; ${expected}`)
  return Object.fromEntries(FLOATING_SHARES_COLUMNS.map((column) => [column, normalized.indexOf(column)])) as Positions
}

function recordOf(fields: string[], line: number, positions: Positions, width: number): CanonicalRecord<FloatingSharesValues> {
  const parseErrors: string[] = []
  if (fields.length !== width) parseErrors.push(`row: ${fields.length} fields where the header has ${width}`)
  const field = (column: keyof Positions) => fields[positions[column]] ?? ''
  const read = <T>(column: keyof Positions, parser: (text: string) => Parsed<T>): T | null => {
    const text = field(column)
    if (text === '') return null
    const parsed = parser(text)
    if (parsed.ok) return parsed.value
    parseErrors.push(`${column}: ${parsed.problem} (${JSON.stringify(text)})`)
    return null
  }
  const values: FloatingSharesValues = {
    stock_code: read('stock_code', (text) => ok(text)),
    base_date: read('base_date', parseDate),
    total_shares: read('total_shares', parseWholeNumber),
    floating_shares: read('floating_shares', parseWholeNumber),
    floating_ratio: read('floating_ratio', parsePercent),
  }
  const raw: Record<string, unknown> = { line }
  for (const column of FLOATING_SHARES_COLUMNS) raw[column] = field(column)
  return { values, raw, parseErrors }
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const problem = (text: string): Parsed<never> => ({ ok: false, problem: text })

function parseDate(text: string): Parsed<string> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return problem('not a date as YYYY-MM-DD')
  const date = new Date(`${text}T00:00:00Z`)
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? problem('not a calendar date') : ok(text)
}

function parseWholeNumber(text: string): Parsed<number> {
  if (!/^-?(\d+|\d{1,3}(,\d{3})+)$/.test(text)) return problem('not a whole number')
  const value = Number(text.replace(/,/g, ''))
  return Number.isSafeInteger(value) ? ok(value) : problem('too large')
}

function parsePercent(text: string): Parsed<string> {
  const number = text.endsWith('%') ? text.slice(0, -1).trim() : text
  return /^-?\d+(\.\d+)?$/.test(number) ? ok(number) : problem('not a decimal number')
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
