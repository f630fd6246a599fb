/**
 * Investor values some sources send already rounded: Infomax in 천원, the broker API in 백만원.
 * Converted to won they are exact only to that unit, each figure rounded on its own, so the
 * identities that hold exactly for KRX (net = buy − sell, nets summing to zero) hold for them
 * only within half a unit per rounded figure. Volumes are never rounded.
 */
const VALUE_UNIT_WON: Readonly<Record<string, number>> = { infomax: 1_000, kis: 1_000_000 }

export function valueUnitOf(source: string): number {
  return VALUE_UNIT_WON[source] ?? 1
}

/** Largest |net − (buy − sell)| in won that rounding alone explains: three figures, half a unit each. */
export function netValueTolerance(source: string): number {
  const unit = valueUnitOf(source)
  return unit === 1 ? 0 : (unit * 3) / 2
}

/** Largest |Σ net value| in won per group that rounding alone explains. */
export function zeroSumValueTolerancePerGroup(source: string): number {
  const unit = valueUnitOf(source)
  return unit === 1 ? 0 : unit / 2
}
