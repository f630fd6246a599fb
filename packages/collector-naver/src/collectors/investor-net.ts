import type { CanonicalRecord, TradeDate } from '@kmd/core'
import type { NaverPageFetcher } from '../client.ts'
import { NAVER_PATHS, NAVER_ROWS_PER_PAGE } from '../endpoints.ts'
import { parseInvestorNetPage, type NaverInvestorNetValues } from '../investor-net-page.ts'
import { readDateRange } from '../paging.ts'
import { checkRange, type NaverRange } from './ohlcv.ts'

export interface NaverInvestorNetHistory extends NaverRange {
  /** Oldest first. */
  records: Array<CanonicalRecord<NaverInvestorNetValues>>
  requestCount: number
}

/**
 * One stock's institution and foreigner net volumes from `from` to `to` (frgn.naver, 20 days a
 * page). Not investor_trading rows: see NaverInvestorNetValues.
 */
export async function collectNaverInvestorNet(client: NaverPageFetcher, range: NaverRange): Promise<NaverInvestorNetHistory> {
  checkRange(range)
  const path = NAVER_PATHS.investorNetVolumes
  const read = await readDateRange(
    async (page) => parseInvestorNetPage(await client.fetchPage(path, { code: range.stockCode, page }), range.stockCode),
    range,
    NAVER_ROWS_PER_PAGE[path],
  )
  return { ...range, records: read.records, requestCount: read.pagesRead }
}

/** One day's figures for the given stocks, for checking KRX's investor flows of that day. */
export async function collectNaverInvestorNetForDate(
  client: NaverPageFetcher,
  tradeDate: TradeDate,
  stockCodes: readonly string[],
): Promise<{ tradeDate: TradeDate; records: Array<CanonicalRecord<NaverInvestorNetValues>>; requestCount: number }> {
  const records: Array<CanonicalRecord<NaverInvestorNetValues>> = []
  let requestCount = 0
  for (const stockCode of stockCodes) {
    const history = await collectNaverInvestorNet(client, { stockCode, from: tradeDate, to: tradeDate })
    records.push(...history.records)
    requestCount += history.requestCount
  }
  return { tradeDate, records, requestCount }
}
