/**
 * KIS counts REST calls per app key and second and answers EGW00201 above the limit. A
 * sliding one-second window: a request is refused when `limit` others were accepted within
 * the last 1,000 ms. Refused requests do not count.
 */
export class PerSecondLimit {
  private readonly accepted = new Map<string, number[]>()

  tryAccept(key: string, limit: number, now: number): boolean {
    if (!Number.isFinite(limit)) return true
    const recent = (this.accepted.get(key) ?? []).filter((at) => now - at < 1_000)
    if (recent.length >= limit) {
      this.accepted.set(key, recent)
      return false
    }
    recent.push(now)
    this.accepted.set(key, recent)
    return true
  }

  clear(): void {
    this.accepted.clear()
  }
}
