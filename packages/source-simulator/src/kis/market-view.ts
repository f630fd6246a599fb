import { isTradingDay, previousTradingDay, type TradeDate } from '@kmd/core'
import type { DailyQuote } from '../krx/daily-quote.ts'
import type { MarketSession, SyntheticMarket } from '../krx/synthetic-market.ts'

/** One stock's quote in one session, with the position that indexes the session's flows. */
export interface StockSession {
  session: MarketSession
  quote: DailyQuote
  /** Index of the stock in `session.quotes` (and in the session's flows). */
  index: number
}

/**
 * The KRX routes' synthetic market seen one stock at a time, as KIS serves it: the same
 * sessions, so KIS and KRX agree on every price of a stock and day.
 */
export class KisMarketView {
  private indexByCode: Map<string, number> | undefined

  constructor(readonly market: SyntheticMarket) {}

  indexOf(stockCode: string): number | undefined {
    this.indexByCode ??= new Map(this.market.stocks.map((stock, index) => [stock.code, index]))
    return this.indexByCode.get(stockCode)
  }

  /** The stock's session on a date, or undefined when the market was closed. */
  on(date: TradeDate, index: number): StockSession | undefined {
    const session = this.market.session(date)
    const quote = session?.quotes[index]
    return session && quote ? { session, quote, index } : undefined
  }

  /** Up to `count` sessions of a stock on or before `date`, newest first, none before `notBefore`. */
  sessionsBack(date: TradeDate, index: number, count: number, notBefore?: TradeDate): StockSession[] {
    const sessions: StockSession[] = []
    let day = isTradingDay(date) ? date : previousTradingDay(date)
    while (sessions.length < count && (notBefore === undefined || day >= notBefore)) {
      const found = this.on(day, index)
      if (found) sessions.push(found)
      day = previousTradingDay(day)
    }
    return sessions
  }
}
