/**
 * Deterministic randomness for the synthetic market. Every number is a pure function of the
 * seed and the inputs (stock, trading day, what for), so any day can be computed on its own,
 * in any order, with the same result. Math.random is never used.
 */

function mix(hash: number, value: number): number {
  // One murmur3 round per input word.
  let k = Math.imul(value | 0, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  let h = hash ^ k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

function finish(hash: number): number {
  let h = hash
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A uniform number in [0, 1) determined by four integers (fixed arity: this is the hot path). */
export function unitHash(a: number, b: number, c: number, d: number): number {
  return finish(mix(mix(mix(mix(0x9747b28c, a), b), c), d)) / 4_294_967_296
}

/** A sequential generator (mulberry32) for building the stock universe once per seed. */
export function createRandom(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T
}

/** Log-uniform between two positive bounds: as many stocks at 1,000 won as between 10,000 and 100,000. */
export function logUniform(u: number, low: number, high: number): number {
  return Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)))
}
