import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

const VOLUME = { kind: 'integer', production: 'bigint', unit: 'shares' } as const
const VALUE = { kind: 'integer', production: 'bigint', unit: 'won' } as const

export const investorTrading = {
  name: 'investor_trading',
  kind: 'daily',
  productionTable: 'investor_trading',
  stagingTable: 'staging.investor_trading',
  description: "Daily buys and sells of every stock by each of KRX's eleven leaf investor groups",
  columns: {
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    investor_type: {
      kind: 'text',
      production: 'text',
      references: 'investor_types',
      description: 'One of the eleven codes of `investor_types` (financial_investment … other_foreign)',
    },
    time: { kind: 'date', production: 'date', description: 'The trade date (a KST calendar day)' },
    sell_volume: VOLUME,
    buy_volume: VOLUME,
    net_buy_volume: { ...VOLUME, description: 'buy_volume − sell_volume' },
    sell_value: VALUE,
    buy_value: VALUE,
    net_buy_value: { ...VALUE, description: 'buy_value − sell_value' },
  },
  key: ['stock_code', 'investor_type', 'time'],
  keyDateColumn: 'time',
  batchDateColumn: 'time',
  required: ['stock_code', 'investor_type', 'time', 'sell_volume', 'buy_volume', 'net_buy_volume', 'sell_value', 'buy_value', 'net_buy_value'],
  valueColumns: ['sell_volume', 'buy_volume', 'net_buy_volume', 'sell_value', 'buy_value', 'net_buy_value'],
  auditColumns: ['source', 'batch_id', 'created_at', 'updated_at'],
  hypertable: { chunkInterval: '365 days', compressAfter: '180 days', segmentBy: 'stock_code', orderBy: 'time desc, investor_type' },
  aggregates: [{ view: 'investor_trading_weekly', width: '1 week' }],
  schedule: { cron: '0 19 * * 1-5', staleAfterHours: 6 },
  sources: ['krx', 'kis', 'infomax'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'unknown_stock', 'net_identity', 'investor_zero_sum', 'calendar', 'row_count', 'cross_source_agreement', 'completeness'],
  crossSourceAgreement: { column: 'net_buy_volume', relativeTolerance: 0 },
} as const satisfies DatasetDefinition

export type InvestorTradingValues = ValuesOf<typeof investorTrading>
