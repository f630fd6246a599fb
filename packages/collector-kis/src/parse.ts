import { describeTextProblem, textProblemsOf, type Decimal, type Parsed, type TradeDate } from '@kmd/core'
import { standInProblem } from '@kmd/core'

/**
 * Pure parsers for KIS values. KIS writes numbers as plain strings without separators
 * (`"71000"`, `"-800"`, `"0.14"`) and dates as `YYYYMMDD`; money in the investor APIs is in
 * 백만원. A value that does not parse becomes null plus a message; nothing throws, so one bad
 * cell cannot cost the rest of the batch. A thousands separator is a change of format here.
 */

/** One row of a KIS output array: KIS's field names, string values. */
export type KisRow = Readonly<Record<string, unknown>>

const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?$/
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/
const WON_PER_MILLION = 1_000_000

const shown = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value))
const isMissing = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '')

export function parseKisDecimal(value: unknown): Parsed<Decimal> {
  if (isMissing(value)) return { ok: true, value: null }
  const text = typeof value === 'string' ? value.trim() : undefined
  if (text === undefined || !PLAIN_NUMBER.test(text)) return { ok: false, problem: `not a number (${shown(value)})` }
  // "-0" and "+5" are written canonically; leading zeros ("0071000") are KIS's padding.
  const [whole = '0', fraction] = text.replace(/^[-+]/, '').split('.')
  const digits = whole.replace(/^0+(?=\d)/, '')
  const magnitude = fraction === undefined ? digits : `${digits}.${fraction}`
  const negative = text.startsWith('-') && Number(magnitude) !== 0
  return { ok: true, value: negative ? `-${magnitude}` : magnitude }
}

/** Share counts and won amounts: whole numbers within JavaScript's exact range. */
export function parseKisInteger(value: unknown): Parsed<number> {
  const decimal = parseKisDecimal(value)
  if (!decimal.ok || decimal.value === null) return decimal as Parsed<number>
  if (decimal.value.includes('.')) return { ok: false, problem: `not a whole number (${shown(value)})` }
  const number = Number(decimal.value)
  if (!Number.isSafeInteger(number)) return { ok: false, problem: `too large to hold exactly (${shown(value)})` }
  return { ok: true, value: number }
}

/** An amount in 백만원 → won (× 1,000,000). */
export function parseKisMillionsAsWon(value: unknown): Parsed<number> {
  const millions = parseKisInteger(value)
  if (!millions.ok || millions.value === null) return millions
  const won = millions.value * WON_PER_MILLION
  if (!Number.isSafeInteger(won)) return { ok: false, problem: `too large to hold exactly in won (${shown(value)} 백만원)` }
  return { ok: true, value: won }
}

/** `"20250811"` → `"2025-08-11"`. */
export function parseKisDate(value: unknown): Parsed<TradeDate> {
  if (isMissing(value)) return { ok: true, value: null }
  const match = typeof value === 'string' ? COMPACT_DATE.exec(value.trim()) : null
  const iso = match ? `${match[1]}-${match[2]}-${match[3]}` : ''
  if (!match || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString().slice(0, 10) !== iso) {
    return { ok: false, problem: `not a date (${shown(value)})` }
  }
  return { ok: true, value: iso }
}

const CLOCK = /^([01]\d|2[0-3])([0-5]\d)([0-5]\d)$/

/** `HHMMSS` (a time of day in KST) → `HH:MM:SS`. */
export function parseKisClock(value: unknown): Parsed<string> {
  if (isMissing(value)) return { ok: true, value: null }
  const match = typeof value === 'string' ? CLOCK.exec(value.trim()) : null
  if (!match) return { ok: false, problem: `not a time HHMMSS (${shown(value)})` }
  return { ok: true, value: `${match[1]}:${match[2]}:${match[3]}` }
}

/** Trade date `YYYY-MM-DD` → the `YYYYMMDD` KIS expects. */
export function toKisDate(tradeDate: TradeDate): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(tradeDate)) throw new RangeError(`trade date must be YYYY-MM-DD, got ${shown(tradeDate)}`)
  return tradeDate.replace(/-/g, '')
}

// prdy_vrss_sign: 1 상한, 2 상승, 3 보합, 4 하한, 5 하락.
const SIGN_BY_CHANGE_CODE: Readonly<Record<string, -1 | 0 | 1>> = { '1': 1, '2': 1, '3': 0, '4': -1, '5': -1 }

