import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

// Whole won in production; staged as decimals, so a fractional price is rejected, never rounded.
const PRICE = { kind: 'decimal', production: 'bigint', unit: 'won' } as const

export const ohlcvMinute = {
  name: 'ohlcv_minute',
  kind: 'daily',
  grain: 'minute',
  productionTable: 'ohlcv_minute',
  stagingTable: 'staging.ohlcv_minute',
  description: 'One-minute bars of every traded stock: the continuous session, then the closing auction as one bar',
  columns: {
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    time: { kind: 'timestamp', production: 'timestamptz', description: "The bar's first minute (KST); the closing auction's bar starts at the close" },
    open_price: PRICE,
    high_price: PRICE,
    low_price: PRICE,
    close_price: PRICE,
    volume: { kind: 'integer', production: 'bigint', unit: 'shares', description: '0 for a minute without a trade (its prices are the last trade)' },
    trading_value: { kind: 'integer', production: 'bigint', nullable: true, unit: 'won' },
  },
  key: ['stock_code', 'time'],
  keyDateColumn: 'time',
  batchDateColumn: 'time',
  required: ['stock_code', 'time', 'open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value'],
  valueColumns: ['open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value'],
  auditColumns: ['source', 'batch_id', 'created_at', 'updated_at'],
  // ~1M rows a day: one-day chunks, compressed per stock after a week (migration 0002).
  hypertable: { chunkInterval: '1 day', compressAfter: '7 days', segmentBy: 'stock_code', orderBy: 'time desc' },
  aggregates: [],
  continuousAggregates: [
    { view: 'ohlcv_5min', width: '5 minutes' },
    { view: 'ohlcv_hourly', width: '1 hour' },
  ],
  // After the day's OHLCV (18:30), which the bars are reconciled with and which says which stocks traded.
  schedule: { cron: '20 19 * * 1-5', staleAfterHours: 6 },
  // Only the broker API's minute chart is verified (sources README, section C).
  sources: ['kis'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'unknown_stock', 'minute_bar', 'minute_session', 'minute_vs_daily', 'completeness'],
} as const satisfies DatasetDefinition

export type OhlcvMinuteValues = ValuesOf<typeof ohlcvMinute>
