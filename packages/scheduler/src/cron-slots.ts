/**
 * Cron-slot arithmetic in Korea time: pure functions of instants, no clock and no I/O, so the
 * scheduler loop only asks "which slots fall in this window?" and tests can ask the same with
 * any instant they like.
 *
 * Asia/Seoul wall time is the UTC instant plus nine hours all year (`SEOUL_OFFSET_MS`, core).
 *
 * Expressions have five fields: minute hour day-of-month month day-of-week, each `*`, a
 * number, a range `a-b`, either of those followed by a step `/n`, or a comma list of those;
 * months and weekdays may be named (JAN, MON). Day-of-week 0 and 7 are Sunday. Both day fields must match (the
 * rule node-cron fires by, unlike Vixie cron's "either").
 */

import { SEOUL_OFFSET_MS, seoulDate } from '@kmd/core'

// A slot's trade date is its calendar day in Korea: re-exported for the scheduler's callers.
export { seoulDate }

export interface CronSpec {
  readonly expression: string
  readonly minutes: readonly number[]
  readonly hours: readonly number[]
  readonly daysOfMonth: ReadonlySet<number>
  readonly months: ReadonlySet<number>
  /** 0 = Sunday … 6 = Saturday */
  readonly daysOfWeek: ReadonlySet<number>
}

const MS_PER_DAY = 86_400_000
const MS_PER_MINUTE = 60_000

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

interface FieldRule {
  name: string
  min: number
  max: number
  names?: readonly string[]
  /** Value of names[0] (JAN = 1, SUN = 0). */
  nameBase?: number
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: WEEKDAY_NAMES, nameBase: 0 },
]

export class CronSyntaxError extends Error {
  constructor(expression: string, problem: string) {
    super(`invalid cron expression "${expression}": ${problem}`)
    this.name = 'CronSyntaxError'
  }
}

/** Parses a five-field expression; throws CronSyntaxError naming the field at fault. */
export function parseCron(expression: string): CronSpec {
  const parts = expression.trim().split(/\s+/)
  if (parts.length !== 5) throw new CronSyntaxError(expression, `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`)
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((part, index) => parseField(expression, part, FIELDS[index]!))
  return {
    expression: parts.join(' '),
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: new Set(daysOfMonth),
    months: new Set(months),
    daysOfWeek: new Set(daysOfWeek!.map((day) => day % 7)),
  }
}

function parseField(expression: string, text: string, rule: FieldRule): number[] {
  const values = new Set<number>()
  for (const item of text.split(',')) {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(item)
    if (!match) throw new CronSyntaxError(expression, `${rule.name}: cannot read "${item}"`)
    const [, range, stepText] = match
    const step = stepText === undefined ? 1 : Number(stepText)
    if (step < 1) throw new CronSyntaxError(expression, `${rule.name}: step must be at least 1`)
    let from: number
    let to: number
    if (range === '*') {
      ;[from, to] = [rule.min, rule.max]
    } else {
      const bounds = range!.split('-')
      if (bounds.length > 2) throw new CronSyntaxError(expression, `${rule.name}: cannot read "${item}"`)
      from = fieldValue(expression, bounds[0]!, rule)
      to = bounds.length === 2 ? fieldValue(expression, bounds[1]!, rule) : stepText === undefined ? from : rule.max
      if (to < from) throw new CronSyntaxError(expression, `${rule.name}: range ${range} runs backwards`)
    }
    for (let value = from; value <= to; value += step) values.add(value)
  }
  return [...values].sort((a, b) => a - b)
}

function fieldValue(expression: string, text: string, rule: FieldRule): number {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1
  const value = named >= 0 ? named + (rule.nameBase ?? 0) : /^\d+$/.test(text) ? Number(text) : Number.NaN
  if (!Number.isInteger(value) || value < rule.min || value > rule.max) {
    throw new CronSyntaxError(expression, `${rule.name}: "${text}" is not in ${rule.min}-${rule.max}`)
  }
  return value
}


/** `2026-11-18T18:30+09:00`: an instant as Korea wall time, for logs and alerts. */
export function seoulTime(instant: Date): string {
  return `${new Date(instant.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 16)}+09:00`
}

// Korea day number (days since 1970-01-01 in KST) of an instant.
function seoulDay(ms: number): number {
  return Math.floor((ms + SEOUL_OFFSET_MS) / MS_PER_DAY)
}

function dayMatches(spec: CronSpec, day: number): boolean {
  const date = new Date(day * MS_PER_DAY)
  return spec.months.has(date.getUTCMonth() + 1) && spec.daysOfMonth.has(date.getUTCDate()) && spec.daysOfWeek.has(date.getUTCDay())
}

// The slots of one Korea day in ascending order, as UTC milliseconds.
function slotsOfDay(spec: CronSpec, day: number): number[] {
  if (!dayMatches(spec, day)) return []
  const midnight = day * MS_PER_DAY - SEOUL_OFFSET_MS
  return spec.hours.flatMap((hour) => spec.minutes.map((minute) => midnight + (hour * 60 + minute) * MS_PER_MINUTE))
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
