import type { SourceCollectors } from '@kmd/core'
import type { NaverPageFetcher } from '../client.ts'
import { collectNaverOhlcvForDate } from './ohlcv.ts'

/** What Naver Finance collects for the pipeline: a day's prices, one stock's daily page at a time (the last fallback). */
export function naverCollectors(client: NaverPageFetcher): SourceCollectors {
  return {
    ohlcv_daily: async (date, context) => collectNaverOhlcvForDate(client, date, await context.stockCodes()),
  }
}
