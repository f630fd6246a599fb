/** A cell as the CLI's tables show it: numbers (and numeric text) right-aligned, nothing quoted. */
export type Cell = string | number | bigint | boolean | null | undefined

const NUMERIC = /^-?\d+(\.\d+)?$/

function text(cell: Cell): string {
  return cell === null || cell === undefined || cell === '' ? '-' : String(cell)
}

/**
 * Rows as aligned columns under their names (the keys of the first row), two spaces apart:
 * numbers right-aligned (a column of numbers with its `-` cells too), text left-aligned, an
 * empty cell shown as `-`. `header: false` leaves
 * the names out (a list of name/value pairs). No rows: the empty string.
 */
export function formatTable(rows: ReadonlyArray<Readonly<Record<string, Cell>>>, options: { header?: boolean } = {}): string {
  if (rows.length === 0) return ''
  const columns = Object.keys(rows[0]!)
  const body = rows.map((row) => columns.map((column) => text(row[column])))
  const numeric = columns.map((_, i) => body.every((cells) => NUMERIC.test(cells[i]!) || cells[i] === '-') && body.some((cells) => cells[i] !== '-'))
  const lines = options.header === false ? body : [columns, ...body]
  const widths = columns.map((_, i) => Math.max(...lines.map((cells) => cells[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (numeric[i] || NUMERIC.test(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()
  const out = lines.map(line)
  if (options.header !== false) out.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('  '))
  return out.join('\n')
}

/** Name/value pairs as two aligned columns, without a header. */
export function formatPairs(pairs: Readonly<Record<string, Cell>>): string {
  return formatTable(Object.entries(pairs).map(([name, value]) => ({ name, value })), { header: false })
}
