import { sessionMinuteBars } from '@kmd/core'
import { apportion } from './apportion.ts'
import type { DailyQuote } from './daily-quote.ts'
import { unitHash } from './random.ts'
import type { SessionGrid } from './session-grid.ts'

/** One minute of a stock's session; prices in won on the day's tick grid, value in won. */
export interface MinuteBar {
  /** `HH:MM` KST, the minute the bar starts (core's sessionMinuteBars). */
  time: string
  open: number
  high: number
  low: number
  close: number
  volume: number
  value: number
}

const HIGH_AT_SALT = 401
const LOW_AT_SALT = 402
const PRICE_NOISE_SALT = 403
const VOLUME_NOISE_SALT = 404
/** The closing auction's share of the day's volume weights, against one continuous minute's ~1. */
const AUCTION_WEIGHT_SHARE = 0.06
/** Wander of a minute's price off the line between anchors, as a share of the day's range. */
const PRICE_NOISE = 0.3

/**
 * A stock's minute bars in session n, on the path of its daily quote: the first bar opens at the
 * day's open, the closing auction's bar trades once at the day's close, the highest high and the
 * lowest low are the day's high and low, and volumes and values sum to the day's exactly. Between
 * its anchors (the open, the minutes of the day's high and low, the close) the price follows a
 * line with noise, inside the day's range and on its tick grid. A minute without volume does not
 * trade: its bar stays at the last price (a source that leaves such minutes out, as KIS does
 * unless asked for them, drops it). A halted or suspended stock has no bars.
 */
export function minuteBars(quote: DailyQuote, grid: SessionGrid, seed: number, n: number): MinuteBar[] {
  if (quote.volume === 0) return []
  const times = sessionMinuteBars(grid.date)
  const auction = times.length - 1
  const key = quote.stock.key
  const minuteAt = (salt: number) => Math.floor(unitHash(seed, key, salt, n) * auction)
  const highAt = minuteAt(HIGH_AT_SALT)
  const drawnLowAt = minuteAt(LOW_AT_SALT)
  const lowAt = drawnLowAt === highAt ? (highAt + 1) % auction : drawnLowAt

  const volumes = minuteVolumes(quote.volume, auction, [auction, 0, highAt, lowAt], (i) => unitHash(seed, key, VOLUME_NOISE_SALT, n * 1000 + i))
  const prices = minutePrices(quote, grid, auction, highAt, lowAt, (i) => unitHash(seed, key, PRICE_NOISE_SALT, n * 1000 + i))

  const bars: MinuteBar[] = []
  let last = quote.open
  for (let i = 0; i < auction; i++) {
    const close = volumes[i]! > 0 ? prices[i]! : last
    bars.push({ time: times[i]!, open: last, high: Math.max(last, close), low: Math.min(last, close), close, volume: volumes[i]!, value: 0 })
    last = close
  }
  bars.push({ time: times[auction]!, open: quote.close, high: quote.close, low: quote.close, close: quote.close, volume: volumes[auction]!, value: 0 })
  const values = apportion(quote.value, bars.map((bar) => bar.volume * (bar.open + bar.high + bar.low + bar.close)))
  bars.forEach((bar, i) => (bar.value = values[i]!))
  return bars
}

/**
 * The day's volume over the continuous minutes (busier after the open and before the close) and
 * the auction; each of `mustTrade` (the auction, the first minute, the minutes of the high and
 * the low) gets at least one share, as far as the day's volume goes.
 */
function minuteVolumes(volume: number, auction: number, mustTrade: readonly number[], noise: (i: number) => number): number[] {
  const reserved = [...new Set(mustTrade)].slice(0, volume)
  const weights = Array.from({ length: auction + 1 }, (_, i) => {
    if (i === auction) return AUCTION_WEIGHT_SHARE * auction
    const fromMiddle = i / (auction - 1) - 0.5
    return (1 + 6 * fromMiddle * fromMiddle) * Math.exp(1.2 * (2 * noise(i) - 1))
  })
  const volumes = apportion(volume - reserved.length, weights)
  for (const i of reserved) volumes[i]! += 1
  return volumes
}

/** The last price of each continuous minute: exact at the anchors, the line between them with noise elsewhere. */
function minutePrices(quote: DailyQuote, grid: SessionGrid, auction: number, highAt: number, lowAt: number, noise: (i: number) => number): number[] {
  // Minute -1 is the open; the last continuous minute ends at the close unless the high or low is there.
  const anchors = new Map<number, number>([[-1, quote.open], [auction - 1, quote.close], [highAt, quote.high], [lowAt, quote.low]])
  const points = [...anchors.entries()].sort((a, b) => a[0] - b[0])
  const range = quote.high - quote.low
  const prices: number[] = []
  for (let p = 0; p + 1 < points.length; p++) {
    const [fromMinute, fromPrice] = points[p]!
    const [toMinute, toPrice] = points[p + 1]!
    for (let i = fromMinute + 1; i <= toMinute; i++) {
      if (i === toMinute) {
        prices.push(toPrice)
        continue
      }
      const along = (i - fromMinute) / (toMinute - fromMinute)
      const wander = PRICE_NOISE * range * (2 * noise(i) - 1) * Math.sin(Math.PI * along)
      prices.push(Math.min(quote.high, Math.max(quote.low, grid.round(fromPrice + (toPrice - fromPrice) * along + wander))))
    }
  }
  return prices
}
