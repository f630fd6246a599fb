import type { Decimal, TradeDate } from '@kmd/core'

/**
 * Parsers for the values of Infomax's JSON answers. Infomax sends numbers as JSON numbers,
 * codes and names as strings, dates as YYYYMMDD numbers. A value of another type is not
 * coerced: it is a `problem`, which the row reader turns into a parse error naming the
 * endpoint, the field and the value. Parsers never throw.
 */
export type FieldParse<T> = (value: unknown) => { ok: true; value: T } | { ok: false; problem: string }

/** How a value is shown in a message: its JSON type and, for scalars, the value itself. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`
    case 'number':
      return `a number (${value})`
    case 'boolean':
      return `a boolean (${value})`
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}

const expected = (what: string, value: unknown) => ({ ok: false as const, problem: `is ${describeValue(value)}, expected ${what}` })

/** Plain decimal text of a finite number, or undefined where JavaScript would write an exponent. */
function plainDecimal(value: number): string | undefined {
  const text = String(value)
  return /e/i.test(text) ? undefined : text
}

/** Shares and counts: a whole JSON number within JavaScript's exact range. */
export const integer: FieldParse<number> = (value) => {
  if (typeof value !== 'number' || !Number.isInteger(value)) return expected('a whole number', value)
  if (!Number.isSafeInteger(value)) return expected('a whole number within ±2^53', value)
  return { ok: true, value }
}

/** Prices, changes, rates: a JSON number, kept as exact decimal text. */
export const decimal: FieldParse<Decimal> = (value) => {
  const text = typeof value === 'number' && Number.isFinite(value) ? plainDecimal(value) : undefined
  return text === undefined ? expected('a number', value) : { ok: true, value: text }
}

/**
 * An amount in 천원 (thousands of won) → whole won, shifting the decimal point on the text so
 * no binary rounding creeps in (12.345 천원 is exactly 12,345 원).
 */
export const thousandWon: FieldParse<number> = (value) => {
  const text = typeof value === 'number' && Number.isFinite(value) ? plainDecimal(value) : undefined
  if (text === undefined) return expected('a number of 천원', value)
  const [whole = '0', fraction = ''] = text.replace(/^-/, '').split('.')
  if (fraction.length > 3) return expected('a number of 천원 with at most three decimals (whole won)', value)
  const won = Number(`${text.startsWith('-') ? '-' : ''}${whole}${fraction.padEnd(3, '0')}`)
  return Number.isSafeInteger(won) ? { ok: true, value: won } : expected('a number of 천원 within ±2^53 won', value)
}

/** `20250304` (number, or the same eight digits as a string) → `2025-03-04`. */
export const compactDate: FieldParse<TradeDate> = (value) => {
  const text = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined
  if (text === undefined || !/^\d{8}$/.test(text)) return expected('a YYYYMMDD date', value)
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`
  const day = new Date(`${iso}T00:00:00Z`)
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== iso) return expected('a real YYYYMMDD date', value)
  return { ok: true, value: iso }
}

/** Names and labels: a non-empty string, trimmed. */
export const text: FieldParse<string> = (value) => {
  if (typeof value !== 'string' || value.trim() === '') return expected('a non-empty string', value)
  return { ok: true, value: value.trim() }
}

/**
 * KRX short codes are six characters, digits and capital letters (`005930`, `0041B0`). A
 * number is refused on purpose: `5930` has lost its leading zeros and cannot be trusted.
 */
export const stockCode: FieldParse<string> = (value) => {
  if (typeof value !== 'string' || !/^[0-9A-Z]{6}$/.test(value.trim())) return expected('a six-character stock code', value)
  return { ok: true, value: value.trim() }
}

/** ISO 6166: two letters, nine characters, one check digit (the digit itself is not verified here). */
export const isin: FieldParse<string> = (value) => {
  if (typeof value !== 'string' || !/^[A-Z]{2}[0-9A-Z]{9}[0-9]$/.test(value.trim())) return expected('a twelve-character ISIN', value)
  return { ok: true, value: value.trim() }
}

/** A value looked up in a table (market codes, investor labels); numbers and strings both match by their text. */
export function oneOf<T>(table: Readonly<Record<string, T>>, what: string): FieldParse<T> {
  return (value) => {
    const key = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined
    if (key === undefined) return expected(what, value)
    if (!Object.hasOwn(table, key)) return { ok: false, problem: `is ${describeValue(value)}, which is not ${what}` }
    return { ok: true, value: table[key]! }
  }
}
