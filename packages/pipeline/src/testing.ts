import { isCollectedStream, type CollectedBatch, type SourceName } from '@kmd/core'
import type { Collector } from './collectors.ts'

/**
 * A per-stock second source for tests, as the broker API or Naver answer: it asks the run which
 * stocks to fetch and answers for those only, from a whole-market collector relabelled as
 * `source`, so a gap fill can be checked stock by stock. `asked` holds each request's stocks.
 */
export function perStockStandIn(wholeMarket: Collector, source: SourceName): { collect: Collector; asked: string[][] } {
  const asked: string[][] = []
  const collect: Collector = async (date, context) => {
    const wanted = await context.stockCodes()
    asked.push(wanted)
    const collected = await wholeMarket(date, context)
    if (isCollectedStream(collected)) throw new Error('perStockStandIn takes a whole-market collector that answers a batch, not a stream')
    const batch: CollectedBatch = collected
    const records = (batch.records as ReadonlyArray<{ values: { stock_code?: string | null } }>).filter((record) => wanted.includes(record.values.stock_code ?? ''))
    return { ...batch, source, records } as CollectedBatch
  }
  return { collect, asked }
}
