import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * KIS limits requests per second per app key, not per client object, so every client of one
 * app key in this process waits on one pacer: requests start at least `1000 / rate` ms apart.
 * When clients ask for different rates, the slowest wins.
 */
export class Pacer {
  #next = 0

  constructor(private intervalMs: number) {}

  slowTo(intervalMs: number): void {
    this.intervalMs = Math.max(this.intervalMs, intervalMs)
  }

  /** Resolves when the caller may send its request. */
  async turn(): Promise<void> {
    const now = Date.now()
    const at = Math.max(now, this.#next)
    this.#next = at + this.intervalMs
    if (at > now) await sleep(at - now)
  }
}

const pacers = new Map<string, Pacer>()

/** The pacer of an app key on a host, created on first use. */
export function pacerFor(baseUrl: string, appKey: string, maxRequestsPerSecond: number): Pacer {
  const key = createHash('sha256').update(`${baseUrl}\n${appKey}`).digest('hex')
  const intervalMs = Number.isFinite(maxRequestsPerSecond) && maxRequestsPerSecond > 0 ? 1000 / maxRequestsPerSecond : 0
  let pacer = pacers.get(key)
  if (pacer === undefined) {
    pacer = new Pacer(intervalMs)
    pacers.set(key, pacer)
  } else {
    pacer.slowTo(intervalMs)
  }
  return pacer
}
