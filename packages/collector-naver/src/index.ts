export { createNaverClient, NaverClient, naverPageCheck, type NaverClientOptions, type NaverPageFetcher } from './client.ts'
export { NAVER_PATHS, NAVER_ROWS_PER_PAGE, type NaverPagePath } from './endpoints.ts'
export { decodeNaverPage } from './decode.ts'
export { directionOfMarker, parseNaverDate, parseNaverInteger, parseNaverPercent, signedChange, type Direction } from './values.ts'
export { lastPageOf, type PageRow } from './page-structure.ts'
export { dailyPriceRecordOf, parseDailyPricePage, type DailyPricePage } from './daily-price-page.ts'
export { investorNetRecordOf, parseInvestorNetPage, type InvestorNetPage, type NaverInvestorNetValues } from './investor-net-page.ts'
export { readDateRange, type DatedPage, type RangeRead } from './paging.ts'
export { collectNaverOhlcv, collectNaverOhlcvForDate, type NaverOhlcvHistory, type NaverRange } from './collectors/ohlcv.ts'
export {
  collectNaverInvestorNet,
  collectNaverInvestorNetForDate,
  type NaverInvestorNetHistory,
} from './collectors/investor-net.ts'
export { naverCollectors } from './collectors/registry.ts'
