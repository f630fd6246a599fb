import { isTradingDay, type TradeDate } from '@kmd/core'

/**
 * Numbers trading days consecutively (0 = the first trading day of 2015), so price paths
 * step once per session whatever the holidays, and "the previous session" is just n - 1.
 */
const EPOCH_YEAR = 2015

export class TradingDayIndex {
  private readonly daysInYear = new Map<number, number>()
  private readonly ordinals = new Map<TradeDate, number>()
  private readonly dates = new Map<number, TradeDate>()

  /** The number of a trading day; the caller checks that `date` is one. */
  ordinal(date: TradeDate): number {
    const cached = this.ordinals.get(date)
    if (cached !== undefined) return cached
    const year = Number(date.slice(0, 4))
    let ordinal = 0
    for (let y = EPOCH_YEAR; y < year; y++) ordinal += this.tradingDaysIn(y)
    for (let y = year; y < EPOCH_YEAR; y++) ordinal -= this.tradingDaysIn(y)
    ordinal += tradingDaysOfYearBefore(date)
    this.ordinals.set(date, ordinal)
    return ordinal
  }

  /** The trading day numbered `n`: the inverse of `ordinal`. */
  dateOf(n: number): TradeDate {
    const cached = this.dates.get(n)
    if (cached !== undefined) return cached
    // January 1st is never a trading day, so its ordinal is the number of the year's first session.
    let year = EPOCH_YEAR + Math.floor(n / 250)
    while (this.ordinal(`${year}-01-01`) > n) year--
    while (this.ordinal(`${year + 1}-01-01`) <= n) year++
    let ordinal = this.ordinal(`${year}-01-01`)
    const day = new Date(Date.UTC(year, 0, 1))
    for (;;) {
      const text = day.toISOString().slice(0, 10)
      if (isTradingDay(text) && ordinal++ === n) {
        this.dates.set(n, text)
        return text
      }
      day.setUTCDate(day.getUTCDate() + 1)
    }
  }

  private tradingDaysIn(year: number): number {
    let count = this.daysInYear.get(year)
    if (count === undefined) {
      count = tradingDaysOfYearBefore(`${year + 1}-01-01`, year)
      this.daysInYear.set(year, count)
    }
    return count
  }
}

/** Trading days from January 1st of `year` (default: the date's own year) up to, not including, `date`. */
function tradingDaysOfYearBefore(date: TradeDate, year = Number(date.slice(0, 4))): number {
  let count = 0
  const day = new Date(Date.UTC(year, 0, 1))
  for (let text = day.toISOString().slice(0, 10); text < date; ) {
    if (isTradingDay(text)) count++
    day.setUTCDate(day.getUTCDate() + 1)
    text = day.toISOString().slice(0, 10)
  }
  return count
}
