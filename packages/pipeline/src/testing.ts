import type { CollectedBatch, SourceName } from '@kmd/core'
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
    const batch: CollectedBatch = await wholeMarket(date, context)
    const records = (batch.records as ReadonlyArray<{ values: { stock_code?: string | null } }>).filter((record) => wanted.includes(record.values.stock_code ?? ''))
    return { ...batch, source, records } as CollectedBatch
  }
  return { collect, asked }
}
