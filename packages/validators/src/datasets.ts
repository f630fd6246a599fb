import type { DailyDataset } from '@kmd/core'

/**
 * The columns each rule needs to know about, per daily dataset. Every SQL identifier the
 * validators use comes from this map (or from a rule's own literals), never from input.
 */
export interface DatasetSpec {
  dataset: DailyDataset
  /** `staging.<dataset>` */
  stagingTable: string
  /** The production table the batch is promoted into. */
  productionTable: string
  /** What a row describes, without the date: stock_code (+ investor_type). */
  entityColumns: readonly string[]
  /** The unique key: entity columns + time. */
  keyColumns: readonly string[]
  /** Columns a row cannot be promoted without. */
  requiredColumns: readonly string[]
  /** Columns that carry market data (a row with any of them set "has values"). */
  valueColumns: readonly string[]
}

const SPECS: Record<DailyDataset, DatasetSpec> = {
  ohlcv_daily: {
    dataset: 'ohlcv_daily',
    stagingTable: 'staging.ohlcv_daily',
    productionTable: 'ohlcv_daily',
    entityColumns: ['stock_code'],
    keyColumns: ['stock_code', 'time'],
    requiredColumns: ['stock_code', 'time', 'close', 'volume', 'trading_value'],
    valueColumns: ['open', 'high', 'low', 'close', 'volume', 'trading_value'],
  },
  market_cap_daily: {
    dataset: 'market_cap_daily',
    stagingTable: 'staging.market_cap_daily',
    productionTable: 'market_cap_daily',
    entityColumns: ['stock_code'],
    keyColumns: ['stock_code', 'time'],
    requiredColumns: ['stock_code', 'time', 'market_cap', 'listed_shares'],
    valueColumns: ['close', 'market_cap', 'listed_shares'],
  },
  investor_trading: {
    dataset: 'investor_trading',
    stagingTable: 'staging.investor_trading',
    productionTable: 'investor_trading',
    entityColumns: ['stock_code', 'investor_type'],
    keyColumns: ['stock_code', 'investor_type', 'time'],
    requiredColumns: ['stock_code', 'investor_type', 'time', 'sell_volume', 'buy_volume', 'net_volume', 'sell_value', 'buy_value', 'net_value'],
    valueColumns: ['sell_volume', 'buy_volume', 'net_volume', 'sell_value', 'buy_value', 'net_value'],
  },
}

export function datasetSpec(dataset: DailyDataset): DatasetSpec {
  const spec = (SPECS as Partial<Record<string, DatasetSpec>>)[dataset]
  if (!spec) throw new Error(`no validation rules for dataset "${dataset}"`)
  return spec
}
