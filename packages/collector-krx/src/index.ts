export { createKrxClient, KrxClient, rowsOf, type KrxClientOptions, type KrxRow, type KrxScreenFetcher } from './client.ts'
export { KrxSession, type KrxCredentials } from './session.ts'
export { KrxLoggedOutError, isLogoutAnswer, isMaintenancePage } from './responses.ts'
export { KRX_PATHS } from './endpoints.ts'
export { KRX_SCREENS, KRX_MARKETS, dataKeyOf, type KrxMarket } from './screens.ts'
export { parseKrxDate, parseKrxDecimal, parseKrxInteger, signByFlucCode, toKrxRequestDate, RowReader } from './parse.ts'
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
export { ReferenceRowReader } from './reference-reader.ts'
export { isIsin, stockCodeFromIsin } from './stock-codes.ts'
export { marketOfId, marketOfName, type CanonicalMarket, type MarketName } from './markets.ts'
export { DEFAULT_KRX_INDEXES, KRX_INDEX_NAMES, parseKrxIndexId, type KrxIndexId } from './indexes.ts'
export { delistedStockRecordOf, stockRecordOf } from './stock-master-rows.ts'
export { etfPortfolioRecordOf, indexComponentRecordOf, sectorRecordOf, unreadableEtfListRecordOf } from './reference-rows.ts'
export { describeElement, isStandInRow, standInProblem, standInRowFor } from '@kmd/core'
export { collectStockMaster, stockMasterFromRows, type StockMasterOptions } from './collectors/stock-master.ts'
export { collectSectors, sectorsFromAnswers, type SectorAnswer } from './collectors/sectors.ts'
export {
  collectIndexComponents,
  indexComponentsFromAnswers,
  type IndexAnswer,
  type IndexComponentsOptions,
} from './collectors/index-components.ts'
export {
  collectEtfPortfolios,
  etfPortfoliosFromAnswers,
  listedEtfsOf,
  type EtfPortfolioAnswer,
  type EtfPortfolioOptions,
  type ListedEtf,
} from './collectors/etf-portfolios.ts'
export { krxCollectors } from './collectors/registry.ts'
