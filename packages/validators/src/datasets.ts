import { MARKETS, type Dataset } from '@kmd/core'

/** A column whose value must match a regular expression; `says` finishes `schema: <column> "<value>" …`. */
export interface ColumnFormat {
  column: string
  pattern: string
  says: string
}

/** A column whose value must be one of a fixed list. */
export interface ColumnChoice {
  column: string
  values: readonly string[]
}

/**
 * A numeric column's limits that mirror production's CHECKs so promotion never trips over a
 * constraint: `value < atLeast` or `|value| >= below` is refused. What a column's type can hold
 * (numeric precision and scale, integer range) is not written here: `out_of_range` reads it
 * from the production table.
 */
export interface ColumnBound {
  column: string
  atLeast?: string
  below?: string
  says: string
}

/**
 * The columns each rule needs to know about, per dataset. Every SQL identifier the validators
 * use comes from this map (or from a rule's own literals), never from input.
 */
export interface DatasetSpec {
  dataset: Dataset
  /** `staging.<dataset>` */
  stagingTable: string
  /** The production table the batch is promoted into. */
  productionTable: string
  /** What a row describes, without its date: stock_code (+ investor_type), etf_code + component_code, … */
  entityColumns: readonly string[]
  /** The date shown after `@` in sample keys (`005930@2024-01-02`); null when the key has no date. */
  keyDateColumn: string | null
  /** The unique key: entity columns + the key date column. */
  keyColumns: readonly string[]
  /** Columns a row cannot be promoted without. */
  requiredColumns: readonly string[]
  /** Required columns a given source does not report at all (Naver's daily page has no trading value). */
  notReportedBySource?: Readonly<Record<string, readonly string[]>>
  /** Required text columns for which an empty or blank string counts as missing. */
  nonBlankColumns: readonly string[]
  /** The column every row must date on the batch's trade date (a one-day snapshot); null when rows carry their own dates. */
  batchDateColumn: string | null
  formats: readonly ColumnFormat[]
  choices: readonly ColumnChoice[]
  bounds: readonly ColumnBound[]
  /** Columns that carry market data (a row with any of them set "has values"); the calendar rule reads them. */
  valueColumns: readonly string[]
}

export const STOCK_CODE_PATTERN = '^[0-9A-Z]{6}$'
/** KRX `indIdx/indIdx2`: market group and index, e.g. 1/028 (KOSPI 200), 2/203 (KOSDAQ 150). */
export const INDEX_CODE_PATTERN = '^[0-9]/[0-9A-Z]{3}$'
const STOCK_CODE_SAYS = 'is not six digits or capital letters'
const stockCode = (column: string): ColumnFormat => ({ column, pattern: STOCK_CODE_PATTERN, says: STOCK_CODE_SAYS })

const DAILY = { nonBlankColumns: [], batchDateColumn: 'time', keyDateColumn: 'time', choices: [], bounds: [] } as const

