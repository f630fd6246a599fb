import type { InfomaxRateLimit } from './options.ts'

/**
 * A sliding-window limit per token: a request is accepted when fewer than `maxRequests`
 * accepted requests arrived in the `windowMs` before it. Refused requests do not count, so a
 * client that backs off gets through once the window has moved on.
 */
export class SlidingWindowLimiter {
  private readonly accepted = new Map<string, number[]>()

  constructor(private limit: InfomaxRateLimit | false) {}

  /** Changes the limit (tests lift or tighten it); the history of accepted requests is kept. */
  set(limit: InfomaxRateLimit | false): void {
    this.limit = limit
  }

  allow(key: string, now: number): boolean {
    if (this.limit === false) return true
    const since = now - this.limit.windowMs
    const times = (this.accepted.get(key) ?? []).filter((time) => time > since)
    const allowed = times.length < this.limit.maxRequests
    if (allowed) times.push(now)
    this.accepted.set(key, times)
    return allowed
  }
}
