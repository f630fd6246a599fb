import { MARKETS } from '../krx-price-rules.ts'
import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

export const stocks = {
  name: 'stocks',
  kind: 'reference',
  productionTable: 'stocks',
  stagingTable: 'staging.stocks',
  description: 'The stock master: one listed (or delisted) stock as the master screen or vendor lists it; delisted stocks are kept (soft delete)',
  columns: {
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    isin: {
      kind: 'text',
      production: 'char(12)',
      format: { pattern: '^[A-Z]{2}[0-9A-Z]{9}[0-9]$', says: 'is not an ISIN (two letters, nine letters or digits, a check digit)' },
    },
    name: { kind: 'text', production: 'text', nonBlank: true },
    short_name: { kind: 'text', production: 'text', nullable: true },
    english_name: { kind: 'text', production: 'text', nullable: true },
    market: { kind: 'text', production: 'text', choices: MARKETS },
    market_segment: { kind: 'text', production: 'text', nullable: true, description: '소속부 or KOSDAQ GLOBAL etc., as the source names it' },
    security_group: { kind: 'text', production: 'text', nullable: true },
    share_class: { kind: 'text', production: 'text', nullable: true },
    par_value: { kind: 'decimal', production: 'numeric(18, 4)', nullable: true, unit: 'won' },
    listed_shares: { kind: 'integer', production: 'bigint', nullable: true, unit: 'shares', bounds: { atLeast: '0', says: 'is negative' } },
    listing_date: { kind: 'date', production: 'date', nullable: true },
    delisting_date: { kind: 'date', production: 'date', nullable: true, description: 'Set for delisted stocks only' },
    delisting_reason: { kind: 'text', production: 'text', nullable: true },
    sector_name: { kind: 'text', description: 'The sector as the master names it; promoted as stocks.sector_id' },
    is_active: { kind: 'boolean', production: 'boolean', staged: false, generated: true, description: 'false once delisted (delisting_date set)' },
    sector_id: { kind: 'integer', production: 'integer', staged: false, nullable: true, description: 'The stock\'s sector (sectors.sector_id)' },
    as_of_date: { kind: 'date', production: 'date', staged: false, nullable: true, description: 'The snapshot date of the latest master that described this stock' },
  },
  key: ['stock_code'],
  keyDateColumn: null,
  batchDateColumn: null,
  required: ['stock_code', 'isin', 'name', 'market'],
  valueColumns: ['name', 'market', 'listed_shares'],
  auditColumns: ['source', 'created_at', 'updated_at'],
  aggregates: [],
  schedule: { cron: '30 7 * * 1-5', staleAfterHours: 6 },
  sources: ['krx', 'infomax'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'delisting_consistency', 'isin_unique', 'active_stock_count'],
} as const satisfies DatasetDefinition

/** One listed (or delisted) stock as the master screen or vendor lists it. */
export type StockValues = ValuesOf<typeof stocks>
