import { describe, expect, test } from 'vitest'
import { tickSize, weekdaysTrade } from '../src/index.ts'

describe('pure helpers', () => {
  test('tick sizes follow the KRX bands, lower bound inclusive', () => {
    expect([1_999, 2_000, 4_995, 5_000, 19_990, 20_000, 49_950, 50_000, 199_900, 200_000, 499_500, 500_000, 1_500_000].map(tickSize)).toEqual([
      1, 5, 5, 10, 10, 50, 50, 100, 100, 500, 500, 1_000, 1_000,
    ])
  })

  test('without a calendar, weekdays trade and weekends do not', () => {
    expect(['2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08'].map(weekdaysTrade)).toEqual([true, false, false, true])
  })
})
