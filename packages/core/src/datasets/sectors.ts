import { MARKETS } from '../krx-price-rules.ts'
import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

export const sectors = {
  name: 'sectors',
  kind: 'reference',
  productionTable: 'sectors',
  stagingTable: 'staging.sectors',
  description: "A stock's sector (업종) on a snapshot date, staged one row per stock; production keeps the sectors and links stocks to them",
  columns: {
    sector_id: { kind: 'integer', production: 'integer', staged: false, generated: true },
    market: { kind: 'text', production: 'text', choices: MARKETS },
    name: { kind: 'text', production: 'text', nonBlank: true },
    stock_code: { kind: 'text', format: STOCK_CODE_FORMAT, description: 'Promoted as stocks.sector_id' },
  },
  key: ['stock_code'],
  keyDateColumn: null,
  batchDateColumn: null,
  required: ['market', 'name', 'stock_code'],
  valueColumns: ['market', 'name'],
  auditColumns: ['source', 'created_at', 'updated_at'],
  aggregates: [],
  schedule: { cron: '30 7 * * 1-5', staleAfterHours: 6 },
  sources: ['krx'],
  rules: ['schema', 'out_of_range', 'duplicate_key', { name: 'known_stock', severity: 'warn' }],
} as const satisfies DatasetDefinition

/** A stock's sector (업종) on a snapshot date: one row per stock. */
export type SectorMembershipValues = ValuesOf<typeof sectors>
