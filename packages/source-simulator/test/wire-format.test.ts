import { describe, expect, test } from 'vitest'
import { formatNumber, formatRate, krxDateTime, parseCompactDate } from '../src/krx/wire-format.ts'

describe('KRX wire format', () => {
  test('numbers have thousands separators and a leading minus', () => {
    expect(formatNumber(0)).toBe('0')
    expect(formatNumber(999)).toBe('999')
    expect(formatNumber(1_000)).toBe('1,000')
    expect(formatNumber(-1_700)).toBe('-1,700')
    expect(formatNumber(-170)).toBe('-170')
    expect(formatNumber(12_345_678_901_234_567_890n)).toBe('12,345,678,901,234,567,890')
  })

  test('rates have two decimals and no negative zero', () => {
    expect(formatRate(4.385)).toBe('4.38')
    expect(formatRate(-0.7599)).toBe('-0.76')
    expect(formatRate(-0.001)).toBe('0.00')
  })

  test('CURRENT_DATETIME is Korean time on a 12-hour clock', () => {
    expect(krxDateTime(new Date('2026-01-25T11:27:14Z'))).toBe('2026.01.25 PM 08:27:14')
    expect(krxDateTime(new Date('2026-01-25T15:05:00Z'))).toBe('2026.01.26 AM 12:05:00')
    expect(krxDateTime(new Date('2026-01-25T03:00:09Z'))).toBe('2026.01.25 PM 12:00:09')
  })

  test('request dates are YYYYMMDD and must exist', () => {
    expect(parseCompactDate('20210104')).toBe('2021-01-04')
    expect(parseCompactDate('20210230')).toBeUndefined()
    expect(parseCompactDate('2021-01-04')).toBeUndefined()
    expect(parseCompactDate(undefined)).toBeUndefined()
  })
})
