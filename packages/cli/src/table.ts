/** A cell as the CLI's tables show it: numbers (and numeric text) right-aligned, nothing quoted. */
export type Cell = string | number | bigint | boolean | null | undefined

const NUMERIC = /^-?\d+(\.\d+)?$/

function text(cell: Cell): string {
  return cell === null || cell === undefined || cell === '' ? '-' : String(cell)
}

/**
 * Rows as aligned columns under their names (the keys of the first row), two spaces apart:
 * numbers right-aligned (a column of numbers with its `-` cells too; among text, on the
 * widest number), text left-aligned, an empty cell shown as `-`. `header: false` leaves
 * the names out (a list of name/value pairs). No rows: the empty string.
 */
export function formatTable(rows: ReadonlyArray<Readonly<Record<string, Cell>>>, options: { header?: boolean } = {}): string {
  if (rows.length === 0) return ''
  const columns = Object.keys(rows[0]!)
  const body = rows.map((row) => columns.map((column) => text(row[column])))
  const numeric = columns.map((_, i) => body.every((cells) => NUMERIC.test(cells[i]!) || cells[i] === '-') && body.some((cells) => cells[i] !== '-'))
  const lines = options.header === false ? body : [columns, ...body]
  const widths = columns.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)))
  // In a column of text and numbers, the numbers align on the widest of them.
  const numberWidths = columns.map((_, i) => Math.max(0, ...body.map((cells) => cells[i]!).filter((cell) => NUMERIC.test(cell)).map((cell) => cell.length)))
  const align = (cell: string, i: number) =>
    numeric[i] ? cell.padStart(widths[i]!) : NUMERIC.test(cell) ? cell.padStart(numberWidths[i]!).padEnd(widths[i]!) : cell.padEnd(widths[i]!)
  const line = (cells: string[]) => cells.map(align).join('  ').trimEnd()
  const out = lines.map(line)
  if (options.header !== false) out.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '))
  return out.join('\n')
}

/** Name/value pairs as two aligned columns, without a header. */
export function formatPairs(pairs: Readonly<Record<string, Cell>>): string {
  return formatTable(Object.entries(pairs).map(([name, value]) => ({ name, value })), { header: false })
}

const STATUS_WORDS = /\b(SUCCESS|PARTIAL|FAILED|ABORTED|ABANDONED|SKIPPED)\b/g
// ANSI foreground colours (green, yellow, red, grey), each closed by the default colour.
const STATUS_COLOURS: Readonly<Record<string, number>> = { SUCCESS: 32, PARTIAL: 33, FAILED: 31, ABORTED: 31, ABANDONED: 31, SKIPPED: 90 }

/** Run statuses in colour where the terminal has it: stdout is a TTY and NO_COLOR is not set. */
export function paintStatuses(text: string, terminal: { isTTY?: boolean } = process.stdout): string {
  if (!terminal.isTTY || (process.env.NO_COLOR ?? '') !== '') return text
  return text.replace(STATUS_WORDS, (word) => `\u001b[${STATUS_COLOURS[word]}m${word}\u001b[39m`)
}

/** Prints a line for people: statuses painted (see `paintStatuses`). */
export function say(text = ''): void {
  console.log(paintStatuses(text))
}

const BYTE_UNITS = ['bytes', 'kB', 'MB', 'GB', 'TB'] as const

/** A size for people, in steps of 1024 as PostgreSQL's pg_size_pretty: `812 bytes`, `8.2 MB`, `2.4 GB`. */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`
}
