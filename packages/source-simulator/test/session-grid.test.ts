import { isTradingDay } from '@kmd/core'
import { describe, expect, test } from 'vitest'
import { SessionGrid } from '../src/krx/session-grid.ts'
import { TradingDayIndex } from '../src/krx/trading-day-index.ts'

describe('a session grid: the tick table of the market and day, and the day\'s limit', () => {
  test('limits are ±30% of the base since 2015-06-15, truncated onto the grid and never beyond the limit', () => {
    const grid = new SessionGrid('KOSPI', '2024-03-04')
    expect(grid.upperLimit(1_000)).toBe(1_300)
    expect(grid.lowerLimit(1_000)).toBe(700)
    // 835 -> 1,085.5 -> 1,085 (the real SH에너지화학 upper limit on 2021-01-04)
    expect(grid.upperLimit(835)).toBe(1_085)
    expect(grid.upperLimit(137_000)).toBe(178_100)
    expect(grid.lowerLimit(10_030)).toBe(7_030)
  })

  test('before 2023-01-25 the limit lands on the grid of the stock\'s market', () => {
    expect(new SessionGrid('KOSPI', '2021-01-05').upperLimit(137_000)).toBe(178_000)
    expect(new SessionGrid('KOSDAQ', '2021-01-05').upperLimit(137_000)).toBe(178_100)
    expect(new SessionGrid('KOSPI', '2021-01-05').lowerLimit(20_030)).toBe(14_050)
    expect(new SessionGrid('KOSPI', '2024-03-04').lowerLimit(20_030)).toBe(14_030)
  })

  test('before 2015-06-15 the limit is ±15%', () => {
    const grid = new SessionGrid('KOSPI', '2015-06-12')
    expect(grid.limitPercent).toBe(15)
    expect(grid.upperLimit(1_000)).toBe(1_150)
    expect(grid.lowerLimit(1_000)).toBe(850)
    expect(new SessionGrid('KOSPI', '2015-06-15').upperLimit(1_000)).toBe(1_300)
  })

  test('days before the first known tick table are priced on it', () => {
    expect(new SessionGrid('KOSPI', '2009-03-02').round(150_260)).toBe(150_500)
    expect(new SessionGrid('KOSDAQ', '2009-03-02').round(150_260)).toBe(150_300)
  })
})

describe('trading day numbers', () => {
  test('dateOf is the inverse of ordinal, across years and before the epoch', () => {
    const index = new TradingDayIndex()
    for (const date of ['2009-01-02', '2014-12-30', '2015-01-02', '2015-06-15', '2021-01-04', '2023-01-25', '2026-12-30']) {
      expect(isTradingDay(date)).toBe(true)
      expect(new TradingDayIndex().dateOf(index.ordinal(date))).toBe(date)
    }
    expect(index.dateOf(index.ordinal('2021-01-04') - 1)).toBe('2020-12-30')
  })
})
