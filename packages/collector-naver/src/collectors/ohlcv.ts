import { isTradingDay, type CanonicalRecord, type CollectedBatch, type OhlcvDailyValues, type TradeDate } from '@kmd/core'
import { isStockCode } from '@kmd/core'
import type { NaverPageFetcher } from '../client.ts'
import { parseDailyPricePage } from '../daily-price-page.ts'
import { NAVER_PATHS, NAVER_ROWS_PER_PAGE } from '../endpoints.ts'
import { readDateRange } from '../paging.ts'

export interface NaverRange {
  stockCode: string
  from: TradeDate
  to: TradeDate
}

export interface NaverOhlcvHistory extends NaverRange {
  /** Oldest first. trading_value and change_rate are null: Naver does not show them. */
  records: Array<CanonicalRecord<OhlcvDailyValues>>
  requestCount: number
}

/** One stock's daily bars from `from` to `to` (both included), reading sise_day pages until the range is covered. */
export async function collectNaverOhlcv(client: NaverPageFetcher, range: NaverRange): Promise<NaverOhlcvHistory> {
  checkRange(range)
  const path = NAVER_PATHS.dailyPrices
  const read = await readDateRange(
    async (page) => parseDailyPricePage(await client.fetchPage(path, { code: range.stockCode, page }), range.stockCode),
    range,
    NAVER_ROWS_PER_PAGE[path],
  )
  return { ...range, records: read.records, requestCount: read.pagesRead }
}

/**
 * The fallback cross-section: one trading day's bars for the given stocks, one stock after the
 * other (one request each for a recent day). Slow for the whole market (~2,700 requests), so it
 * is meant for the stocks KRX could not deliver.
 */
export async function collectNaverOhlcvForDate(client: NaverPageFetcher, tradeDate: TradeDate, stockCodes: readonly string[]): Promise<CollectedBatch<'ohlcv_daily'>> {
  const records: Array<CanonicalRecord<OhlcvDailyValues>> = []
  let requestCount = 0
  for (const stockCode of stockCodes) {
    const history = await collectNaverOhlcv(client, { stockCode, from: tradeDate, to: tradeDate })
    records.push(...history.records)
    requestCount += history.requestCount
  }
  // Naver has no "market closed" answer: no stock showing the day, on a day the calendar says
  // is closed, is taken as closed; on a trading day it stays an empty batch for the row-count rule.
  const nonTradingDay = records.length === 0 && !isTradingDay(tradeDate)
  return { dataset: 'ohlcv_daily', source: 'naver', tradeDate, records, nonTradingDay, requestCount }
}

export function checkRange(range: NaverRange): void {
  if (!isStockCode(range.stockCode)) throw new RangeError(`stock code must be six characters like 005930, got ${JSON.stringify(range.stockCode)}`)
  for (const date of [range.from, range.to]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`dates must be YYYY-MM-DD, got ${JSON.stringify(date)}`)
  }
  if (range.from > range.to) throw new RangeError(`from ${range.from} is after to ${range.to}`)
}
