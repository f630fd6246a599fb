import { sessionMinuteBars } from '@kmd/core'
import { describe, expect, test } from 'vitest'
import { SyntheticMarket } from '../src/krx/synthetic-market.ts'
import { SessionGrid } from '../src/krx/session-grid.ts'
import { MARKET_NAMES } from '../src/krx/universe.ts'

const market = new SyntheticMarket({ seed: 7, stockCount: 300 })
// A regular day, a first session of the year (opens at 10:00), a CSAT day (10:00–16:30) and a
// day before the session was extended to 15:30.
const DAYS = ['2025-03-04', '2025-01-02', '2025-11-13', '2016-07-01']

describe('synthetic minute bars', () => {
  test.each(DAYS)('on %s every traded stock’s bars rebuild its daily bar exactly, inside its range and on its tick grid', (date) => {
    const session = market.session(date)!
    let traded = 0
    session.quotes.forEach((quote, index) => {
      const bars = market.minuteBars(session, index)
      if (quote.volume === 0) {
        expect(bars).toEqual([])
        return
      }
      traded++
      const grid = new SessionGrid(MARKET_NAMES[quote.stock.market], date)
      expect(bars.map((bar) => bar.time)).toEqual(sessionMinuteBars(date))
      expect(bars[0]!.open).toBe(quote.open)
      expect(bars.at(-1)!.close).toBe(quote.close)
      expect(Math.max(...bars.map((bar) => bar.high))).toBe(quote.high)
      expect(Math.min(...bars.map((bar) => bar.low))).toBe(quote.low)
      expect(bars.reduce((sum, bar) => sum + bar.volume, 0)).toBe(quote.volume)
      expect(bars.reduce((sum, bar) => sum + bar.value, 0)).toBe(quote.value)
      // Checked in plain code and asserted once: a million expect() calls would take minutes.
      const problems: string[] = []
      for (const [i, bar] of bars.entries()) {
        const at = `${quote.stock.code} ${bar.time}`
        if (bar.low > Math.min(bar.open, bar.close) || bar.high < Math.max(bar.open, bar.close)) problems.push(`${at}: OHLC inconsistent`)
        if (![bar.open, bar.high, bar.low, bar.close].every((price) => grid.isOnGrid(price))) problems.push(`${at}: off the tick grid`)
        // A minute without a trade stays at the last price.
        if (bar.volume === 0 && !(bar.open === bar.close && bar.high === bar.close && bar.low === bar.close)) problems.push(`${at}: moved without a trade`)
        // Continuous trading resumes where the last minute ended; the auction trades at its own price.
        if (i > 0 && i < bars.length - 1 && bar.open !== bars[i - 1]!.close) problems.push(`${at}: opens away from the last close`)
      }
      expect(problems).toEqual([])
      // The closing auction trades once, at the close.
      expect(bars.at(-1)).toMatchObject({ open: quote.close, high: quote.close, low: quote.close })
    })
    expect(traded).toBeGreaterThan(250)
  })

  test('a halted stock has no bars, and the bars of a day are the same however often they are asked', () => {
    const session = market.session('2025-03-04')!
    const halted = session.quotes.findIndex((quote) => quote.volume === 0)
    if (halted >= 0) expect(market.minuteBars(session, halted)).toEqual([])
    expect(market.minuteBars(session, 3)).toEqual(market.minuteBars(market.session('2025-03-04')!, 3))
  })
})
