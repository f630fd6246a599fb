import type { DatasetValues } from '@kmd/core'

type Staged = keyof DatasetValues

/**
 * The value columns of each staging table, in COPY order. They are the canonical record's
 * fields; the table names come from this map, never from input.
 */
export const STAGING_COLUMNS: { [D in Staged]: ReadonlyArray<keyof DatasetValues[D] & string> } = {
  ohlcv_daily: ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value', 'change', 'change_rate'],
  market_cap_daily: ['stock_code', 'time', 'close_price', 'market_cap', 'shares_outstanding'],
  investor_trading: ['stock_code', 'investor_type', 'time', 'sell_volume', 'buy_volume', 'net_buy_volume', 'sell_value', 'buy_value', 'net_buy_value'],
  stocks: [
    'stock_code', 'isin', 'name', 'short_name', 'english_name', 'market', 'market_segment', 'security_group',
    'share_class', 'par_value', 'listed_shares', 'listing_date', 'delisting_date', 'delisting_reason', 'sector_name',
  ],
  sectors: ['market', 'name', 'stock_code'],
  index_components: ['index_code', 'index_name', 'stock_code', 'snapshot_date'],
  floating_shares: ['stock_code', 'base_date', 'total_shares', 'floating_shares', 'floating_ratio'],
  etf_portfolios: [
    'etf_code', 'base_date', 'component_code', 'component_isin', 'component_name', 'component_market',
    'security_group', 'shares', 'valuation_amount', 'component_amount', 'weight',
  ],
  market_calendar: ['trade_date', 'is_trading_day', 'holiday_name'],
}

/**
 * Postgres types of the value columns, for UNNEST casts. Prices, counts and amounts are numeric,
 * as in staging (migration 0013): a value too big for production's bigint, or a price with a
 * fraction of a won, lands and is rejected alone.
 */
export const COLUMN_TYPES: Record<string, string> = {
  stock_code: 'text',
  investor_type: 'text',
  time: 'date',
  open_price: 'numeric',
  high_price: 'numeric',
  low_price: 'numeric',
  close_price: 'numeric',
  change: 'numeric',
  change_rate: 'numeric',
  volume: 'numeric',
  trading_value: 'numeric',
  market_cap: 'numeric',
  shares_outstanding: 'numeric',
  listed_shares: 'numeric',
  sell_volume: 'numeric',
  buy_volume: 'numeric',
  net_buy_volume: 'numeric',
  sell_value: 'numeric',
  buy_value: 'numeric',
  net_buy_value: 'numeric',
  isin: 'text',
  name: 'text',
  short_name: 'text',
  english_name: 'text',
  market: 'text',
  market_segment: 'text',
  security_group: 'text',
  share_class: 'text',
  par_value: 'numeric',
  listing_date: 'date',
  delisting_date: 'date',
  delisting_reason: 'text',
  sector_name: 'text',
  index_code: 'text',
  index_name: 'text',
  snapshot_date: 'date',
  base_date: 'date',
  total_shares: 'numeric',
  floating_shares: 'numeric',
  floating_ratio: 'numeric',
  etf_code: 'text',
  trade_date: 'date',
  component_code: 'text',
  component_isin: 'text',
  component_name: 'text',
  component_market: 'text',
  shares: 'numeric',
  valuation_amount: 'numeric',
  component_amount: 'numeric',
  weight: 'numeric',
  is_trading_day: 'boolean',
  holiday_name: 'text',
}

export const BOOKKEEPING_COLUMNS = ['batch_id', 'row_number'] as const
export const TRAILING_COLUMNS = ['raw', 'parse_errors'] as const

export function copyColumns(dataset: Staged): string[] {
  return [...BOOKKEEPING_COLUMNS, ...STAGING_COLUMNS[dataset], ...TRAILING_COLUMNS]
}