/** Applies the direction KIS states in `prdy_vrss_sign` to a change (whatever sign its text has). */
export function signByChangeCode(magnitude: Decimal | null, code: unknown): Parsed<Decimal> {
  if (magnitude === null) return { ok: true, value: null }
  const sign = typeof code === 'string' ? SIGN_BY_CHANGE_CODE[code.trim()] : undefined
  if (sign === undefined) return { ok: false, problem: `direction unknown (prdy_vrss_sign ${shown(code)})` }
  const absolute = magnitude.replace(/^-/, '')
  const isZero = Number(absolute) === 0
  if (sign === 0 && !isZero) return { ok: false, problem: `${shown(magnitude)} but prdy_vrss_sign ${shown(code)} says unchanged` }
  return { ok: true, value: sign < 0 && !isZero ? `-${absolute}` : absolute }
}

/**
 * The change in percent of the previous close (close − change), to two decimals, half away
 * from zero, as KRX's FLUC_RT; null when the previous close is not positive. Prices are whole
 * won, so the arithmetic is exact before the one rounding.
 */
export function changeRate(close: Decimal | null, change: Decimal | null): Decimal | null {
  if (close === null || change === null || close.includes('.') || change.includes('.')) return null
  const previous = Number(close) - Number(change)
  if (!(previous > 0)) return null
  const hundredths = Math.round((Math.abs(Number(change)) * 10_000) / previous)
  const text = `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`
  return Number(change) < 0 && hundredths !== 0 ? `-${text}` : text
}

/**
 * Reads the fields of one row under their canonical names, collecting a message for each value
 * that did not parse, e.g. `close_price: not a number ("7a100")`.
 */
export class KisRowReader {
  readonly parseErrors: string[] = []
  /** Fields whose text is broken (NUL, U+FFFD, lone surrogate): reported once, then read as null. */
  readonly #broken: ReadonlySet<string>

  /** The row stands in for an element that was not an object: one parse error, every field null. */
  readonly #notARow: boolean

  constructor(private readonly row: KisRow) {
    const notAnObject = standInProblem(row)
    this.#notARow = notAnObject !== undefined
    if (notAnObject !== undefined) this.parseErrors.push(notAnObject)
    // Every field, used or not: `ISU_ABBRV: contains NUL` quarantines the row, not the batch.
    const problems = this.#notARow ? [] : textProblemsOf(row)
    this.parseErrors.push(...problems.map(describeTextProblem))
    this.#broken = new Set(problems.map((problem) => problem.field))
  }

  date(field: string, name: string): TradeDate | null {
    return this.#required(field, name, parseKisDate(this.#value(field)))
  }

  decimal(field: string, name: string): Decimal | null {
    return this.#required(field, name, parseKisDecimal(this.#value(field)))
  }

  integer(field: string, name: string): number | null {
    return this.#required(field, name, parseKisInteger(this.#value(field)))
  }

  /** A 백만원 amount, in won. */
  won(field: string, name: string): number | null {
    return this.#required(field, name, parseKisMillionsAsWon(this.#value(field)))
  }

  /** A change whose direction comes from the row's prdy_vrss_sign. */
  signedChange(field: string, name: string): Decimal | null {
    const magnitude = this.decimal(field, name)
    return this.#keep(name, signByChangeCode(magnitude, this.#value('prdy_vrss_sign')))
  }

  /** `HHMMSS` → `HH:MM:SS`. */
  clock(field: string, name: string): string | null {
    return this.#required(field, name, parseKisClock(this.#value(field)))
  }

  /** `Y` or `N` → true or false. */
  flag(field: string, name: string): boolean | null {
    const value = this.#value(field)
    if (value === 'Y' || value === 'N') return value === 'Y'
    if (this.#notARow || this.#broken.has(field)) return null
    this.parseErrors.push(`${name}: ${isMissing(value) ? `missing (${field} is ${shown(value)})` : `not Y or N (${shown(value)})`}`)
    return null
  }

  // Every field read here is one KIS always sends: a missing one is reported, not taken as null.
  #required<T>(field: string, name: string, parsed: Parsed<T>): T | null {
    if (parsed.ok && parsed.value === null) {
      if (this.#notARow || this.#broken.has(field)) return null
      this.parseErrors.push(`${name}: missing (${field} is ${shown(this.row[field])})`)
      return null
    }
    return this.#keep(name, parsed)
  }

  #value(field: string): unknown {
    return this.#notARow || this.#broken.has(field) ? undefined : this.row[field]
  }

  #keep<T>(name: string, parsed: Parsed<T>): T | null {
    if (parsed.ok) return parsed.value
    this.parseErrors.push(`${name}: ${parsed.problem}`)
    return null
  }
}
