import type { TradeDate } from './records.ts'

/**
 * KRX price rules for stocks, as dated tables: the tick size of each price band (호가가격단위)
 * per market, and the daily price limit. Pure data and arithmetic; the validators build their
 * SQL from these tables and the source simulator prices its synthetic market on them.
 * Source: ../shared/sources/README.md section E.3.
 */

export const MARKETS = ['KOSPI', 'KOSDAQ', 'KONEX'] as const
export type Market = (typeof MARKETS)[number]

/** [price below, tick], ascending; the last band has no upper bound. */
export type TickBands = ReadonlyArray<readonly [below: number, tick: number]>

/** The tick tables in force from one day on, per market. */
export interface TickEra {
  since: TradeDate
  bands: Readonly<Record<Market, TickBands>>
}

const UNIFIED_2023: TickBands = [
  [2_000, 1],
  [5_000, 5],
  [20_000, 10],
  [50_000, 50],
  [200_000, 100],
  [500_000, 500],
  [Number.POSITIVE_INFINITY, 1_000],
]

const KOSPI_2010: TickBands = [
  [1_000, 1],
  [5_000, 5],
  [10_000, 10],
  [50_000, 50],
  [100_000, 100],
  [500_000, 500],
  [Number.POSITIVE_INFINITY, 1_000],
]

// KONEX (opened 2013-07-01) used the KOSDAQ table: its recorded 2021 prices lie on it and not
// on KOSPI's.
const KOSDAQ_2010: TickBands = [
  [1_000, 1],
  [5_000, 5],
  [10_000, 10],
  [50_000, 50],
  [Number.POSITIVE_INFINITY, 100],
]

/** Newest first. Days before the oldest era have no known table. */
export const KRX_TICK_ERAS: readonly TickEra[] = [
  { since: '2023-01-25', bands: { KOSPI: UNIFIED_2023, KOSDAQ: UNIFIED_2023, KONEX: UNIFIED_2023 } },
  // These tables came in during 2010 (October, day not recorded). The first session of 2011 is
  // the first day certain to be under them, so earlier days are not judged on a guess.
  { since: '2011-01-03', bands: { KOSPI: KOSPI_2010, KOSDAQ: KOSDAQ_2010, KONEX: KOSDAQ_2010 } },
]

/** The first trade date whose tick table is known. */
export const TICKS_KNOWN_SINCE: TradeDate = KRX_TICK_ERAS[KRX_TICK_ERAS.length - 1]!.since

/** The tick tables in force on `tradeDate`; undefined before TICKS_KNOWN_SINCE. */
export function tickEraOn(tradeDate: TradeDate): TickEra | undefined {
  return KRX_TICK_ERAS.find((era) => era.since <= tradeDate)
}

/** The tick of `price` in `bands`. */
export function tickIn(bands: TickBands, price: number): number {
  return bands.find(([below]) => price < below)![1]
}

/** The tick of `price` on `market` on `tradeDate`; a RangeError for a day before any known table. */
export function tickSize(price: number, market: Market, tradeDate: TradeDate): number {
  return tickIn(bandsOf(market, tradeDate), price)
}

function bandsOf(market: Market, tradeDate: TradeDate): TickBands {
  const era = tickEraOn(tradeDate)
  if (!era) throw new RangeError(`No KRX tick table is known for ${tradeDate}: the first known table starts on ${TICKS_KNOWN_SINCE}`)
  const bands = era.bands[market]
  if (!bands) throw new RangeError(`Not a KRX market: ${JSON.stringify(market)} (one of ${MARKETS.join(', ')})`)
  return bands
}

// Every band starts at a multiple of its own tick, so rounding inside a band stays on the grid.
export function roundToTick(price: number, market: Market, tradeDate: TradeDate): number {
  const tick = tickSize(price, market, tradeDate)
  return Math.max(1, Math.round(price / tick) * tick)
}

export function floorToTick(price: number, market: Market, tradeDate: TradeDate): number {
  const tick = tickSize(price, market, tradeDate)
  return Math.max(1, Math.floor(price / tick) * tick)
}

export function ceilToTick(price: number, market: Market, tradeDate: TradeDate): number {
  const tick = tickSize(price, market, tradeDate)
  return Math.ceil(price / tick) * tick
}

export function isOnTickGrid(price: number, market: Market, tradeDate: TradeDate): boolean {
  return Number.isInteger(price) && price > 0 && price % tickSize(price, market, tradeDate) === 0
}

/**
 * One table from all markets' tables of an era, band by band: the smallest tick (`finest`, the
 * grid every market's prices lie on, as each market's tick is a multiple of it) or the largest
 * (`coarsest`, the most any market moves in one step at that price).
 */
export function mergedBands(era: TickEra, pick: 'finest' | 'coarsest'): TickBands {
  const tables = MARKETS.map((market) => era.bands[market])
  const bounds = [...new Set(tables.flatMap((bands) => bands.map(([below]) => below)))].sort((a, b) => a - b)
  const choose = pick === 'finest' ? Math.min : Math.max
  const merged: Array<readonly [number, number]> = []
  let from = 0
  for (const below of bounds) {
    const tick = choose(...tables.map((bands) => tickIn(bands, from)))
    // Neighbouring bands with the same tick are one band.
    if (merged.length > 0 && merged[merged.length - 1]![1] === tick) merged[merged.length - 1] = [below, tick]
    else merged.push([below, tick])
    from = below
  }
  return merged
}

/** A daily price limit in force from one day on: ±percent of the base price. */
export interface DailyLimitEra {
  since: TradeDate
  percent: number
}

/** Newest first. */
export const KRX_DAILY_LIMITS: readonly DailyLimitEra[] = [
  { since: '2015-06-15', percent: 30 },
  { since: '1998-12-07', percent: 15 },
]

/**
 * The daily price limit on `tradeDate`, in percent of the base price. Limits before 1998-12-07
 * were narrower than 15%, so the oldest era's 15% answers for those days too: a bound no real
 * move of theirs exceeds.
 */
export function dailyLimitPercent(tradeDate: TradeDate): number {
  return (KRX_DAILY_LIMITS.find((era) => era.since <= tradeDate) ?? KRX_DAILY_LIMITS[KRX_DAILY_LIMITS.length - 1]!).percent
}
