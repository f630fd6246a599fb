import type { DatasetValues } from '@kmd/core'

type Staged = keyof DatasetValues

/**
 * The value columns of each staging table, in COPY order. They are the canonical record's
 * fields; the table names come from this map, never from input.
 */
export const STAGING_COLUMNS: { [D in Staged]: ReadonlyArray<keyof DatasetValues[D] & string> } = {
  ohlcv_daily: ['stock_code', 'time', 'open', 'high', 'low', 'close', 'volume', 'trading_value', 'change', 'change_rate'],
  market_cap_daily: ['stock_code', 'time', 'close', 'market_cap', 'listed_shares'],
  investor_trading: ['stock_code', 'investor_type', 'time', 'sell_volume', 'buy_volume', 'net_volume', 'sell_value', 'buy_value', 'net_value'],
}

/** Postgres types of the value columns, for UNNEST casts. */
export const COLUMN_TYPES: Record<string, string> = {
  stock_code: 'text',
  investor_type: 'text',
  time: 'date',
  open: 'numeric',
  high: 'numeric',
  low: 'numeric',
  close: 'numeric',
  change: 'numeric',
  change_rate: 'numeric',
  volume: 'bigint',
  trading_value: 'bigint',
  market_cap: 'bigint',
  listed_shares: 'bigint',
  sell_volume: 'bigint',
  buy_volume: 'bigint',
  net_volume: 'bigint',
  sell_value: 'bigint',
  buy_value: 'bigint',
  net_value: 'bigint',
}

export const BOOKKEEPING_COLUMNS = ['batch_id', 'row_number'] as const
export const TRAILING_COLUMNS = ['raw', 'parse_errors'] as const

export function copyColumns(dataset: Staged): string[] {
  return [...BOOKKEEPING_COLUMNS, ...STAGING_COLUMNS[dataset], ...TRAILING_COLUMNS]
}
