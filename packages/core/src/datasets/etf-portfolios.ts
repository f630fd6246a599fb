import { STOCK_CODE_FORMAT, type DatasetDefinition, type ValuesOf } from './definition.ts'

const AMOUNT = { kind: 'decimal', production: 'numeric(24, 2)', nullable: true } as const

export const etfPortfolios = {
  name: 'etf_portfolios',
  kind: 'reference',
  productionTable: 'etf_portfolios',
  stagingTable: 'staging.etf_portfolios',
  description: "One line of an ETF's portfolio deposit file (PDF) per day: a stock, a futures leg, a bond or cash",
  columns: {
    etf_code: { kind: 'text', production: 'varchar(6)', format: STOCK_CODE_FORMAT },
    base_date: { kind: 'date', production: 'date' },
    component_code: { kind: 'text', production: 'text', nonBlank: true, description: 'Not always a stock code: futures, bonds and cash lines have their own' },
    component_isin: { kind: 'text', production: 'text', nullable: true },
    component_name: { kind: 'text', production: 'text', nonBlank: true },
    component_market: { kind: 'text', production: 'text', nullable: true },
    security_group: { kind: 'text', production: 'text', nullable: true },
    shares: { ...AMOUNT, unit: 'shares', description: 'Per creation unit; negative for inverse legs; null for cash lines' },
    valuation_amount: { ...AMOUNT, unit: 'won' },
    component_amount: { ...AMOUNT, unit: 'won' },
    weight: { kind: 'decimal', production: 'numeric(9, 4)', nullable: true, unit: 'percent' },
  },
  key: ['etf_code', 'base_date', 'component_code'],
  keyDateColumn: 'base_date',
  batchDateColumn: 'base_date',
  required: ['etf_code', 'base_date', 'component_code', 'component_name'],
  valueColumns: ['shares', 'valuation_amount', 'component_amount', 'weight'],
  auditColumns: ['source', 'created_at', 'updated_at'],
  aggregates: [],
  // Monday before the open: the portfolio deposit files of the week's first session.
  schedule: { cron: '30 7 * * 1', staleAfterHours: 24 },
  sources: ['krx', 'infomax'],
  rules: ['schema', 'out_of_range', 'duplicate_key', 'snapshot_complete', 'weight_sum'],
  snapshot: { column: 'etf_code', noun: 'ETF', plural: 'ETFs' },
} as const satisfies DatasetDefinition

/** One line of an ETF's portfolio deposit file: a stock, a futures leg, a bond or cash. */
export type EtfPortfolioValues = ValuesOf<typeof etfPortfolios>
