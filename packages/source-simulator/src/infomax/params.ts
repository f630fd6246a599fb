import { addDays, seoulDate, type TradeDate } from '@kmd/core'
import { parseCompactDate } from '../krx/wire-format.ts'

/**
 * Query parameters as the Infomax routes read them. Anything malformed makes the route answer
 * `error params`, so these return undefined rather than throw.
 */

export interface DateWindow {
  from: TradeDate
  to: TradeDate
}

const DAY_MS = 86_400_000


/** Calendar days from `from` to `to`, both counted. */
export function spanInDays(from: TradeDate, to: TradeDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1
}

/**
 * `startDate`/`endDate` (YYYYMMDD). Without endDate: today; without startDate: endDate − 30
 * days, as the public summary says. A span longer than `maxDays`, an end before the start or a
 * malformed date is refused.
 */
export function historyWindow(query: Record<string, string>, now: Date, maxDays: number): DateWindow | undefined {
  const to = query.endDate ? parseCompactDate(query.endDate) : seoulDate(now)
  if (to === undefined) return undefined
  const from = query.startDate ? parseCompactDate(query.startDate) : addDays(to, -(maxDays - 1))
  if (from === undefined || from > to || spanInDays(from, to) > maxDays) return undefined
  return { from, to }
}

/** A date filter without a span limit (delisting dates); `defaultDays` back from the end when no start is given. */
export function dateFilter(query: Record<string, string>, now: Date, defaultDays: number): DateWindow | undefined {
  const to = query.endDate ? parseCompactDate(query.endDate) : seoulDate(now)
  if (to === undefined) return undefined
  const from = query.startDate ? parseCompactDate(query.startDate) : addDays(to, -defaultDays)
  return from === undefined || from > to ? undefined : { from, to }
}

/** A single date (`date=YYYYMMDD`); without one, the day before today. */
export function singleDate(text: string | undefined, now: Date): TradeDate | undefined {
  return text ? parseCompactDate(text) : addDays(seoulDate(now), -1)
}

/** `code=005930,000660`: one or more codes; empty entries are ignored, none at all is refused. */
export function codeList(text: string | undefined): string[] | undefined {
  const codes = (text ?? '')
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code !== '')
  return codes.length > 0 ? codes : undefined
}

/** `2025-03-04` → `20250304` as a number, the way Infomax writes dates in results. */
export function compactDateNumber(date: TradeDate): number {
  return Number(date.replace(/-/g, ''))
}
