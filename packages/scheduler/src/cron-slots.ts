/**
 * Cron slots in Korea time, read by one library: node-cron. Its tasks fire the scheduler
 * (`fireAtSlots`), and the same library's matcher decides which instants are slots when the
 * scheduler lists the slots of a window, finds the latest or the next one. So an expression
 * cannot fire at an instant the lists leave out, or the other way round.
 *
 * Listing is a pure function of instants, no clock and no I/O: tests ask it with any instant.
 * node-cron's own "next run" counts from the wall clock, so the lists are built here from its
 * public `parse` (which hours and minutes) and `match` (is this instant a slot in Asia/Seoul).
 *
 * Expression syntax and meaning are node-cron's: five fields (minute hour day-of-month month
 * day-of-week), `*`, `a-b`, `/n`, lists, `JAN`/`MON` names, `L`, `W`, `#`; a range that runs
 * backwards wraps (`22-2` is 22:00 to 02:59). Both day fields must match (node-cron's rule,
 * unlike Vixie cron's "either"): `0 0 13 * 5` is Friday the 13th only.
 */

import cron, { type Logger as CronLogger, type ScheduledTask } from 'node-cron'
import { SEOUL_OFFSET_MS, seoulDate } from '@kmd/core'

// A slot's trade date is its calendar day in Korea: re-exported for the scheduler's callers.
export { seoulDate }
export type { CronLogger, ScheduledTask }

/** The time zone every expression is read in, for firing and for listing. */
export const CRON_TIME_ZONE = 'Asia/Seoul'

export interface CronSpec {
  /** The expression, its fields separated by single spaces. */
  readonly expression: string
  /** The minutes and hours it names, ascending (node-cron's parse). */
  readonly minutes: readonly number[]
  readonly hours: readonly number[]
  /** node-cron's verdict: is this instant one of the expression's slots in Korea time? */
  readonly matches: (instant: Date) => boolean
}

const MS_PER_DAY = 86_400_000
const MS_PER_MINUTE = 60_000

export class CronSyntaxError extends Error {
  constructor(expression: string, problem: string, job?: string) {
    super(`${job === undefined ? '' : `job ${job}: `}invalid cron expression "${expression}": ${problem}`)
    this.name = 'CronSyntaxError'
  }
}

// One never-started node-cron task per expression, asked only for `match`: node-cron's public
// matcher, the same its firing tasks run. Shared, so re-reading a job table adds no task.
const matchers = new Map<string, ScheduledTask>()

function matcherOf(expression: string): ScheduledTask {
  let matcher = matchers.get(expression)
  if (!matcher) {
    matcher = cron.createTask(expression, () => undefined, { timezone: CRON_TIME_ZONE, name: `kmd matcher ${expression}` })
    matchers.set(expression, matcher)
  }
  return matcher
}

/**
 * Reads an expression as node-cron does; throws CronSyntaxError naming the job (when given),
 * the expression and each field node-cron refuses. The only check of an expression.
 */
export function parseCron(text: string, job?: string): CronSpec {
  const expression = text.trim().split(/\s+/).join(' ')
  const checked = cron.validateDetailed(expression)
  if (!checked.valid || !checked.fields) {
    throw new CronSyntaxError(expression, checked.errors.map((error) => `${error.field}: ${error.message}`).join('; '), job)
  }
  // A slot is a whole minute (schedule_slots, the catch-up window): node-cron's optional
  // seconds field may only say 0.
  if (checked.fields.second.length !== 1 || checked.fields.second[0] !== 0) {
    throw new CronSyntaxError(expression, 'second: slots are whole minutes, so a seconds field may only be 0', job)
  }
  const matcher = matcherOf(expression)
  return {
    expression,
    minutes: ascending(checked.fields.minute),
    hours: ascending(checked.fields.hour),
    matches: (instant) => matcher.match(instant),
  }
}

/**
 * Fires `onSlot` at each slot of `spec` in Korea time (a node-cron task, started); destroy the
 * task to stop it.
 */
export function fireAtSlots(spec: CronSpec, onSlot: (slot: Date) => void, options: { name: string; logger: CronLogger }): ScheduledTask {
  return cron.schedule(spec.expression, (context) => onSlot(context.date), { timezone: CRON_TIME_ZONE, name: options.name, logger: options.logger })
}

/** `2026-11-18T18:30+09:00`: an instant as Korea wall time, for logs and alerts. */
export function seoulTime(instant: Date): string {
  return `${new Date(instant.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 16)}+09:00`
}

function ascending(values: ReadonlyArray<number | string>): number[] {
  return [...new Set(values.map(Number))].sort((a, b) => a - b)
}

// Korea day number (days since 1970-01-01 in KST) of an instant.
function seoulDay(ms: number): number {
  return Math.floor((ms + SEOUL_OFFSET_MS) / MS_PER_DAY)
}

/**
 * The slots of one Korea day in ascending order, as UTC milliseconds. Korea keeps UTC+9 all
 * year, so the day's candidates are its midnight plus each hour and minute the expression
 * names. They differ only in those fields, which they match by construction, so node-cron's
 * verdict on the first (day of month, month, day of week) is its verdict on all of them.
 */
function slotsOfDay(spec: CronSpec, day: number): number[] {
  const midnight = day * MS_PER_DAY - SEOUL_OFFSET_MS
  const candidates = spec.hours.flatMap((hour) => spec.minutes.map((minute) => midnight + (hour * 60 + minute) * MS_PER_MINUTE))
  return candidates.length > 0 && spec.matches(new Date(candidates[0]!)) ? candidates : []
}

/** Slots `s` with `after < s <= until`, oldest first. */
export function slotsBetween(spec: CronSpec, after: Date, until: Date): Date[] {
  const [from, to] = [after.getTime(), until.getTime()]
  const slots: Date[] = []
  for (let day = seoulDay(from); day <= seoulDay(to); day++) {
    for (const slot of slotsOfDay(spec, day)) if (slot > from && slot <= to) slots.push(new Date(slot))
  }
  return slots
}

/** The newest slot at or before `at`, looking back at most `lookbackDays`; undefined if none. */
export function latestSlotAtOrBefore(spec: CronSpec, at: Date, lookbackDays = 400): Date | undefined {
  const limit = at.getTime()
  const first = seoulDay(limit)
  for (let day = first; day >= first - lookbackDays; day--) {
    const slots = slotsOfDay(spec, day).filter((slot) => slot <= limit)
    if (slots.length > 0) return new Date(slots[slots.length - 1]!)
  }
  return undefined
}

/** The first slot strictly after `at`, looking ahead at most `lookaheadDays`; undefined if none. */
export function nextSlotAfter(spec: CronSpec, at: Date, lookaheadDays = 400): Date | undefined {
  const limit = at.getTime()
  const first = seoulDay(limit)
  for (let day = first; day <= first + lookaheadDays; day++) {
    const slot = slotsOfDay(spec, day).find((candidate) => candidate > limit)
    if (slot !== undefined) return new Date(slot)
  }
  return undefined
}
