/** A Map that forgets its least recently used entries beyond `limit`, so long backfills stay in bounded memory. */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>()

  constructor(private readonly limit: number) {}

  getOrCreate(key: K, create: () => V): V {
    const found = this.entries.get(key)
    if (found !== undefined || this.entries.has(key)) {
      // Re-inserting moves the key to the young end of the Map's insertion order.
      this.entries.delete(key)
      this.entries.set(key, found as V)
      return found as V
    }
    const value = create()
    this.entries.set(key, value)
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K)
    return value
  }
}
