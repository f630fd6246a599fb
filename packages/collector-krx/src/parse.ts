import { isMissingPortalValue, parseGroupedDecimal, parseGroupedInteger, ParseErrors, standInProblem, type Decimal, type Parsed, type TradeDate } from '@kmd/core'
import type { KrxRow } from './client.ts'

/**
 * Pure parsers for KRX values. KRX sends numbers as strings with thousands separators
 * (`"1,234,567"`, `"-1,700"`, `"-0.21"`), a missing value as `"-"` or `""`, and dates as
 * `YYYY/MM/DD`. A value that does not parse becomes null plus a message; it never throws,
 * so one bad cell cannot cost the rest of the batch.
 */

const KRX_DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/

const isMissing = isMissingPortalValue

const shown = (value: unknown) => JSON.stringify(value)

/** KRX numbers are the portals' grouped numbers (core): `"-1,700"` → `"-1700"`. */
export const parseKrxDecimal = parseGroupedDecimal
/** Counts of shares and amounts of won: whole numbers within JavaScript's exact range. */
export const parseKrxInteger = parseGroupedInteger

/** `"2021/01/04"` → `"2021-01-04"`. */
export function parseKrxDate(value: unknown): Parsed<TradeDate> {
  if (isMissing(value)) return { ok: true, value: null }
  const match = typeof value === 'string' ? KRX_DATE.exec(value.trim()) : null
  const [, year, month, day] = match ?? []
  const iso = `${year}-${month}-${day}`
  if (!match || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString().slice(0, 10) !== iso) {
    return { ok: false, problem: `not a date (${shown(value)})` }
  }
  return { ok: true, value: iso }
}

/** Trade date `YYYY-MM-DD` → the `YYYYMMDD` KRX expects in requests. */
export function toKrxRequestDate(tradeDate: TradeDate): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(tradeDate)) throw new RangeError(`trade date must be YYYY-MM-DD, got ${shown(tradeDate)}`)
  return tradeDate.replace(/-/g, '')
}

// FLUC_TP_CD: 1 up, 2 down, 3 unchanged, 4 upper limit, 5 lower limit, 0 no trade.
const SIGN_BY_FLUC_CODE: Readonly<Record<string, -1 | 0 | 1>> = { '1': 1, '2': -1, '3': 0, '4': 1, '5': -1, '0': 0 }

/**
 * Applies the direction KRX states in `FLUC_TP_CD` to a change or change rate. The text's own
 * sign is not trusted: some screens (ETFs) send the change unsigned.
 */
export function signByFlucCode(magnitude: Decimal | null, flucCode: unknown): Parsed<Decimal> {
  if (magnitude === null) return { ok: true, value: null }
  const sign = typeof flucCode === 'string' ? SIGN_BY_FLUC_CODE[flucCode] : undefined
  if (sign === undefined) return { ok: false, problem: `direction unknown (FLUC_TP_CD ${shown(flucCode)})` }
  const absolute = magnitude.replace(/^-/, '')
  const isZero = Number(absolute) === 0
  if (sign === 0 && !isZero) return { ok: false, problem: `${shown(magnitude)} but FLUC_TP_CD ${shown(flucCode)} says unchanged` }
  return { ok: true, value: sign < 0 && !isZero ? `-${absolute}` : absolute }
}

/**
 * Reads the fields of one row under their canonical names, collecting a message for each
 * value that did not parse, e.g. `close_price: not a number ("12a,3")`.
 */
export class RowReader {
  readonly #errors = new ParseErrors()
  readonly parseErrors: string[] = this.#errors.messages
  /** Fields whose text is broken (NUL, U+FFFD, lone surrogate): already reported, read as null. */
  readonly #broken: ReadonlySet<string>
  /**
   * The row stands in for an element of the answer that was not an object: its one parse error
   * says so, and every field reads as null without a message of its own.
   */
  readonly notARow: boolean

  constructor(private readonly row: KrxRow) {
    const notAnObject = standInProblem(row)
    this.notARow = notAnObject !== undefined
    if (notAnObject !== undefined) this.parseErrors.push(notAnObject)
    this.#broken = this.notARow ? new Set() : this.#errors.screenText(row)
  }

  text(field: string, name: string): string | null {
    const value = this.value(field)
    if (typeof value === 'string' && value.trim() !== '') return value.trim()
    if (!this.notARow && !this.#broken.has(field)) this.parseErrors.push(`${name}: missing (${field} is ${shown(value) ?? 'absent'})`)
    return null
  }

  decimal(field: string, name: string): Decimal | null {
    return this.#keep(name, parseKrxDecimal(this.value(field)))
  }

  integer(field: string, name: string): number | null {
    return this.#keep(name, parseKrxInteger(this.value(field)))
  }

  /** The field as sent, or undefined when its text is broken (the row already says why). */
  protected value(field: string): unknown {
    return this.notARow || this.#broken.has(field) ? undefined : this.row[field]
  }

  /** A change whose direction comes from the row's FLUC_TP_CD. */
  signedDecimal(field: string, name: string): Decimal | null {
    const magnitude = this.decimal(field, name)
    return this.#keep(name, signByFlucCode(magnitude, this.value('FLUC_TP_CD')))
  }

  #keep<T>(name: string, parsed: Parsed<T>): T | null {
    return this.#errors.keep(name, parsed)
  }
}
