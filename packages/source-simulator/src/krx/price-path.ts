import { unitHash } from './random.ts'
import { SessionGrid } from './session-grid.ts'
import { TradingDayIndex } from './trading-day-index.ts'
import { MARKET_NAMES, type ListedStock } from './universe.ts'

/**
 * Closing prices as a pure function of (seed, stock, trading-day number), computed in O(1)
 * for any day without walking the history before it.
 *
 * The log price is the stock's base level plus layers of interpolated value noise (periods of
 * 1 to 1,280 sessions, like a random walk seen at several scales) and a market-wide component,
 * plus rare limit moves that fade out over 30 sessions. Every layer moves a bounded amount per
 * session (at most 2 x amplitude / period), about 10% in total at the most volatile, which keeps
 * each close inside the day's limit band around the previous one (±30%; ±15% before 2015-06-15,
 * where the clamp in dailyQuote guards the rare larger step). Prices lie on the tick table of
 * the stock's market on the session's date.
 */

export type DayEvent = 'none' | 'halt' | 'limitUp' | 'limitDown'

interface Layer {
  period: number
  amplitude: number
  salt: number
}

const OWN_LAYERS: readonly Layer[] = [
  { period: 1, amplitude: 0.018, salt: 101 },
  { period: 5, amplitude: 0.04, salt: 102 },
  { period: 20, amplitude: 0.1, salt: 103 },
  { period: 80, amplitude: 0.2, salt: 104 },
  { period: 320, amplitude: 0.35, salt: 105 },
  { period: 1280, amplitude: 0.5, salt: 106 },
]
const MARKET_LAYERS: readonly Layer[] = [
  { period: 1, amplitude: 0.006, salt: 201 },
  { period: 20, amplitude: 0.04, salt: 202 },
  { period: 250, amplitude: 0.15, salt: 203 },
]
// Market-wide layers are hashed under this key instead of a stock's.
const MARKET_KEY = -1

const EVENT_SALT = 1
const HALT_CHANCE = 0.004
const LIMIT_UP_CHANCE = 0.003
const LIMIT_DOWN_CHANCE = 0.0012
const JUMP_FADE_SESSIONS = 30

export class PricePath {
  private readonly days = new TradingDayIndex()

  constructor(private readonly seed: number) {}

  /** The price rules of a stock's session n: its market's tick table and the limit of that day. */
  grid(stock: ListedStock, n: number): SessionGrid {
    return new SessionGrid(MARKET_NAMES[stock.market], this.days.dateOf(n))
  }

  /**
   * What happens to a stock in session n. Events never fall on two sessions in a row, so the
   * session before an event always closes on its ordinary path.
   */
  event(stock: ListedStock, n: number): DayEvent {
    if (this.candidateEvent(stock, n - 1) !== 'none') return 'none'
    return this.candidateEvent(stock, n)
  }

  /** The close of session n as the path defines it (before the quote's own sanity clamp). */
  close(stock: ListedStock, n: number): number {
    if (stock.suspended) return this.grid(stock, n).round(stock.basePrice)
    switch (this.event(stock, n)) {
      case 'none':
        return this.pathClose(stock, n)
      case 'halt':
        return this.pathClose(stock, n - 1)
      case 'limitUp':
        return this.grid(stock, n).upperLimit(this.pathClose(stock, n - 1))
      case 'limitDown':
        return this.grid(stock, n).lowerLimit(this.pathClose(stock, n - 1))
    }
  }

  private pathClose(stock: ListedStock, n: number): number {
    return this.grid(stock, n).round(Math.exp(this.logPrice(stock, n)))
  }

  private logPrice(stock: ListedStock, n: number): number {
    let level = Math.log(stock.basePrice)
    for (const layer of OWN_LAYERS) level += stock.volatility * this.valueNoise(stock.key, layer, n)
    for (const layer of MARKET_LAYERS) level += stock.beta * this.valueNoise(MARKET_KEY, layer, n)
    for (let age = 0; age < JUMP_FADE_SESSIONS; age++) {
      const event = this.event(stock, n - age)
      if (event === 'limitUp' || event === 'limitDown') {
        const limit = this.grid(stock, n - age).limitPercent / 100
        const jump = Math.log(event === 'limitUp' ? 1 + limit : 1 - limit)
        level += jump * (1 - age / JUMP_FADE_SESSIONS)
      }
    }
    return level
  }

  private candidateEvent(stock: ListedStock, n: number): DayEvent {
    const u = unitHash(this.seed, stock.key, EVENT_SALT, n)
    if (u < HALT_CHANCE) return 'halt'
    if (u < HALT_CHANCE + LIMIT_UP_CHANCE) return 'limitUp'
    if (u < HALT_CHANCE + LIMIT_UP_CHANCE + LIMIT_DOWN_CHANCE) return 'limitDown'
    return 'none'
  }

  /** Linear interpolation between random lattice values every `period` sessions, in [-amplitude, amplitude]. */
  private valueNoise(key: number, layer: Layer, n: number): number {
    const cell = Math.floor(n / layer.period)
    const fraction = (n - cell * layer.period) / layer.period
    const left = 2 * unitHash(this.seed, key, layer.salt, cell) - 1
    if (fraction === 0) return layer.amplitude * left
    const right = 2 * unitHash(this.seed, key, layer.salt, cell + 1) - 1
    return layer.amplitude * (left + (right - left) * fraction)
  }
}
