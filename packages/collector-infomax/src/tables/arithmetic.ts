import type { Decimal } from '@kmd/core'

/** Exact integer arithmetic on canonical values, refusing results JavaScript cannot hold exactly. */
export type Computed<T> = { ok: true; value: T } | { ok: false; problem: string }

/**
 * Won × shares → won (market cap). Undefined inputs (already reported as parse errors) give
 * a null result without a second message.
 */
export function productOf(price: Decimal | null, shares: number | null): Computed<number | null> {
  if (price === null || shares === null) return { ok: true, value: null }
  if (!/^-?\d+$/.test(price)) return { ok: false, problem: 'is not whole won (the price has decimals)' }
  const product = BigInt(price) * BigInt(shares)
  if (product > BigInt(Number.MAX_SAFE_INTEGER) || product < BigInt(Number.MIN_SAFE_INTEGER)) return { ok: false, problem: 'is too large to hold exactly' }
  return { ok: true, value: Number(product) }
}

/** `part / whole × 100` as a decimal with four places, e.g. floating ratio; null when whole is 0 or unknown. */
export function percentOf(part: number | null, whole: number | null): Decimal | null {
  if (part === null || whole === null || whole === 0) return null
  const scaled = (BigInt(part) * 1_000_000n * 2n + BigInt(whole)) / (BigInt(whole) * 2n) // half up, four places
  const sign = scaled < 0n ? '-' : ''
  const digits = (scaled < 0n ? -scaled : scaled).toString().padStart(5, '0')
  return `${sign}${digits.slice(0, -4)}.${digits.slice(-4)}`
}
