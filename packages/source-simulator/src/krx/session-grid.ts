import { ceilToTick, dailyLimitPercent, floorToTick, isOnTickGrid, roundToTick, TICKS_KNOWN_SINCE, type Market, type TradeDate } from '@kmd/core'

/**
 * A stock's KRX price rules in one session, from core's dated tables: the tick table of its
 * market on that day and the day's price limit. The simulator answers for any date, so days
 * before the first known tick table are priced on that table.
 */
export class SessionGrid {
  readonly limitPercent: number
  private readonly tickDay: TradeDate

  constructor(
    readonly market: Market,
    readonly date: TradeDate,
  ) {
    this.limitPercent = dailyLimitPercent(date)
    this.tickDay = date < TICKS_KNOWN_SINCE ? TICKS_KNOWN_SINCE : date
  }

  round(price: number): number {
    return roundToTick(price, this.market, this.tickDay)
  }

  floor(price: number): number {
    return floorToTick(price, this.market, this.tickDay)
  }

  ceil(price: number): number {
    return ceilToTick(price, this.market, this.tickDay)
  }

  isOnGrid(price: number): boolean {
    return isOnTickGrid(price, this.market, this.tickDay)
  }

  // Integer arithmetic first (base * 130 is exact), so 1,000 gives 1,300 and not 1,299.
  /** Highest allowed price: base + limit, truncated to the grid. */
  upperLimit(base: number): number {
    return this.floor((base * (100 + this.limitPercent)) / 100)
  }

  /** Lowest allowed price: base - limit, rounded up onto the grid so the move stays within the limit. */
  lowerLimit(base: number): number {
    return Math.max(1, this.ceil((base * (100 - this.limitPercent)) / 100))
  }
}
