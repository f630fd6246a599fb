import type { Decimal, TradeDate } from '@kmd/core'
import type { Parsed } from '@kmd/core'
import { parseGroupedDecimal, parseGroupedInteger } from '@kmd/core'

/**
 * Naver's values: dates `YYYY.MM.DD`, numbers with thousands separators and, on the investor
 * page, an explicit sign (`+17,169`, `-19,294`); ratios end in `%`. The daily change is shown
 * unsigned, its direction given by a marker next to it (see `directionOfMarker`).
 */

const NAVER_DATE = /^(\d{4})\.(\d{2})\.(\d{2})$/

export function parseNaverDate(text: string): Parsed<TradeDate> {
  const match = NAVER_DATE.exec(text.trim())
  const iso = match ? `${match[1]}-${match[2]}-${match[3]}` : ''
  if (!match || Number.isNaN(Date.parse(iso)) || new Date(iso).toISOString().slice(0, 10) !== iso) {
    return { ok: false, problem: `not a date (${JSON.stringify(text)})` }
  }
  return { ok: true, value: iso }
}

/** `"259,500"`, `"+17,169"`, `"-19,294"` → whole numbers; "" is null. */
export function parseNaverInteger(text: string): Parsed<number> {
  return parseGroupedInteger(text.trim())
}

/** `"12.93%"`, `"-0.43%"` → `"12.93"`, `"-0.43"`. */
export function parseNaverPercent(text: string): Parsed<Decimal> {
  return parseGroupedDecimal(text.trim().replace(/%$/, ''))
}

export type Direction = -1 | 0 | 1

// The marker's class (bu_pup 상승, bu_pup2 상한가, bu_pdn 하락, bu_pdn2 하한가, bu_pn 보합) and its
// hidden text say the same thing; older pages used an <img alt="상승">. Any of them will do.
const DIRECTION_BY_CLASS: Readonly<Record<string, Direction>> = { bu_pup: 1, bu_pup2: 1, bu_pdn: -1, bu_pdn2: -1, bu_pn: 0 }
const DIRECTION_BY_TEXT: Readonly<Record<string, Direction>> = { 상승: 1, 상한가: 1, 하락: -1, 하한가: -1, 보합: 0 }

/** The direction a change cell's marker states, from its classes or its words. */
export function directionOfMarker(classes: readonly string[], words: readonly string[]): Direction | undefined {
  for (const name of classes) if (name in DIRECTION_BY_CLASS) return DIRECTION_BY_CLASS[name]
  for (const word of words) if (word.trim() in DIRECTION_BY_TEXT) return DIRECTION_BY_TEXT[word.trim()]
  return undefined
}

/** An unsigned change and its direction → a signed decimal; a change of 0 needs no marker. */
export function signedChange(magnitude: string, direction: Direction | undefined): Parsed<Decimal> {
  const parsed = parseGroupedDecimal(magnitude.trim())
  if (!parsed.ok || parsed.value === null) return parsed
  const absolute = parsed.value.replace(/^-/, '')
  if (Number(absolute) === 0) return { ok: true, value: '0' }
  if (direction === undefined) return { ok: false, problem: `direction unknown (no 상승/하락 marker next to ${JSON.stringify(magnitude.trim())})` }
  if (direction === 0) return { ok: false, problem: `${JSON.stringify(magnitude.trim())} but the marker says unchanged` }
  return { ok: true, value: direction < 0 ? `-${absolute}` : absolute }
}
