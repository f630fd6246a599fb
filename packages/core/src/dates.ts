import type { TradeDate } from './records.ts'

/**
 * Korea has kept UTC+9 without daylight saving since 1988, so Korean wall time is UTC shifted by
 * nine hours, every day of the year.
 */
export const SEOUL_OFFSET_MS = 9 * 3_600_000

const MS_PER_DAY = 86_400_000

/** The calendar day in Korea (`YYYY-MM-DD`) of an instant, by default now: today's trade date, a slot's trade date. */
export function seoulDate(instant: Date = new Date()): TradeDate {
  return new Date(instant.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 10)
}

/** `date` plus `days` calendar days (negative: before), as `YYYY-MM-DD`. */
export function addDays(date: TradeDate, days: number): TradeDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10)
}

/** The time of day in Korea (`HH:MM:SS`) of an instant, by default now. */
export function seoulTimeOfDay(instant: Date = new Date()): string {
  return new Date(instant.getTime() + SEOUL_OFFSET_MS).toISOString().slice(11, 19)
}
