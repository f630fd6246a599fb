/**
 * Canonical records: what every collector produces, whatever its source, and what the staging
 * loader writes to `staging.<dataset>`. Values are already in canonical units (won, shares) and
 * types; a value that could not be parsed is null with a message in `parseErrors`, and `raw`
 * keeps the source's own fields so a rejected row can be read as the source sent it.
 */

export const DAILY_DATASETS = ['ohlcv_daily', 'market_cap_daily', 'investor_trading'] as const
export const REFERENCE_DATASETS = ['stocks', 'sectors', 'index_components', 'floating_shares', 'etf_portfolios', 'market_calendar'] as const
export const DATASETS = [...DAILY_DATASETS, ...REFERENCE_DATASETS] as const
export type Dataset = (typeof DATASETS)[number]
export type DailyDataset = (typeof DAILY_DATASETS)[number]
export type ReferenceDataset = (typeof REFERENCE_DATASETS)[number]

export const SOURCES = ['krx', 'naver', 'kis', 'infomax', 'file'] as const
export type SourceName = (typeof SOURCES)[number]

/** `YYYY-MM-DD`, a calendar day in Korea (KST). */
export type TradeDate = string

/**
 * Decimal values travel as strings so values stay exact end to end. Prices are whole won in
 * production (bigint) but travel as decimals too: a source's fractional price reaches staging
 * as sent, and validation rejects its row rather than anything rounding it.
 */
export type Decimal = string

export interface OhlcvDailyValues {
  stock_code: string | null
  time: TradeDate | null
  /** null with volume 0: no trade that day (KRX sends 0 for open/high/low). */
  open_price: Decimal | null
  high_price: Decimal | null
  low_price: Decimal | null
  close_price: Decimal | null
  volume: number | null
  trading_value: number | null
  change: Decimal | null
  change_rate: Decimal | null
}

export interface MarketCapDailyValues {
  stock_code: string | null
  time: TradeDate | null
  close_price: Decimal | null
  market_cap: number | null
  shares_outstanding: number | null
}

export interface InvestorTradingValues {
  stock_code: string | null
  /** One of the eleven codes of `investor_types` (financial_investment … other_foreign). */
  investor_type: string | null
  time: TradeDate | null
  sell_volume: number | null
  buy_volume: number | null
  net_buy_volume: number | null
  sell_value: number | null
  buy_value: number | null
  net_buy_value: number | null
}

/** One listed (or delisted) stock as the master screen or vendor lists it. */
export interface StockValues {
  stock_code: string | null
  isin: string | null
  name: string | null
  short_name: string | null
  english_name: string | null
  /** KOSPI | KOSDAQ | KONEX */
  market: string | null
  /** 소속부 or KOSDAQ GLOBAL etc., as the source names it. */
  market_segment: string | null
  security_group: string | null
  share_class: string | null
  par_value: Decimal | null
  listed_shares: number | null
  listing_date: TradeDate | null
  /** Set for delisted stocks only. */
  delisting_date: TradeDate | null
  delisting_reason: string | null
  sector_name: string | null
}

/** A stock's sector (업종) on a snapshot date: one row per stock. */
export interface SectorMembershipValues {
  market: string | null
  name: string | null
  stock_code: string | null
}

/** A stock in an index on a snapshot date; intervals are derived from successive snapshots. */
export interface IndexComponentValues {
  /** KRX `indIdx/indIdx2`, e.g. `1/028` for KOSPI 200. */
  index_code: string | null
  index_name: string | null
  stock_code: string | null
  snapshot_date: TradeDate | null
}

export interface FloatingSharesValues {
  stock_code: string | null
  base_date: TradeDate | null
  total_shares: number | null
  floating_shares: number | null
  /** Percent, 0 < ratio <= 100. */
  floating_ratio: Decimal | null
}

/** One line of an ETF's portfolio deposit file: a stock, a futures leg, a bond or cash. */
export interface EtfPortfolioValues {
  etf_code: string | null
  base_date: TradeDate | null
  component_code: string | null
  component_isin: string | null
  component_name: string | null
  component_market: string | null
  security_group: string | null
  /**
   * Shares (or contracts) per creation unit; negative for inverse legs; null for cash lines.
   * Decimal, not whole: foreign stocks and futures lines can hold fractions.
   */
  shares: Decimal | null
  valuation_amount: Decimal | null
  component_amount: Decimal | null
  /** Percent of the portfolio. */
  weight: Decimal | null
}

export interface MarketCalendarValues {
  trade_date: TradeDate | null
  is_trading_day: boolean | null
  holiday_name: string | null
}

export interface DatasetValues {
  ohlcv_daily: OhlcvDailyValues
  market_cap_daily: MarketCapDailyValues
  investor_trading: InvestorTradingValues
  stocks: StockValues
  sectors: SectorMembershipValues
  index_components: IndexComponentValues
  floating_shares: FloatingSharesValues
  etf_portfolios: EtfPortfolioValues
  market_calendar: MarketCalendarValues
}

export interface CanonicalRecord<V> {
  values: V
  /** The source's fields for this row, as received. */
  raw: Record<string, unknown>
  /** One message per field that did not parse, e.g. `close_price: not a number ("12a,300")`. */
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
