import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

export const marketCapDaily = {
  name: 'market_cap_daily',
  kind: 'daily',
  productionTable: 'market_cap_daily',
  stagingTable: 'staging.market_cap_daily',
  description: 'Daily market capitalisation and listed shares of every listed stock',
  columns: {
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    time: { kind: 'date', production: 'date', description: 'The trade date (a KST calendar day)' },
    close_price: { kind: 'decimal', production: 'bigint', nullable: true, unit: 'won', onTickGrid: true },
    market_cap: { kind: 'integer', production: 'bigint', unit: 'won' },
    shares_outstanding: { kind: 'integer', production: 'bigint', unit: 'shares' },
  },
  key: ['stock_code', 'time'],
  keyDateColumn: 'time',
  batchDateColumn: 'time',
  required: ['stock_code', 'time', 'market_cap', 'shares_outstanding'],
  valueColumns: ['close_price', 'market_cap', 'shares_outstanding'],
  auditColumns: ['source', 'batch_id', 'created_at', 'updated_at'],
  hypertable: { chunkInterval: '365 days', compressAfter: '180 days', segmentBy: 'stock_code', orderBy: 'time desc' },
  aggregates: [],
  schedule: { cron: '30 18 * * 1-5', staleAfterHours: 6 },
  sources: ['krx', 'infomax'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'unknown_stock', 'market_cap_identity', 'tick_grid', 'calendar', 'row_count', 'cross_source_agreement', 'completeness'],
  crossSourceAgreement: { column: 'market_cap', relativeTolerance: 0.001 },
} as const satisfies DatasetDefinition

export type MarketCapDailyValues = ValuesOf<typeof marketCapDaily>
