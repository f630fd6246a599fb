import { tradingDaysBetween, type CanonicalRecord, type CollectedBatch, type DatasetValues, type TradeDate } from '@kmd/core'

/**
 * One batch per collector call, whatever the number of requests behind it. A range's batch is
 * dated by its last day. It is a non-trading range only when nothing came back *and* the KRX
 * calendar has no session in it: an empty answer for a trading day is left for the row-count
 * check to question, not explained away here.
 */
export function batchOf<D extends keyof DatasetValues>(
  dataset: D,
  range: { from: TradeDate; to: TradeDate },
  records: Array<CanonicalRecord<DatasetValues[D]>>,
  requestCount: number,
): CollectedBatch<D> {
  const nonTradingDay = records.length === 0 && tradingDaysBetween(range.from, range.to).length === 0
  return { dataset, source: 'infomax', tradeDate: range.to, records, nonTradingDay, requestCount }
}
