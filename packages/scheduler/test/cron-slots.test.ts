import { describe, expect, test } from 'vitest'
import { CronSyntaxError, latestSlotAtOrBefore, nextSlotAfter, parseCron, seoulDate, seoulTime, slotsBetween } from '../src/cron-slots.ts'

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
    expect(nextSlotAfter(parseCron('0 0 30 2 *'), at('2026-01-01T00:00:00Z'))).toBeUndefined()
  })

  test('malformed expressions are refused with the field at fault', () => {
    expect(() => parseCron('30 18 * *')).toThrow(CronSyntaxError)
    expect(() => parseCron('0 30 18 * * *')).toThrow(/expected 5 fields/)
    expect(() => parseCron('61 18 * * *')).toThrow(/minute: "61" is not in 0-59/)
    expect(() => parseCron('30 18 * * FUNDAY')).toThrow(/day of week/)
    expect(() => parseCron('30 18-9 * * *')).toThrow(/runs backwards/)
    expect(() => parseCron('*/0 * * * *')).toThrow(/step/)
  })
})
