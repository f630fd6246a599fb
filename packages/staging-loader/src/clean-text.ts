import { describeTextProblem, textProblemsOf } from '@kmd/core'

/**
 * Defence in depth for COPY: PostgreSQL text refuses NUL and jsonb refuses the escapes `\u0000`
 * and a lone surrogate, so one such character anywhere in a batch would fail the whole load.
 * Collectors already report them as parse errors of their row; whatever still carries one is
 * written here with the character spelt out as text (`A\u0000B` becomes the six characters
 * `\u0000` between A and B), and its row gets the parse error if it does not have it yet, so it
 * is quarantined, never loaded as good, and its neighbours load.
 */

const BROKEN = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const spelt = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`

/** A text with NUL and lone surrogates spelt out as `\uXXXX`; other text unchanged. */
export function storableText(text: string): string {
  return text.replace(BROKEN, spelt)
}

/** A JSON-like value with every key and string storable (see `storableText`). */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value)
  if (Array.isArray(value)) return value.map(storableJson)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [storableText(key), storableJson(item)]))
}

/**
 * The row's parse errors plus one per broken text in its values or raw fields that no collector
 * reported (e.g. `ISU_ABBRV: contains NUL`), each storable itself.
 */
export function parseErrorsWithTextProblems(parseErrors: readonly string[], values: Record<string, unknown>, raw: unknown): string[] {
  const found = [...textProblemsOf(values), ...textProblemsOf(raw)].map(describeTextProblem)
  const messages = [...parseErrors, ...found.filter((message) => !parseErrors.includes(message))]
  return [...new Set(messages)].map(storableText)
}
