import type { KisRow } from './parse.ts'

/**
 * An element of an output array that is not an object (`"row"`, `42`, `null`, `[]`) is one bad
 * row, not a bad answer: `outputRows` puts a stand-in in its place, `{ value: <element> }`, so
 * its records have a JSON object as `raw`, every field null and one parse error such as
 * `row 3: not an object (got string "row")`. Stand-ins are known by identity, not by a field.
 */
const standIns = new WeakMap<KisRow, string>()

export function standInRowFor(element: unknown, index: number): KisRow {
  const row: KisRow = Object.freeze({ value: element })
  standIns.set(row, `row ${index}: not an object (got ${describeElement(element)})`)
  return row
}

/** The parse error of a stand-in row; undefined for a row KIS sent as an object. */
export function standInProblem(row: KisRow): string | undefined {
  return standIns.get(row)
}

export const isStandInRow = (row: KisRow): boolean => standIns.has(row)

/** `string "row"`, `number 42`, `null`, `array [1,2]`: the kind, then the value as JSON (cut short). */
function describeElement(element: unknown): string {
  if (element === null) return 'null'
  const kind = Array.isArray(element) ? 'array' : typeof element
  const json = JSON.stringify(element)
  if (json === undefined) return kind
  return `${kind} ${json.length > 60 ? `${json.slice(0, 60)}…` : json}`
}
