import { isTradingDay, type TradeDate } from '@kmd/core'
import { BoundedCache } from './bounded-cache.ts'
import { dailyQuote, type DailyQuote } from './daily-quote.ts'
import { sessionFlows } from './investor-flows.ts'
import { minuteBars, type MinuteBar } from './minute-bars.ts'
import { PricePath } from './price-path.ts'
import { TradingDayIndex } from './trading-day-index.ts'
import { buildUniverse, type ListedStock } from './universe.ts'

export interface SyntheticMarketOptions {
  seed: number
  stockCount: number
}

export interface MarketSession {
  date: TradeDate
  /** Trading-day number (consecutive over sessions). */
  n: number
  /** One quote per listed stock, in listing (name) order. */
  quotes: readonly DailyQuote[]
}

/**
 * A deterministic market that can answer for any date: the listing is fixed per seed, each
 * session is computed on first use and kept in a bounded cache. Non-trading days (per the core
 * KRX calendar) have no session.
 */
export class SyntheticMarket {
  readonly stocks: readonly ListedStock[]
  private readonly path: PricePath
  private readonly days = new TradingDayIndex()
  private readonly sessions = new BoundedCache<TradeDate, MarketSession>(400)
  private readonly flows = new BoundedCache<TradeDate, Float64Array>(400)

  constructor(private readonly options: SyntheticMarketOptions) {
    this.stocks = buildUniverse(options.seed, options.stockCount)
    this.path = new PricePath(options.seed)
  }

  /** The session of a date, or undefined when KRX was closed that day. */
  session(date: TradeDate): MarketSession | undefined {
    if (!isTradingDay(date)) return undefined
    return this.sessions.getOrCreate(date, () => {
      const n = this.days.ordinal(date)
      return { date, n, quotes: this.stocks.map((stock) => dailyQuote(this.path, this.options.seed, stock, n)) }
    })
  }

  /** The minute bars of the stock at `index` in a session, on the path of its daily quote (`minuteBars`). */
  minuteBars(session: MarketSession, index: number): MinuteBar[] {
    const quote = session.quotes[index]
    return quote ? minuteBars(quote, this.path.grid(quote.stock, session.n), this.options.seed, session.n) : []
  }

  /** Investor flows of a session, laid out as `sessionFlows` describes. */
  sessionFlows(session: MarketSession): Float64Array {
    return this.flows.getOrCreate(session.date, () => sessionFlows(this.options.seed, session.n, session.quotes))
  }
}
