import type { PricePath } from './price-path.ts'
import { unitHash } from './random.ts'
import type { ListedStock } from './universe.ts'

/** One stock's session as MDCSTAT01501 reports it. */
export interface DailyQuote {
  stock: ListedStock
  previousClose: number
  close: number
  /** 0 when the stock did not trade, like KRX. */
  open: number
  high: number
  low: number
  volume: number
  /** Won; always within volume x [low, high]. */
  value: number
  /** FLUC_TP_CD: 0 no trade, 1 up, 2 down, 3 flat, 4 upper limit, 5 lower limit. */
  fluctuation: '0' | '1' | '2' | '3' | '4' | '5'
  /** The day's price limits around the previous close. */
  upperLimit: number
  lowerLimit: number
}

const OPEN_SALT = 301
const HIGH_SALT = 302
const LOW_SALT = 303
const VOLUME_SALT = 304

/** Builds session n of a stock from its price path: OHLC on the day's tick grid, inside the day's limits. */
export function dailyQuote(path: PricePath, seed: number, stock: ListedStock, n: number): DailyQuote {
  const previousClose = path.close(stock, n - 1)
  const event = path.event(stock, n)
  const grid = path.grid(stock, n)
  const ceiling = grid.upperLimit(previousClose)
  const floor = grid.lowerLimit(previousClose)
  const limits = { upperLimit: ceiling, lowerLimit: floor }
  if (stock.suspended || event === 'halt') {
    return { stock, previousClose, close: previousClose, open: 0, high: 0, low: 0, volume: 0, value: 0, fluctuation: '0', ...limits }
  }

  // The path already stays well inside the band; the clamp only guards the invariant.
  const close = Math.min(ceiling, Math.max(floor, path.close(stock, n)))
  const gap = 0.02 * stock.volatility * (2 * unitHash(seed, stock.key, OPEN_SALT, n) - 1)
  const open = Math.min(ceiling, Math.max(floor, grid.round(previousClose * Math.exp(gap))))
  const spread = 0.03 * stock.volatility
  const high = Math.min(ceiling, grid.ceil(Math.max(open, close) * (1 + spread * unitHash(seed, stock.key, HIGH_SALT, n))))
  const low = Math.max(floor, grid.floor(Math.min(open, close) * (1 - spread * unitHash(seed, stock.key, LOW_SALT, n))))

  const busyDay = event === 'none' ? 1 : 4
  const activity = Math.exp(0.9 * (2 * unitHash(seed, stock.key, VOLUME_SALT, n) - 1))
  const volume = Math.max(1, Math.round(stock.listedShares * stock.turnover * activity * busyDay))
  // A volume-weighted price somewhere inside the day's range keeps value within volume x [low, high].
  const value = Math.round(volume * ((open + high + low + close) / 4))

  return { stock, previousClose, close, open, high, low, volume, value, fluctuation: fluctuationCode(previousClose, close, ceiling, floor), ...limits }
}

function fluctuationCode(previousClose: number, close: number, ceiling: number, floor: number): DailyQuote['fluctuation'] {
  if (close > previousClose) return close === ceiling ? '4' : '1'
  if (close < previousClose) return close === floor ? '5' : '2'
  return '3'
}
