import { describe, expect, test } from 'vitest'
import { inGroups, splitDateRange, toInfomaxDate } from '../src/index.ts'

describe('splitDateRange (30-day request windows)', () => {
  test('keeps a range of up to 30 calendar days in one window', () => {
    expect(splitDateRange('2025-03-04', '2025-03-04', 30)).toEqual([{ from: '2025-03-04', to: '2025-03-04' }])
    expect(splitDateRange('2025-03-01', '2025-03-30', 30)).toEqual([{ from: '2025-03-01', to: '2025-03-30' }])
  })

  test('splits the 31st day into a second window', () => {
    expect(splitDateRange('2025-03-01', '2025-03-31', 30)).toEqual([
      { from: '2025-03-01', to: '2025-03-30' },
      { from: '2025-03-31', to: '2025-03-31' },
    ])
  })

  test('covers a long range with consecutive windows, every day exactly once, across month, leap day and year ends', () => {
    const windows = splitDateRange('2023-12-15', '2024-03-20', 30)
    expect(windows).toEqual([
      { from: '2023-12-15', to: '2024-01-13' },
      { from: '2024-01-14', to: '2024-02-12' },
      { from: '2024-02-13', to: '2024-03-13' },
      { from: '2024-03-14', to: '2024-03-20' },
    ])
    const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1
    expect(windows.reduce((sum, window) => sum + days(window.from, window.to), 0)).toBe(days('2023-12-15', '2024-03-20'))
    for (const window of windows) expect(days(window.from, window.to)).toBeLessThanOrEqual(30)
  })

  test('refuses a reversed range, an impossible date and a window size below one', () => {
    expect(() => splitDateRange('2025-03-05', '2025-03-04', 30)).toThrow(RangeError)
    expect(() => splitDateRange('2025-02-30', '2025-03-04', 30)).toThrow(/real YYYY-MM-DD/)
    expect(() => splitDateRange('2025-03-01', '2025-03-04', 0)).toThrow(RangeError)
  })
})

describe('request helpers', () => {
  test('writes dates as YYYYMMDD and groups codes for comma-separated requests', () => {
    expect(toInfomaxDate('2025-03-04')).toBe('20250304')
    expect(inGroups(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']])
    expect(inGroups([], 20)).toEqual([])
  })
})
