import { afterEach, describe, expect, test, vi } from 'vitest'
import { CronSyntaxError, fireAtSlots, latestSlotAtOrBefore, nextSlotAfter, parseCron, seoulDate, seoulTime, slotsBetween } from '../src/cron-slots.ts'

const at = (iso: string) => new Date(iso)
const isoList = (slots: Date[]) => slots.map((slot) => slot.toISOString())

describe('cron slots in Korea time', () => {
  test('18:30 KST is 09:30 UTC: the OHLCV slot falls in a window around it and not before', () => {
    const spec = parseCron('30 18 * * 1-5')
    expect(isoList(slotsBetween(spec, at('2026-11-18T09:29:00Z'), at('2026-11-18T09:30:00Z')))).toEqual(['2026-11-18T09:30:00.000Z'])
    expect(slotsBetween(spec, at('2026-11-18T09:00:00Z'), at('2026-11-18T09:29:59.999Z'))).toEqual([])
    // the window is (after, until]: a slot exactly at `after` belongs to the previous window
    expect(slotsBetween(spec, at('2026-11-18T09:30:00Z'), at('2026-11-18T10:30:00Z'))).toEqual([])
  })

  test('07:30 KST belongs to the Korean day even though it is the previous evening in UTC', () => {
    const spec = parseCron('30 7 * * 1-5')
    // Monday 2026-11-16 07:30 KST = Sunday 22:30 UTC
    const [slot] = slotsBetween(spec, at('2026-11-15T20:00:00Z'), at('2026-11-15T23:00:00Z'))
    expect(slot?.toISOString()).toBe('2026-11-15T22:30:00.000Z')
    expect(seoulDate(slot!)).toBe('2026-11-16')
    expect(seoulTime(slot!)).toBe('2026-11-16T07:30+09:00')
  })

  test('weekdays are Korean weekdays: no slot on a Korean Saturday or Sunday', () => {
    const spec = parseCron('30 18 * * 1-5')
    const week = slotsBetween(spec, at('2026-11-15T15:00:00Z'), at('2026-11-22T15:00:00Z')) // Mon 00:00 KST .. next Mon 00:00 KST
    expect(week.map(seoulDate)).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'])
  })

  test('a weekly expression fires once a week, named weekdays and 7 for Sunday work', () => {
    expect(slotsBetween(parseCron('30 7 * * MON'), at('2026-11-01T00:00:00Z'), at('2026-12-01T00:00:00Z')).map(seoulDate)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'])
    expect(slotsBetween(parseCron('0 12 * * 7'), at('2026-11-01T00:00:00Z'), at('2026-11-15T00:00:00Z')).map(seoulDate)).toEqual(['2026-11-01', '2026-11-08'])
  })

  test('steps, ranges and lists', () => {
    const spec = parseCron('*/20 9-10 1,15 * *')
    expect(spec.minutes).toEqual([0, 20, 40])
    expect(spec.hours).toEqual([9, 10])
    const slots = slotsBetween(spec, at('2026-11-30T00:00:00Z'), at('2026-12-02T00:00:00Z'))
    expect(slots.map(seoulTime)).toEqual(['2026-12-01T09:00+09:00', '2026-12-01T09:20+09:00', '2026-12-01T09:40+09:00', '2026-12-01T10:00+09:00', '2026-12-01T10:20+09:00', '2026-12-01T10:40+09:00'])
  })

  test('both day fields must match, as node-cron fires', () => {
    // the 13th that is a Friday: 2026-11-13
    const slots = slotsBetween(parseCron('0 0 13 * 5'), at('2026-01-01T00:00:00Z'), at('2026-12-31T00:00:00Z'))
    expect(slots.map(seoulDate)).toEqual(['2026-02-13', '2026-03-13', '2026-11-13'])
  })

  test('latest and next slot around an instant', () => {
    const spec = parseCron('0 19 * * 1-5')
    expect(latestSlotAtOrBefore(spec, at('2026-11-23T03:00:00Z'))?.toISOString()).toBe('2026-11-20T10:00:00.000Z') // Monday noon KST → Friday 19:00
    expect(latestSlotAtOrBefore(spec, at('2026-11-20T10:00:00Z'))?.toISOString()).toBe('2026-11-20T10:00:00.000Z')
    expect(nextSlotAfter(spec, at('2026-11-20T10:00:00Z'))?.toISOString()).toBe('2026-11-23T10:00:00.000Z')
    // the next 29 February is in 2028, beyond the 400 days looked at
    expect(nextSlotAfter(parseCron('0 0 29 2 *'), at('2026-01-01T00:00:00Z'))).toBeUndefined()
  })

  test('a backwards range wraps past midnight, as node-cron reads it', () => {
    const spec = parseCron('30 22-1 * * *')
    expect(spec.hours).toEqual([0, 1, 22, 23])
    expect(slotsBetween(spec, at('2026-11-18T12:00:00Z'), at('2026-11-18T17:00:00Z')).map(seoulTime)).toEqual(['2026-11-18T22:30+09:00', '2026-11-18T23:30+09:00', '2026-11-19T00:30+09:00', '2026-11-19T01:30+09:00'])
  })

  test('expressions node-cron refuses are refused with the job, the expression and the field at fault', () => {
    expect(() => parseCron('30 18 * *')).toThrow(CronSyntaxError)
    expect(() => parseCron('30 18 * *')).toThrow(/expected 5 or 6 fields but got 4/)
    expect(() => parseCron('61 18 * * *', 'ohlcv_daily')).toThrow('job ohlcv_daily: invalid cron expression "61 18 * * *": minute: 61 is a invalid expression for minute')
    expect(() => parseCron('30 18 * * FUNDAY')).toThrow(/dayOfWeek: FUNDAY/)
    expect(() => parseCron('*/0 * * * *')).toThrow(/minute/)
    expect(() => parseCron('0 0 30 2 *')).toThrow(/impossible day of month/)
    // a slot is a whole minute: node-cron's optional seconds field may only say 0
    expect(() => parseCron('*/10 30 18 * * *')).toThrow(/second: slots are whole minutes/)
    expect(parseCron('0 30 18 * * *').hours).toEqual([18])
  })
})

describe('firing and listing agree', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined }
  const from = at('2025-12-31T15:00:00Z') // 2026-01-01 00:00 KST
  const until = at('2026-12-31T15:00:00Z')

  // The default daily and weekly slots; both day fields (Friday the 13th); named months and
  // days; steps, lists and a range wrapping past midnight; the last day of the month.
  test.each(['30 18 * * 1-5', '30 7 * * 1', '0 0 13 * 5', '30 7 * JAN,NOV MON', '*/20 9-10 1,15 * *', '15 22-1 * * SAT-SUN', '0 12 L * *'])(
    'node-cron fires %s in Asia/Seoul at exactly the listed slots of 2026',
    async (expression) => {
      vi.useFakeTimers({ now: from, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
      const spec = parseCron(expression)
      const fired: string[] = []
      const task = fireAtSlots(spec, (slot) => fired.push(slot.toISOString()), { name: `agreement ${expression}`, logger: silent })
      await vi.advanceTimersByTimeAsync(until.getTime() - from.getTime())
      await task.destroy()
      const listed = isoList(slotsBetween(spec, from, until))
      expect(listed.length).toBeGreaterThan(0)
      expect(fired).toEqual(listed)
    },
  )
})
