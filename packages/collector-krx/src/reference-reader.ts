import type { Decimal, TradeDate } from '@kmd/core'
import type { Parsed } from '@kmd/core'
import { parseKrxDate, parseKrxDecimal, RowReader } from './parse.ts'

// KRX writes "no par value" (무액면) where a par value would be; that is a fact, not a gap.
const NO_PAR_VALUE = '무액면'

/**
 * The row reader for reference screens (master, sectors, index members, ETF PDFs), which
 * carry dates, optional labels and par values besides the numbers of the daily screens.
 */
export class ReferenceRowReader extends RowReader {
  /** A label that may legitimately be empty (e.g. SECT_TP_NM "" on KOSPI): null without a message. */
  optionalText(field: string): string | null {
    const value = this.value(field)
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : null
  }

  /** `YYYY/MM/DD` → `YYYY-MM-DD`; "-" or "" is null. */
  date(field: string, name: string): TradeDate | null {
    return this.#keep(name, parseKrxDate(this.value(field)))
  }

  /** Par value in the stock's currency; "무액면" (no par value) is null and not an error. */
  parValue(field: string, name: string): Decimal | null {
    const value = this.value(field)
    if (typeof value === 'string' && value.trim() === NO_PAR_VALUE) return null
    return this.#keep(name, parseKrxDecimal(value))
  }

  /** Records a problem found by the caller, in the reader's `name: problem` form. */
  problem(name: string, problem: string): void {
    this.parseErrors.push(`${name}: ${problem}`)
  }

  #keep<T>(name: string, parsed: Parsed<T>): T | null {
    if (parsed.ok) return parsed.value
    this.problem(name, parsed.problem)
    return null
  }
}
