import { CLOSURE_TABLE_FIRST_YEAR, CLOSURE_TABLE_LAST_YEAR, KRX_WEEKDAY_CLOSURES } from './krx-closures.ts'
import { seoulDate } from './dates.ts'
import { DAILY_DATASETS, type Dataset } from './datasets/index.ts'
import type { TradeDate } from './records.ts'

/**
 * The KRX trading calendar: pure date arithmetic on `YYYY-MM-DD` strings (KST calendar days),
 * no clock and no I/O, so the scheduler, collectors and validators can all ask it the same
 * question and get the same answer. Years outside the closure table know weekends only;
 * `calendarCovers` tells callers when that is the case.
 */

export interface SessionHours {
  /** `HH:MM` KST */
  open: string
  close: string
}

export interface Closure {
  date: TradeDate
  name: string
}

const YEAR_END_CLOSING = '연말 휴장일'
const WEEKEND = 'weekend'

// Days on which 수능 (CSAT) shifted the whole session one hour later.
const CSAT_DAYS = new Set([
  '2015-11-12',
  '2016-11-17',
  '2017-11-23',
  '2018-11-15',
  '2019-11-14',
  '2020-12-03',
  '2021-11-18',
  '2022-11-17',
  '2023-11-16',
  '2024-11-14',
  '2025-11-13',
  '2026-11-19',
])

// The regular session was extended from 15:00 to 15:30 on this day.
const CLOSE_1530_SINCE = '2016-08-01'

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

/** Why `text` is not a `YYYY-MM-DD` calendar date, naming the part that is wrong; undefined when it is one. */
export function calendarDateProblem(text: string): string | undefined {
  const match = DATE_PATTERN.exec(text)
  if (!match) return `expected a date as YYYY-MM-DD, got "${text}"`
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  if (month < 1 || month > 12) return `${text} is not a calendar date: there is no month ${match[2]}`
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (day < 1 || day > daysInMonth) return `${text} is not a calendar date: ${match[1]}-${match[2]} has ${daysInMonth} days`
  return undefined
}

/** Day number since 1970-01-01 of a `YYYY-MM-DD` string; throws on anything else. */
function dayNumber(date: TradeDate): number {
  if (typeof date !== 'string' || calendarDateProblem(date) !== undefined) throw new RangeError(`Not a calendar date in YYYY-MM-DD form: ${JSON.stringify(date)}`)
  return Math.round(Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY)
}

function fromDayNumber(day: number): TradeDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10)
}

function isWeekendDay(day: number): boolean {
  // 1970-01-01 was a Thursday, so (day + 4) mod 7 is the weekday with Sunday = 0.
  const weekday = (((day + 4) % 7) + 7) % 7
  return weekday === 0 || weekday === 6
}

function yearOf(date: TradeDate): number {
  return Number(date.slice(0, 4))
}

function buildClosures(): Map<TradeDate, string> {
  const closures = new Map<TradeDate, string>(KRX_WEEKDAY_CLOSURES.map(([date, name]) => [date, name]))
  for (let year = CLOSURE_TABLE_FIRST_YEAR; year <= CLOSURE_TABLE_LAST_YEAR; year++) {
    // 12/31 is closed for year-end settlement; when it is already a weekend or holiday,
    // the last business day before it is closed instead.
    let day = dayNumber(`${year}-12-31`)
    while (isWeekendDay(day) || closures.has(fromDayNumber(day))) day--
    closures.set(fromDayNumber(day), YEAR_END_CLOSING)
  }
  return closures
}

const CLOSURES = buildClosures()

/** Whether the closure table knows the holidays of this date's year (otherwise: weekends only). */
export function calendarCovers(date: TradeDate): boolean {
  dayNumber(date) // rejects a malformed date
  const year = yearOf(date)
  return year >= CLOSURE_TABLE_FIRST_YEAR && year <= CLOSURE_TABLE_LAST_YEAR
}

/** Why the market is closed on this date: 'weekend', a holiday name, or undefined when it trades. */
export function holidayName(date: TradeDate): string | undefined {
  const day = dayNumber(date)
  if (isWeekendDay(day)) return WEEKEND
  return CLOSURES.get(date)
}

export function isTradingDay(date: TradeDate): boolean {
  return holidayName(date) === undefined
}

/** The last trading day strictly before `date`. */
export function previousTradingDay(date: TradeDate): TradeDate {
  let day = dayNumber(date) - 1
  while (!isTradingDay(fromDayNumber(day))) day--
  return fromDayNumber(day)
}

/** The first trading day strictly after `date`. */
export function nextTradingDay(date: TradeDate): TradeDate {
  let day = dayNumber(date) + 1
  while (!isTradingDay(fromDayNumber(day))) day++
  return fromDayNumber(day)
}

/** Trading days from `from` to `to`, both included, oldest first; empty when `from` is after `to`. */
export function tradingDaysBetween(from: TradeDate, to: TradeDate): TradeDate[] {
  const last = dayNumber(to)
  const days: TradeDate[] = []
  for (let day = dayNumber(from); day <= last; day++) {
    const date = fromDayNumber(day)
    if (isTradingDay(date)) days.push(date)
  }
  return days
}

