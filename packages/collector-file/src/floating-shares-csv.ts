import { CsvError, parse } from 'csv-parse/sync'
import type { CanonicalRecord, FloatingSharesValues, Parsed } from '@kmd/core'
import { FileImportError } from './file-import-error.ts'

/**
 * The floating-shares file: UTF-8 CSV (an optional BOM; LF or CRLF line ends), a header naming
 * these five columns in any order, one row per stock and base date (the date the figures take
 * effect):
 *
 *   stock_code,base_date,total_shares,floating_shares,floating_ratio
 *   005930,2024-03-29,5969782550,4460953497,74.73
 *
 * stock_code: KRX six-character code (keep leading zeros); base_date: YYYY-MM-DD (`effective_date`,
 * the header's earlier name, is read as base_date);
 * total_shares, floating_shares: whole numbers (thousands separators allowed when quoted,
 * "1,234"); floating_ratio: percent, 0 < ratio <= 100 (a trailing % is allowed). An empty
 * field is missing. A value that does not parse, or a row with the wrong number of fields,
 * becomes a parse error of that row, which validation then quarantines with the reason; a file
 * that has no usable header or no rows, or breaks CSV quoting, is a FileImportError naming the
 * file and line.
 */
export const FLOATING_SHARES_COLUMNS = ['stock_code', 'base_date', 'total_shares', 'floating_shares', 'floating_ratio'] as const

// Files written for the header before the seed design's column names still import.
const HEADER_ALIASES: Readonly<Record<string, (typeof FLOATING_SHARES_COLUMNS)[number]>> = { effective_date: 'base_date' }

/**
 * The file's data rows as canonical records, one parse error per value that did not parse and
 * the fields as written (with their line) in `raw`; throws FileImportError for what no row can
 * carry (quoting, header, no rows).
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
  const normalized = names.map((name) => {
    const lower = name.trim().toLowerCase()
    return HEADER_ALIASES[lower] ?? lower
  })
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
