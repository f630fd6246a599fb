/**
 * An element of an answer's row array that is not an object (`"row"`, `42`, `null`, `[]`) is
 * one bad row, not a bad answer: the collector puts a stand-in in its place, `{ value: <element> }`,
 * so the record made from it has a JSON object as `raw`, every field read from it null and one
 * parse error, e.g. `row 17: not an object (got string "row")`. Stand-ins are known by
 * identity, so the marker travels with the row without being one of its fields.
 */
type Row = Readonly<Record<string, unknown>>

const standIns = new WeakMap<Row, string>()

export function standInRowFor(element: unknown, index: number): Row {
  const row: Row = Object.freeze({ value: element })
  standIns.set(row, `row ${index}: not an object (got ${describeElement(element)})`)
  return row
}

/** The parse error of a stand-in row; undefined for a row the source sent as an object. */
export function standInProblem(row: Row): string | undefined {
  return standIns.get(row)
}

export const isStandInRow = (row: Row): boolean => standIns.has(row)

/** `string "row"`, `number 42`, `null`, `array [1,2]`: the kind, then the value as JSON (cut short). */
export function describeElement(element: unknown): string {
  if (element === null) return 'null'
  const kind = Array.isArray(element) ? 'array' : typeof element
  const json = JSON.stringify(element)
  if (json === undefined) return kind
  return `${kind} ${json.length > 60 ? `${json.slice(0, 60)}…` : json}`
}
