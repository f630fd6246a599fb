import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

// Whole won in production; staged as decimals, so a fractional price is rejected, never rounded.
const PRICE = { kind: 'decimal', production: 'bigint', unit: 'won', onTickGrid: true } as const

export const ohlcvDaily = {
  name: 'ohlcv_daily',
  kind: 'daily',
  productionTable: 'ohlcv_daily',
  stagingTable: 'staging.ohlcv_daily',
  description: 'Daily prices, volume and value of every listed stock',
  columns: {
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    time: { kind: 'date', production: 'date', description: 'The trade date (a KST calendar day)' },
    open_price: { ...PRICE, nullable: true, description: 'null with volume 0: no trade that day (KRX sends 0 for open/high/low)' },
    high_price: { ...PRICE, nullable: true },
    low_price: { ...PRICE, nullable: true },
    close_price: PRICE,
    volume: { kind: 'integer', production: 'bigint', unit: 'shares' },
    trading_value: { kind: 'integer', production: 'bigint', nullable: true, unit: 'won', description: 'null only when the delivering source does not report it (Naver)' },
    change: { kind: 'decimal', production: 'bigint', nullable: true, unit: 'won' },
    change_rate: { kind: 'decimal', production: 'numeric(9, 2)', nullable: true, unit: 'percent' },
  },
  key: ['stock_code', 'time'],
  keyDateColumn: 'time',
  batchDateColumn: 'time',
  required: ['stock_code', 'time', 'close_price', 'volume', 'trading_value'],
  notReportedBySource: { naver: ['trading_value'] },
  valueColumns: ['open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value'],
  auditColumns: ['source', 'batch_id', 'created_at', 'updated_at'],
  // ~2,700 stocks x ~250 days a year: year-long chunks give every stock enough rows per chunk for columnar compression.
  hypertable: { chunkInterval: '365 days', compressAfter: '180 days', segmentBy: 'stock_code', orderBy: 'time desc' },
  aggregates: [
    { view: 'ohlcv_weekly', width: '1 week' },
    { view: 'ohlcv_monthly', width: '1 month' },
  ],
  schedule: { cron: '30 18 * * 1-5', staleAfterHours: 6 },
  // KRX's portal is the reference for the market's own numbers; the broker API and the vendor cover it, Naver last.
  sources: ['krx', 'kis', 'infomax', 'naver'],
  rules: [
    'schema',
    'out_of_range',
    'duplicate_key',
    'unknown_stock',
    'ohlc_consistency',
    'tick_grid',
    'price_limit',
    'change_consistency',
    'change_rate_consistency',
    'average_price',
    'trading_value_range',
    'volume_anomaly',
    'calendar',
    'row_count',
    'cross_source_agreement',
    'completeness',
  ],
  crossSourceAgreement: { column: 'close_price', relativeTolerance: 0 },
} as const satisfies DatasetDefinition

export type OhlcvDailyValues = ValuesOf<typeof ohlcvDaily>