/** The `n` most recent trading days on or before `onOrBefore`, oldest first. */
export function lastTradingDays(n: number, onOrBefore: TradeDate): TradeDate[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`lastTradingDays needs a whole number >= 0, got ${n}`)
  const days: TradeDate[] = []
  let day = dayNumber(onOrBefore)
  while (days.length < n) {
    const date = fromDayNumber(day)
    if (isTradingDay(date)) days.push(date)
    day--
  }
  return days.reverse()
}

/**
 * Regular session hours of a trading day (KST), undefined when the market is closed.
 * 09:00–15:30 (15:00 before 2016-08-01); the first trading day of a year opens an hour late;
 * on CSAT days the whole session moves one hour later.
 */
export function sessionHours(date: TradeDate): SessionHours | undefined {
  if (!isTradingDay(date)) return undefined
  const closesAt1530 = date >= CLOSE_1530_SINCE
  if (CSAT_DAYS.has(date)) return { open: '10:00', close: closesAt1530 ? '16:30' : '16:00' }
  const close = closesAt1530 ? '15:30' : '15:00'
  const firstOfYear = previousTradingDay(date).slice(0, 4) !== date.slice(0, 4)
  return { open: firstOfYear ? '10:00' : '09:00', close }
}

/**
 * Minutes of the closing call auction (종가 단일가): orders collected over the session's last ten
 * minutes trade at one price at the close.
 */
export const CLOSING_AUCTION_MINUTES = 10

/**
 * The minute bars of a session, `HH:MM` KST in order: one per minute of continuous trading,
 * from the open up to the closing call auction, then the auction's single bar at the close
 * (09:00 … 15:19 and 15:30 on a regular day since 2016-08-01: 381 bars). Empty on a closed day.
 * A bar is named by the minute it starts.
 */
export function sessionMinuteBars(date: TradeDate): string[] {
  const hours = sessionHours(date)
  if (!hours) return []
  const bars: string[] = []
  for (let minute = minutesOfDay(hours.open); minute < minutesOfDay(hours.close) - CLOSING_AUCTION_MINUTES; minute++) bars.push(clockTime(minute))
  bars.push(hours.close)
  return bars
}

/**
 * Minutes after a session's close from which its day's figures count as final: the portals
 * publish the day after the close (the scheduler loads it at 18:30), so a day is not loaded
 * before its close plus this margin (16:30 KST on a 15:30 close).
 */
export const FINAL_AFTER_CLOSE_MINUTES = 60

/** `HH:MM` (KST) from which a trading day's figures count as final; undefined on a closed day. */
export function sessionFinalTime(date: TradeDate): string | undefined {
  const hours = sessionHours(date)
  if (!hours) return undefined
  return clockTime(minutesOfDay(hours.close) + FINAL_AFTER_CLOSE_MINUTES)
}

/** `HH:MM` → minutes since midnight. */
function minutesOfDay(time: string): number {
  const [hour, minute] = time.split(':').map(Number) as [number, number]
  return hour * 60 + minute
}

/** Minutes since midnight → `HH:MM`. */
function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** Whether a trading day's figures are final at `now` (closed days: never). */
function sessionIsFinal(date: TradeDate, now: Date): boolean {
  const finalTime = sessionFinalTime(date)
  return finalTime !== undefined && now.getTime() >= Date.parse(`${date}T${finalTime}:00+09:00`)
}

/** The latest trading day whose session is over and whose figures are final at `now`. */
export function lastClosedSession(now: Date): TradeDate {
  const today = seoulDate(now)
  return sessionIsFinal(today, now) ? today : previousTradingDay(today)
}

/**
 * Why `dataset` cannot be loaded for `date` at `now`, or undefined when it can: a day after
 * today in Korea never; today, for the daily datasets (prices, market caps, flows), only once
 * its session's figures are final. Reference data as of today (taken before the open) can.
 */
export function unfinishedDateReason(dataset: Dataset, date: TradeDate, now: Date): string | undefined {
  const today = seoulDate(now)
  if (date > today) return `${date} is after today in Korea (${today})`
  if (date < today || !(DAILY_DATASETS as readonly string[]).includes(dataset) || !isTradingDay(date) || sessionIsFinal(date, now)) return undefined
  return `${date} is today in Korea and its session is not final yet: ${dataset} for ${date} can be loaded from ${sessionFinalTime(date)} KST (the ${sessionHours(date)!.close} close plus ${FINAL_AFTER_CLOSE_MINUTES} minutes); the last closed session is ${lastClosedSession(now)}`
}

/** Every weekday closure of a covered year, in date order (empty outside the table). */
export function closuresInYear(year: number): Closure[] {
  return [...CLOSURES]
    .filter(([date]) => yearOf(date) === year)
    .map(([date, name]) => ({ date, name }))
    .sort((a, b) => (a.date < b.date ? -1 : 1))
}
