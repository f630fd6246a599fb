export { createKrxClient, KrxClient, rowsOf, type KrxClientOptions, type KrxRow, type KrxScreenFetcher } from './client.ts'
export { KrxSession, type KrxCredentials } from './session.ts'
export { KrxLoggedOutError, isLogoutAnswer, isMaintenancePage } from './responses.ts'
export { KRX_PATHS, BROWSER_USER_AGENT } from './endpoints.ts'
export { KRX_SCREENS, KRX_MARKETS, dataKeyOf, type KrxMarket } from './screens.ts'
export { KRX_INVESTOR_TYPES, type KrxInvestorType } from './investor-types.ts'
export { parseKrxDate, parseKrxDecimal, parseKrxInteger, signByFlucCode, toKrxRequestDate, RowReader, type Parsed } from './parse.ts'
export { investorTradingRecordOf, marketCapRecordOf, ohlcvRecordOf } from './rows.ts'
export {
  collectMarketCapDaily,
  collectOhlcvAndMarketCap,
  collectOhlcvDaily,
  isNonTradingDayAnswer,
  ohlcvAndMarketCapFromRows,
  type OhlcvAndMarketCap,
} from './collectors/ohlcv-market-cap.ts'
export {
  collectInvestorTrading,
  investorTradingFromAnswers,
  isNonTradingDayAnswerSet,
  type InvestorTradingAnswer,
} from './collectors/investor-trading.ts'
