import { describe, expect, test } from 'vitest'
import { weekdaysTrade } from '../src/index.ts'

describe('pure helpers', () => {
  test('without a calendar, weekdays trade and weekends do not', () => {
    expect(['2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08'].map(weekdaysTrade)).toEqual([true, false, false, true])
  })
})
