import { describe, expect, test } from 'vitest'
import { apportion } from '../src/krx/apportion.ts'

describe('apportion', () => {
  test('parts add up to exactly the total, even for totals beyond float precision of the shares', () => {
    for (const total of [0, 1, 7, 1_000_003, 98_765_432_109_876]) {
      const parts = apportion(total, [0.55, 0.28, 0.06, 0.03, 0.012, 0.003])
      expect(parts.reduce((sum, part) => sum + part, 0)).toBe(total)
      for (const part of parts) expect(Number.isInteger(part) && part >= 0).toBe(true)
    }
  })

  test('a zero weight always gets zero and parts follow the weights', () => {
    expect(apportion(10, [1, 0, 1])).toEqual([5, 0, 5])
    expect(apportion(3, [0, 0, 5])).toEqual([0, 0, 3])
    expect(apportion(5, [0, 0])).toEqual([0, 0])
  })
})
