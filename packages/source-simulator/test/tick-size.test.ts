import { describe, expect, test } from 'vitest'
import { ceilToTick, floorToTick, isOnTickGrid, lowerLimit, roundToTick, tickSize, upperLimit } from '../src/krx/tick-size.ts'

describe('KRX tick grid (unified table since 2023-01-25)', () => {
  test.each([
    [1_999, 1],
    [2_000, 5],
    [4_995, 5],
    [5_000, 10],
    [19_990, 10],
    [20_000, 50],
    [49_950, 50],
    [50_000, 100],
    [199_900, 100],
    [200_000, 500],
    [499_500, 500],
    [500_000, 1_000],
  ])('a price of %i moves in steps of %i', (price, tick) => {
    expect(tickSize(price)).toBe(tick)
  })

  test('rounding near a band edge lands on the grid of the band it lands in', () => {
    expect(roundToTick(1_999.6)).toBe(2_000)
    expect(floorToTick(2_004)).toBe(2_000)
    expect(ceilToTick(4_996)).toBe(5_000)
    expect(isOnTickGrid(2_003)).toBe(false)
    expect(isOnTickGrid(2_005)).toBe(true)
  })

  test('limits are ±30% of the base, truncated onto the grid and never beyond 30%', () => {
    expect(upperLimit(1_000)).toBe(1_300)
    expect(lowerLimit(1_000)).toBe(700)
    // 835 -> 1,085.5 -> 1,085 (the real SH에너지화학 upper limit on 2021-01-04)
    expect(upperLimit(835)).toBe(1_085)
    // 178,100 on today's grid; under the pre-2023 KOSPI table (500 won steps) it was 178,000.
    expect(upperLimit(137_000)).toBe(178_100)
    expect(lowerLimit(10_030)).toBe(7_030)
  })
})
