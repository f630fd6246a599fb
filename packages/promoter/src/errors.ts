import { MarketDataError } from '@kmd/core'

/**
 * A snapshot older than one production already reflects (an index's members, the stock
 * master). Promotion derives history from successive snapshots, so applying an older one
 * last would rewrite that history backwards; it is refused instead. Retrying cannot help:
 * load the snapshots in date order.
 */
export class StaleSnapshotError extends MarketDataError {
  constructor(message: string) {
    super(message, { retryable: false })
  }
}
