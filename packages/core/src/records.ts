/**
 * Canonical records: what every collector produces, whatever its source, and what the staging
 * loader writes to `staging.<dataset>`. Values are already in canonical units (won, shares) and
 * types; a value that could not be parsed is null with a message in `parseErrors`, and `raw`
 * keeps the source's own fields so a rejected row can be read as the source sent it.
 */

export const DAILY_DATASETS = ['ohlcv_daily', 'market_cap_daily', 'investor_trading'] as const
export const DATASETS = [
  ...DAILY_DATASETS,
  'stocks',
  'sectors',
  'index_components',
  'floating_shares',
  'etf_portfolios',
  'ohlcv_minute',
] as const
export type Dataset = (typeof DATASETS)[number]
export type DailyDataset = (typeof DAILY_DATASETS)[number]

export const SOURCES = ['krx', 'naver', 'kis', 'infomax', 'file'] as const
export type SourceName = (typeof SOURCES)[number]

/** `YYYY-MM-DD`, a calendar day in Korea (KST). */
export type TradeDate = string

/** Decimal values travel as strings so prices stay exact end to end. */
export type Decimal = string

export interface OhlcvDailyValues {
  stock_code: string | null
  time: TradeDate | null
  /** null with volume 0: no trade that day (KRX sends 0 for open/high/low). */
  open: Decimal | null
  high: Decimal | null
  low: Decimal | null
  close: Decimal | null
  volume: number | null
  trading_value: number | null
  change: Decimal | null
  change_rate: Decimal | null
}

export interface MarketCapDailyValues {
  stock_code: string | null
  time: TradeDate | null
  close: Decimal | null
  market_cap: number | null
  listed_shares: number | null
}

export interface InvestorTradingValues {
  stock_code: string | null
  /** One of the eleven codes of `investor_types` (financial_investment … other_foreign). */
  investor_type: string | null
  time: TradeDate | null
  sell_volume: number | null
  buy_volume: number | null
  net_volume: number | null
  sell_value: number | null
  buy_value: number | null
  net_value: number | null
}

export interface DatasetValues {
  ohlcv_daily: OhlcvDailyValues
  market_cap_daily: MarketCapDailyValues
  investor_trading: InvestorTradingValues
}

export interface CanonicalRecord<V> {
  values: V
  /** The source's fields for this row, as received. */
  raw: Record<string, unknown>
  /** One message per field that did not parse, e.g. `close: not a number ("12a,300")`. */
  parseErrors: string[]
}

/** What a collector returns for one partition (dataset, source, trade date). */
export interface CollectedBatch<D extends keyof DatasetValues = keyof DatasetValues> {
  dataset: D
  source: SourceName
  tradeDate: TradeDate
  records: Array<CanonicalRecord<DatasetValues[D]>>
  /** The source says the market was closed that day (e.g. KRX answers with prices "-"). */
  nonTradingDay: boolean
  requestCount: number
}
