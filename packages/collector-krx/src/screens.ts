/**
 * The KRX statistics screens ("bld" paths) this package reads, and under which key each answer
 * carries its rows. The key differs per screen and is not always what KRX's own menu metadata
 * says (01501 is listed as `output` but answers with `OutBlock_1`), so it is kept here as data.
 */
export const KRX_SCREENS = {
  /** 12001 all stocks on one day: OHLCV, value, market cap, listed shares. */
  allStockPrices: 'dbms/MDC/STAT/standard/MDCSTAT01501',
  /** 12005 stock master. */
  stockMaster: 'dbms/MDC/STAT/standard/MDCSTAT01901',
  /** 12010 every stock's buy/sell for one investor type over a period. */
  investorTradingByStock: 'dbms/MDC/STAT/standard/MDCSTAT02401',
  /** 11006 index constituents. */
  indexConstituents: 'dbms/MDC/STAT/standard/MDCSTAT00601',
  /** 12025 sector classification. */
  sectorClassification: 'dbms/MDC/STAT/standard/MDCSTAT03901',
  /** 13108 ETF portfolio deposit file. */
  etfPortfolio: 'dbms/MDC/STAT/standard/MDCSTAT05001',
  /** 13101 all ETFs' prices on one day (the day's ETF list, with ISINs). */
  etfPrices: 'dbms/MDC/STAT/standard/MDCSTAT04301',
  /** 상장폐지현황: stocks delisted in a period, with date and reason. */
  delistedStocks: 'dbms/MDC/STAT/issue/MDCSTAT23801',
} as const

/** The screen id is the last part of a bld path, e.g. `MDCSTAT01501` or `finder_stkisu`. */
const DATA_KEY_BY_SCREEN: Readonly<Record<string, string>> = {
  MDCSTAT01501: 'OutBlock_1',
  MDCSTAT01602: 'OutBlock_1',
  MDCSTAT01901: 'OutBlock_1',
  MDCSTAT03901: 'block1',
  MDCHARD04801: 'block1',
}

const DATA_KEY_BY_PREFIX: ReadonlyArray<readonly [prefix: string, key: string]> = [
  ['dbms/comm/finder/', 'block1'],
  ['dbms/MDC/STAT/srt/MDCSTAT30', 'OutBlock_1'],
]

const DEFAULT_DATA_KEY = 'output'

/** The key under which the screen's answer holds its rows. */
export function dataKeyOf(bld: string): string {
  const screen = bld.slice(bld.lastIndexOf('/') + 1)
  return DATA_KEY_BY_SCREEN[screen] ?? DATA_KEY_BY_PREFIX.find(([prefix]) => bld.startsWith(prefix))?.[1] ?? DEFAULT_DATA_KEY
}

/** `mktId` values: KOSPI, KOSDAQ, KONEX. `ALL` is accepted by the all-stock screens too. */
export const KRX_MARKETS = ['STK', 'KSQ', 'KNX'] as const
export type KrxMarket = (typeof KRX_MARKETS)[number]
