/**
 * Collectors for the Yonhap Infomax API (`GET /api/...`, bearer token, `{success, results}`).
 * Nothing here touches the database. Every field mapping is a table in `tables/`; the wire
 * format is from public secondary sources only (see README).
 */
export { createInfomaxClient, InfomaxClient, type InfomaxClientOptions, type InfomaxFetcher } from './client.ts'
export { infomaxAnswerCheck, INFOMAX_VENDOR_ERRORS, vendorRefusal } from './answers.ts'
export { INFOMAX_ENDPOINTS, MAX_HISTORY_DAYS } from './endpoints.ts'
export { inGroups, splitDateRange, toInfomaxDate, type DateWindow } from './date-windows.ts'
export { readRow, type CanonicalValues, type FieldRule, type FieldTable, type FieldWatch, type ReadRow } from './fields/field-table.ts'
export { UnknownFieldLog } from './fields/unknown-fields.ts'
export * as infomaxParsers from './fields/parsers.ts'
export { STOCK_HIST_FIELDS, stockHistRecords, type StockHistFields, type StockHistRecords } from './tables/stock-hist.ts'
export { STOCK_INVESTOR_FIELDS, stockInvestorRecord, type InvestorRowOutcome, type StockInvestorFields } from './tables/stock-investor.ts'
export { INFOMAX_INVESTOR_LABELS, type InvestorLabelMeaning } from './tables/investor-labels.ts'
export { INFOMAX_MARKETS, STOCK_MASTER_MARKETS, type CanonicalMarket } from './tables/markets.ts'
export { STOCK_CODE_FIELDS, STOCK_EXPIRED_FIELDS, stockMasterRecord, type StockMasterFields, type StockRowOutcome } from './tables/stock-master.ts'
export { ETF_PORT_FIELDS, etfPortfolioRecord, type EtfPortFields } from './tables/etf-port.ts'
export {
  DEFAULT_INFOMAX_INDEXES,
  INDEX_CONSTITUENT_FIELDS,
  INFOMAX_INDEX_CODES,
  indexComponentRecord,
  type IndexConstituentFields,
} from './tables/index-constituents.ts'
export {
  DEFAULT_FLOATING_SHARES_SOURCE,
  floatingSharesFields,
  floatingSharesRecord,
  type FloatingSharesFields,
  type FloatingSharesSource,
} from './tables/floating-shares.ts'
export {
  collectInfomaxDailyPrices,
  type InfomaxDailyPrices,
  type InfomaxHistoryOptions,
  type InfomaxHistoryRequest,
} from './collectors/daily-prices.ts'
export { collectInfomaxInvestorTrading } from './collectors/investor-trading.ts'
export {
  collectInfomaxStocks,
  listInfomaxEtfCodes,
  listInfomaxStockCodes,
  type InfomaxStockMasterOptions,
  type InfomaxStockMasterRequest,
} from './collectors/stock-master.ts'
export { DEFAULT_CODE_LIST_CAP, fetchWholeCodeList } from './collectors/code-list.ts'
export { collectInfomaxEtfPortfolios } from './collectors/etf-portfolios.ts'
export { collectInfomaxIndexComponents, type InfomaxIndexComponentsRequest } from './collectors/index-components.ts'
export { collectInfomaxFloatingShares } from './collectors/floating-shares.ts'
export { infomaxDailyCollectors, type InfomaxDailyCollector, type InfomaxDailyCollectorOptions } from './collectors/daily.ts'
export { infomaxCollectors } from './collectors/registry.ts'