const SPECS: Record<Dataset, DatasetSpec> = {
  ohlcv_daily: {
    ...DAILY,
    dataset: 'ohlcv_daily',
    stagingTable: 'staging.ohlcv_daily',
    productionTable: 'ohlcv_daily',
    entityColumns: ['stock_code'],
    keyColumns: ['stock_code', 'time'],
    requiredColumns: ['stock_code', 'time', 'close_price', 'volume', 'trading_value'],
    notReportedBySource: { naver: ['trading_value'] },
    formats: [stockCode('stock_code')],
    valueColumns: ['open_price', 'high_price', 'low_price', 'close_price', 'volume', 'trading_value'],
  },
  market_cap_daily: {
    ...DAILY,
    dataset: 'market_cap_daily',
    stagingTable: 'staging.market_cap_daily',
    productionTable: 'market_cap_daily',
    entityColumns: ['stock_code'],
    keyColumns: ['stock_code', 'time'],
    requiredColumns: ['stock_code', 'time', 'market_cap', 'shares_outstanding'],
    formats: [stockCode('stock_code')],
    valueColumns: ['close_price', 'market_cap', 'shares_outstanding'],
  },
  investor_trading: {
    ...DAILY,
    dataset: 'investor_trading',
    stagingTable: 'staging.investor_trading',
    productionTable: 'investor_trading',
    entityColumns: ['stock_code', 'investor_type'],
    keyColumns: ['stock_code', 'investor_type', 'time'],
    requiredColumns: ['stock_code', 'investor_type', 'time', 'sell_volume', 'buy_volume', 'net_buy_volume', 'sell_value', 'buy_value', 'net_buy_value'],
    formats: [stockCode('stock_code')],
    valueColumns: ['sell_volume', 'buy_volume', 'net_buy_volume', 'sell_value', 'buy_value', 'net_buy_value'],
  },
  stocks: {
    dataset: 'stocks',
    stagingTable: 'staging.stocks',
    productionTable: 'stocks',
    entityColumns: ['stock_code'],
    keyDateColumn: null,
    keyColumns: ['stock_code'],
    requiredColumns: ['stock_code', 'isin', 'name', 'market'],
    nonBlankColumns: ['name'],
    batchDateColumn: null,
    formats: [stockCode('stock_code'), { column: 'isin', pattern: '^[A-Z]{2}[0-9A-Z]{9}[0-9]$', says: 'is not an ISIN (two letters, nine letters or digits, a check digit)' }],
    choices: [{ column: 'market', values: MARKETS }],
    bounds: [{ column: 'listed_shares', atLeast: '0', says: 'is negative' }],
    valueColumns: ['name', 'market', 'listed_shares'],
  },
  sectors: {
    dataset: 'sectors',
    stagingTable: 'staging.sectors',
    productionTable: 'sectors',
    entityColumns: ['stock_code'],
    keyDateColumn: null,
    keyColumns: ['stock_code'],
    requiredColumns: ['market', 'name', 'stock_code'],
    nonBlankColumns: ['name'],
    batchDateColumn: null,
    formats: [stockCode('stock_code')],
    choices: [{ column: 'market', values: MARKETS }],
    bounds: [],
    valueColumns: ['market', 'name'],
  },
  index_components: {
    dataset: 'index_components',
    stagingTable: 'staging.index_components',
    productionTable: 'index_components',
    entityColumns: ['index_code', 'stock_code'],
    keyDateColumn: null,
    keyColumns: ['index_code', 'stock_code'],
    requiredColumns: ['index_code', 'stock_code', 'snapshot_date'],
    nonBlankColumns: [],
    batchDateColumn: 'snapshot_date',
    formats: [
      { column: 'index_code', pattern: INDEX_CODE_PATTERN, says: 'is not a KRX index code (market/index, e.g. 1/028)' },
      stockCode('stock_code'),
    ],
    choices: [],
    bounds: [],
    valueColumns: ['stock_code'],
  },
  floating_shares: {
    dataset: 'floating_shares',
    stagingTable: 'staging.floating_shares',
    productionTable: 'floating_shares',
    entityColumns: ['stock_code'],
    keyDateColumn: 'base_date',
    keyColumns: ['stock_code', 'base_date'],
    requiredColumns: ['stock_code', 'base_date', 'total_shares', 'floating_shares', 'floating_ratio'],
    nonBlankColumns: [],
    batchDateColumn: null,
    formats: [stockCode('stock_code')],
    choices: [],
    bounds: [],
    valueColumns: ['total_shares', 'floating_shares', 'floating_ratio'],
  },
  etf_portfolios: {
    dataset: 'etf_portfolios',
    stagingTable: 'staging.etf_portfolios',
    productionTable: 'etf_portfolios',
    entityColumns: ['etf_code', 'component_code'],
    keyDateColumn: 'base_date',
    keyColumns: ['etf_code', 'base_date', 'component_code'],
    requiredColumns: ['etf_code', 'base_date', 'component_code', 'component_name'],
    nonBlankColumns: ['component_code', 'component_name'],
    batchDateColumn: 'base_date',
    formats: [stockCode('etf_code')],
    choices: [],
    bounds: [],
    valueColumns: ['shares', 'valuation_amount', 'component_amount', 'weight'],
  },
  market_calendar: {
    dataset: 'market_calendar',
    stagingTable: 'staging.market_calendar',
    productionTable: 'market_calendar',
    entityColumns: [],
    keyDateColumn: 'trade_date',
    keyColumns: ['trade_date'],
    requiredColumns: ['trade_date', 'is_trading_day'],
    nonBlankColumns: [],
    batchDateColumn: null,
    formats: [],
    choices: [],
    bounds: [],
    valueColumns: ['is_trading_day'],
  },
}

export function datasetSpec(dataset: Dataset): DatasetSpec {
  const spec = (SPECS as Partial<Record<string, DatasetSpec>>)[dataset]
  if (!spec) throw new Error(`no validation rules for dataset "${dataset}"`)
  return spec
}

/** The required columns for rows from this source. */
export function requiredColumnsFor(spec: DatasetSpec, source: string): readonly string[] {
  const notReported = spec.notReportedBySource?.[source] ?? []
  return spec.requiredColumns.filter((column) => !notReported.includes(column))
}
