import type { Parsed } from './parsed.ts'
import type { Decimal } from './records.ts'

/**
 * Values as the Korean market portals print them (KRX's data portal, Naver Finance): numbers
 * as text with thousands separators (`"1,234,567"`, `"-1,700"`, `"-0.21"`), a missing value as
 * `"-"` or `""`. Pure; a value that does not parse is a problem, never an exception.
 */

const GROUPED_NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/
const STOCK_CODE = /^[0-9A-Z]{6}$/

// The portals' browser check (KRX has rejected other User-Agents since 2019-12).
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

export function isMissingPortalValue(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && (value.trim() === '' || value.trim() === '-'))
}

/** A KRX short code: six digits or capitals (`005930`, `0126Z0`). */
export function isStockCode(text: string): boolean {
  return STOCK_CODE.test(text)
}

/** `"-1,700"` → `"-1700"`, `"2.47"` → `"2.47"`; exact, as decimals travel as text. */
export function parseGroupedDecimal(value: unknown): Parsed<Decimal> {
  if (isMissingPortalValue(value)) return { ok: true, value: null }
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined
  if (text === undefined || !GROUPED_NUMBER.test(text)) return { ok: false, problem: `not a number (${JSON.stringify(value)})` }
  return { ok: true, value: text.replace(/,/g, '').replace(/^\+/, '') }
}

/** Counts of shares and amounts of won: whole numbers within JavaScript's exact range. */
export function parseGroupedInteger(value: unknown): Parsed<number> {
  const decimal = parseGroupedDecimal(value)
  if (!decimal.ok || decimal.value === null) return decimal as Parsed<number>
  if (decimal.value.includes('.')) return { ok: false, problem: `not a whole number (${JSON.stringify(value)})` }
  const number = Number(decimal.value)
  if (!Number.isSafeInteger(number)) return { ok: false, problem: `too large to hold exactly (${JSON.stringify(value)})` }
  return { ok: true, value: number }
}
