import { addDays } from '@kmd/core'

/** Calendar arithmetic on `YYYY-MM-DD` dates and ISO weeks (`2025-W52`): pure, no clock, no time zone. */

const DAY_MS = 86_400_000
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/

export interface IsoWeek {
  /** `2025-W52` */
  id: string
  /** The Monday that opens it, `YYYY-MM-DD`. */
  monday: string
  /** The Sunday that closes it. */
  sunday: string
}

function toUtc(date: string): number {
  const match = DATE_PATTERN.exec(date)
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) throw new RangeError(`not a date in the form YYYY-MM-DD: "${date}"`)
  return time
}

function fromUtc(time: number): string {
  return new Date(time).toISOString().slice(0, 10)
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(toUtc(date)).getUTCDay() + 6) % 7) + 1
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const dates: string[] = []
  for (let time = toUtc(from); time <= toUtc(to); time += DAY_MS) dates.push(fromUtc(time))
  return dates
}

/** The ISO week holding `date` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeekOf(date: string): IsoWeek {
  const monday = addDays(date, 1 - isoWeekday(date))
  const thursday = addDays(monday, 3)
  const year = Number(thursday.slice(0, 4))
  const week = Math.floor((toUtc(thursday) - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1
  return { id: `${year}-W${String(week).padStart(2, '0')}`, monday, sunday: addDays(monday, 6) }
}

/** Parses `YYYY-Www`; a malformed text or a week the year does not have is a RangeError naming it. */
export function parseIsoWeek(text: string): IsoWeek {
  const match = WEEK_PATTERN.exec(text.trim())
  if (!match) throw new RangeError(`not an ISO week in the form YYYY-Www (e.g. 2025-W52): "${text}"`)
  const year = Number(match[1])
  const week = Number(match[2])
  // January 4th is always in week 1.
  const weekOne = isoWeekOf(`${match[1]}-01-04`).monday
  const parsed = isoWeekOf(addDays(weekOne, (week - 1) * 7))
  if (week < 1 || parsed.id !== `${year}-W${match[2]}`) throw new RangeError(`${year} has no ISO week ${week}: "${text}"`)
  return parsed
}

export function previousIsoWeek(week: IsoWeek): IsoWeek {
  return isoWeekOf(addDays(week.monday, -7))
}
