import { describe, expect, test } from 'vitest'
import { DEFAULT_SEED, DEFAULT_STOCK_COUNT, SyntheticMarket } from '../src/index.ts'

const market = new SyntheticMarket({ seed: DEFAULT_SEED, stockCount: DEFAULT_STOCK_COUNT })

describe('the synthetic market from one session to the next', () => {
  // 2023-01-20 → 2023-01-25 (Seollal between) → 2023-01-26: the unified tick table came into
  // force on 2023-01-25; 2015-06-12 → 2015-06-15: the ±30% limit did.
  test.each([
    ['2023-01-20', '2023-01-25'],
    ['2023-01-25', '2023-01-26'],
    ['2015-06-12', '2015-06-15'],
  ])('every stock’s previous close on the session after %s is the close it showed that day (%s)', (before, after) => {
    const [first, second] = [market.session(before)!, market.session(after)!]
    const broken = second.quotes.filter((quote, index) => quote.previousClose !== first.quotes[index]!.close).map((quote) => quote.stock.code)
    expect(broken).toEqual([])
  })

  test('a suspended stock shows one price however the tick table changes', () => {
    const suspended = market.stocks.findIndex((stock) => stock.suspended)
    expect(suspended).toBeGreaterThanOrEqual(0)
    const closes = ['2022-12-29', '2023-01-25', '2023-01-26', '2026-11-20'].map((date) => market.session(date)!.quotes[suspended]!.close)
    expect(new Set(closes).size).toBe(1)
  })
})
