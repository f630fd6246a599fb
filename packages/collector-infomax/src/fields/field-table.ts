import { describeTextProblem, textProblemsOf } from '@kmd/core'
import { describeValue, type FieldParse } from './parsers.ts'

/**
 * The mapping of one endpoint's fields, as a table: vendor field → canonical field, unit,
 * parser. Reading a row through it gives the canonical values plus one parse error per field
 * that was missing or did not parse, each naming the endpoint, the vendor field and the value,
 * e.g. `close: /api/stock/hist close_price is a string ("12a"), expected a number`.
 * A field the table does not know is reported to the watch (logged once per endpoint and
 * field) and otherwise ignored.
 */
export interface FieldRule<C> {
  /** The field's name in Infomax's JSON. */
  vendor: string
  /** Where its value goes; null for a field we know but do not store. */
  canonical: (keyof C & string) | null
  /** What the vendor's number means: 원, 천원, 주, %, YYYYMMDD, code, text. */
  unit: string
  parse: FieldParse<unknown> | null
  /** Optional fields may be absent or null without a parse error; default required. */
  optional?: true
}

export interface FieldTable<C> {
  endpoint: string
  fields: ReadonlyArray<FieldRule<C>>
}

/** Where a table reports fields it does not know. */
export interface FieldWatch {
  unknownField(endpoint: string, field: string, value: unknown): void
}

export type CanonicalValues<C> = { [K in keyof C]: C[K] | null }

export interface ReadRow<C> {
  values: CanonicalValues<C>
  raw: Record<string, unknown>
  parseErrors: string[]
  /**
   * The part of `parseErrors` about the row as a whole, which every record made from it must
   * carry: not an object, or a field whose text holds NUL, U+FFFD or a lone surrogate, used or
   * not (`kr_name: contains NUL`).
   */
  rowErrors: string[]
}

export function readRow<C>(table: FieldTable<C>, row: unknown, position: number, watch: FieldWatch): ReadRow<C> {
  const values = {} as Record<string, unknown>
  for (const rule of table.fields) if (rule.canonical !== null) values[rule.canonical] = null
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    const notAnObject = [`row: ${table.endpoint} results[${position}] is ${describeValue(row)}, expected an object`]
    return { values: values as CanonicalValues<C>, raw: { row }, parseErrors: notAnObject, rowErrors: notAnObject }
  }

  const raw = row as Record<string, unknown>
  const textProblems = textProblemsOf(raw)
  const rowErrors = textProblems.map(describeTextProblem)
  const broken = new Set(textProblems.map((problem) => problem.field))
  const parseErrors: string[] = [...rowErrors]
  const known = new Set(table.fields.map((rule) => rule.vendor))
  for (const field of Object.keys(raw)) if (!known.has(field)) watch.unknownField(table.endpoint, field, raw[field])

  for (const rule of table.fields) {
    if (rule.canonical === null || rule.parse === null) continue
    // Reported once above; its value stays null.
    if (broken.has(rule.vendor)) continue
    const name = rule.canonical
    const value = raw[rule.vendor]
    if (value === undefined || value === null) {
      if (!rule.optional) parseErrors.push(`${name}: ${table.endpoint} ${rule.vendor} is ${value === null ? 'null' : 'missing'}`)
      continue
    }
    const parsed = rule.parse(value)
    if (parsed.ok) values[name] = parsed.value
    else parseErrors.push(`${name}: ${table.endpoint} ${rule.vendor} ${parsed.problem}`)
  }
  return { values: values as CanonicalValues<C>, raw, parseErrors, rowErrors }
}
