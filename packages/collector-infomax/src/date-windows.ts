import type { TradeDate } from '@kmd/core'

/**
 * Infomax serves daily history for at most 30 calendar days per request, so a longer range is
 * asked for in consecutive windows. Pure, so the arithmetic is tested on its own.
 */
export interface DateWindow {
  from: TradeDate
  to: TradeDate
}

const DAY_MS = 86_400_000
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

function dayNumber(date: TradeDate): number {
  const time = ISO_DATE.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) {
    throw new RangeError(`date must be a real YYYY-MM-DD day, got ${JSON.stringify(date)}`)
  }
  return time / DAY_MS
}

function dateOf(day: number): TradeDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/**
 * `from`..`to` (both included) as consecutive windows of at most `maxDays` calendar days, in
 * order, covering every day once: 2025-01-01..2025-03-01 with 30 → Jan 1-30, Jan 31-Mar 1.
 */
export function splitDateRange(from: TradeDate, to: TradeDate, maxDays: number): DateWindow[] {
  if (!Number.isInteger(maxDays) || maxDays < 1) throw new RangeError(`maxDays must be a whole number ≥ 1, got ${maxDays}`)
  const first = dayNumber(from)
  const last = dayNumber(to)
  if (first > last) throw new RangeError(`range starts after it ends: ${from} > ${to}`)
  const windows: DateWindow[] = []
  for (let start = first; start <= last; start += maxDays) {
    windows.push({ from: dateOf(start), to: dateOf(Math.min(last, start + maxDays - 1)) })
  }
  return windows
}

/** `2025-03-04` → `20250304`, the form Infomax takes in `startDate`, `endDate` and `date`. */
export function toInfomaxDate(date: TradeDate): string {
  dayNumber(date)
  return date.replace(/-/g, '')
}

/** Splits a list into consecutive groups of at most `size`. */
export function inGroups<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`group size must be a whole number ≥ 1, got ${size}`)
  const groups: T[][] = []
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size))
  return groups
}
