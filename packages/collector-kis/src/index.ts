export { createKisClient, createKisClients, hasMorePages, issueKisToken, KisClient, type KisAnswer, type KisClientOptions, type KisCredentials, type KisFetcher, type KisPagingOptions } from './client.ts'
export { DAILY_CHART_MAX_ROWS, KIS_APIS, KIS_TOKEN_PATH, KRX_MARKET_CODE, PAST_MINUTE_BARS_MAX_ROWS, TODAY_MINUTE_BARS_MAX_ROWS, type KisApi } from './endpoints.ts'
export { errorForKisCode, kisAnswerCheck, KisTokenExpiredError, tokenAnswerCheck } from './answers.ts'
export { KisTokenCache, type KisToken, type TokenCacheOptions } from './token-cache.ts'
export { KisTokens, type KisTokensOptions } from './tokens.ts'
export { KIS_INVESTOR_MAPPING, type KisGroupFields, type KisInvestorMapping } from './investor-types.ts'
export {
  changeRate,
  KisRowReader,
  parseKisDate,
  parseKisDecimal,
  parseKisInteger,
  parseKisMillionsAsWon,
  signByChangeCode,
  toKisDate,
  type KisRow,
} from './parse.ts'
export { calendarRecordOf, investorTradingRecordsOf, minuteBarRecordsOf, ohlcvRecordOf } from './rows.ts'
export { outputRows } from './output.ts'
export { isStandInRow, standInProblem } from '@kmd/core'
export {
  collectDailyOhlcv,
  collectOhlcvDailyForDate,
  dailyOhlcvBatches,
  fetchDailyChartRows,
  type DailyChartRows,
  type DailyOhlcvRequest,
} from './collectors/daily-ohlcv.ts'
export {
  collectInvestorTrading,
  collectInvestorTradingForDate,
  fetchInvestorDailyRows,
  investorTradingBatches,
  type InvestorDailyRows,
  type InvestorTradingRequest,
} from './collectors/investor-trading.ts'
export { collectMinuteBars, collectOhlcvMinuteForDate, fetchMinuteBarRows, fetchTodayMinuteBarRows, type MinuteBarCollection, type MinuteBarCollectionOptions, type MinuteBarRows } from './collectors/minute-bars.ts'
export { calendarBatch, collectMarketCalendar, type MarketCalendarOptions } from './collectors/market-calendar.ts'
export { kisCollectors } from './collectors/registry.ts'
