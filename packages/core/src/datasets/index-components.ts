import { INDEX_CODE_PATTERN, STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

export const indexComponents = {
  name: 'index_components',
  kind: 'reference',
  productionTable: 'index_components',
  stagingTable: 'staging.index_components',
  description: 'The stocks in an index: staged as one-day snapshots, kept as membership intervals (effective_date to end_date)',
  columns: {
    index_code: {
      kind: 'text',
      production: 'text',
      format: { pattern: INDEX_CODE_PATTERN, says: 'is not a KRX index code (market/index, e.g. 1/028)' },
      description: 'KRX `indIdx/indIdx2`, e.g. `1/028` for KOSPI 200',
    },
    index_name: { kind: 'text', production: 'text', nullable: true },
    stock_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    snapshot_date: { kind: 'date', description: 'The day the snapshot lists; intervals are derived from successive snapshots' },
    effective_date: { kind: 'date', production: 'date', staged: false, description: 'The first snapshot that listed the stock in the index' },
    end_date: { kind: 'date', production: 'date', staged: false, nullable: true, description: 'The first snapshot without it; null while a member' },
  },
  key: ['index_code', 'stock_code'],
  keyDateColumn: null,
  batchDateColumn: 'snapshot_date',
  required: ['index_code', 'stock_code', 'snapshot_date'],
  valueColumns: ['stock_code'],
  auditColumns: ['source', 'created_at', 'updated_at'],
  aggregates: [],
  schedule: { cron: '30 7 * * 1-5', staleAfterHours: 6 },
  sources: ['krx', 'infomax'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'snapshot_complete', 'member_count'],
  snapshot: { column: 'index_code', noun: 'index', plural: 'indexes' },
} as const satisfies DatasetDefinition

/** A stock in an index on a snapshot date; intervals are derived from successive snapshots. */
export type IndexComponentValues = ValuesOf<typeof indexComponents>
