/**
 * KRX price grid (호가가격단위) and daily price limits. The unified table in force since
 * 2023-01-25 is used for every date; the older KOSPI/KOSDAQ split is not modelled.
 */

const TICK_BANDS: ReadonlyArray<readonly [below: number, tick: number]> = [
  [2_000, 1],
  [5_000, 5],
  [20_000, 10],
  [50_000, 50],
  [200_000, 100],
  [500_000, 500],
]

export function tickSize(price: number): number {
  for (const [below, tick] of TICK_BANDS) if (price < below) return tick
  return 1_000
}

// Every band starts at a multiple of its own tick, so rounding inside a band stays on the grid.
export function roundToTick(price: number): number {
  const tick = tickSize(price)
  return Math.max(1, Math.round(price / tick) * tick)
}

export function floorToTick(price: number): number {
  const tick = tickSize(price)
  return Math.max(1, Math.floor(price / tick) * tick)
}

export function ceilToTick(price: number): number {
  const tick = tickSize(price)
  return Math.ceil(price / tick) * tick
}

export function isOnTickGrid(price: number): boolean {
  return Number.isInteger(price) && price > 0 && price % tickSize(price) === 0
}

// Integer arithmetic first (base * 13 is exact), so 1,000 gives 1,300 and not 1,299.
/** Highest allowed price: base + 30%, truncated to the grid. */
export function upperLimit(base: number): number {
  return floorToTick((base * 13) / 10)
}

/** Lowest allowed price: base - 30%, rounded up onto the grid so the move stays within 30%. */
export function lowerLimit(base: number): number {
  return Math.max(1, ceilToTick((base * 7) / 10))
}
