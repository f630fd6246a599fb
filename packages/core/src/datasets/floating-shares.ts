import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

export const floatingShares = {
  name: 'floating_shares',
  kind: 'reference',
  productionTable: 'floating_shares',
  stagingTable: 'staging.floating_shares',
  description: 'Free-float shares of a stock from the date they took effect',
  columns: {
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    base_date: { kind: 'date', production: 'date' },
    total_shares: { kind: 'integer', production: 'bigint', unit: 'shares' },
    floating_shares: { kind: 'integer', production: 'bigint', unit: 'shares' },
    floating_ratio: { kind: 'decimal', production: 'numeric(7, 4)', unit: 'percent', description: 'Percent, 0 < ratio <= 100' },
  },
  key: ['stock_code', 'base_date'],
  keyDateColumn: 'base_date',
  batchDateColumn: null,
  required: ['stock_code', 'base_date', 'total_shares', 'floating_shares', 'floating_ratio'],
  valueColumns: ['total_shares', 'floating_shares', 'floating_ratio'],
  auditColumns: ['source', 'created_at', 'updated_at'],
  aggregates: [],
  // Before the open, after the master: free-float shares of the listed stocks.
  schedule: { cron: '40 7 * * 1-5', staleAfterHours: 6 },
  sources: ['infomax'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'floating_ratio_range', 'floating_le_total', { name: 'known_stock', severity: 'reject' }, 'ratio_consistency'],
} as const satisfies DatasetDefinition

export type FloatingSharesValues = ValuesOf<typeof floatingShares>
