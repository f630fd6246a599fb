import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'

/**
 * Kysely table types of the production schema (migrations/). Downstream projects import these
 * to query with types; keep them in step with the migrations.
 *
 * numeric columns come back as strings (exact), bigint as numbers, date as 'YYYY-MM-DD'
 * strings (no time zone can shift a trade date), timestamptz as Date. Prices of stocks and
 * ETFs are whole won (bigint), so numbers; sums over many rows (sum(volume)) are numeric, so strings.
 */
type Numeric = ColumnType<string, string | number, string | number>
type NullableNumeric = ColumnType<string | null, string | number | null, string | number | null>
type DateColumn = string
type NullableDate = string | null
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>
type Json = ColumnType<unknown, string, string>

export type Market = 'KOSPI' | 'KOSDAQ' | 'KONEX'

/**
 * The eleven leaf investor groups KRX reports, as the `investor_types` table holds them: the
 * code stored in `investor_trading.investor_type`, KRX's `invstTpCd`, the Korean name, and
 * whether the group counts among institutions (기관) and pension funds. 기관합계 (7050) and 전체
 * (9999) are sums of these leaves, derived downstream, never stored. Every source maps its own
 * labels onto these codes; this list is the one definition.
 */
export const INVESTOR_TYPE_DEFINITIONS = [
  { investorType: 'financial_investment', krxCode: '1000', nameKo: '금융투자', isInstitution: true, isPension: false },
  { investorType: 'insurance', krxCode: '2000', nameKo: '보험', isInstitution: true, isPension: false },
  { investorType: 'investment_trust', krxCode: '3000', nameKo: '투신', isInstitution: true, isPension: false },
  { investorType: 'private_equity', krxCode: '3100', nameKo: '사모', isInstitution: true, isPension: false },
  { investorType: 'bank', krxCode: '4000', nameKo: '은행', isInstitution: true, isPension: false },
  { investorType: 'other_financial', krxCode: '5000', nameKo: '기타금융', isInstitution: true, isPension: false },
  { investorType: 'pension_fund', krxCode: '6000', nameKo: '연기금 등', isInstitution: true, isPension: true },
  { investorType: 'other_corporation', krxCode: '7100', nameKo: '기타법인', isInstitution: false, isPension: false },
  { investorType: 'individual', krxCode: '8000', nameKo: '개인', isInstitution: false, isPension: false },
  { investorType: 'foreign', krxCode: '9000', nameKo: '외국인', isInstitution: false, isPension: false },
  { investorType: 'other_foreign', krxCode: '9001', nameKo: '기타외국인', isInstitution: false, isPension: false },
] as const
export type InvestorTypeDefinition = (typeof INVESTOR_TYPE_DEFINITIONS)[number]
export type InvestorType = InvestorTypeDefinition['investorType']
/** The codes alone, in display order. */
export const INVESTOR_TYPES: readonly InvestorType[] = INVESTOR_TYPE_DEFINITIONS.map((definition) => definition.investorType)

export const RUN_STATUSES = ['RUNNING', 'SUCCESS', 'PARTIAL', 'FAILED', 'SKIPPED', 'ABORTED', 'ABANDONED'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

interface Audit {
  source: string
  batch_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface MarketCalendarTable {
  trade_date: DateColumn
  is_trading_day: boolean
  open_time: string | null
  close_time: string | null
  holiday_name: string | null
  source: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface SectorsTable {
  sector_id: Generated<number>
  market: Market
  name: string
  source: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface StocksTable {
  stock_code: string
  isin: string
  name: string
  short_name: string | null
  english_name: string | null
  market: Market
  market_segment: string | null
  security_group: string | null
  share_class: string | null
  par_value: NullableNumeric
  listed_shares: number | null
  listing_date: NullableDate
  delisting_date: NullableDate
  delisting_reason: string | null
  is_active: Generated<boolean>
  sector_id: number | null
  /** The snapshot date of the latest master that described this stock. */
  as_of_date: NullableDate
  source: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface StockHistoryTable {
  stock_code: string
  valid_from: DateColumn
  valid_to: NullableDate
  name: string
  market: string
  market_segment: string | null
  source: string
  recorded_at: Timestamp
}

export interface InvestorTypesTable {
  investor_type: InvestorType
  krx_code: string
  name_ko: string
  is_institution: boolean
  is_pension: boolean
  display_order: number
}

export interface IndexComponentsTable {
  index_code: string
  index_name: string | null
  stock_code: string
  effective_date: DateColumn
  end_date: NullableDate
  source: string
  created_at: Timestamp
  updated_at: Timestamp
}

/** One row per index snapshot promoted, so an older snapshot arriving late can be recognised. */
export interface IndexSnapshotsTable {
  index_code: string
  snapshot_date: DateColumn
  member_count: number
  source: string
  batch_id: string | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface FloatingSharesTable {
  stock_code: string
  base_date: DateColumn
  total_shares: number
  floating_shares: number
  floating_ratio: Numeric
  source: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface EtfPortfoliosTable {
  etf_code: string
  base_date: DateColumn
  component_code: string
  component_isin: string | null
  component_name: string
  component_market: string | null
  security_group: string | null
  /** Per creation unit; numeric, not whole: foreign stocks and futures lines can hold fractions. */
  shares: NullableNumeric
  valuation_amount: NullableNumeric
  component_amount: NullableNumeric
  /** Percent of the portfolio. */
  weight: NullableNumeric
  source: string
  created_at: Timestamp
  updated_at: Timestamp
}

export interface OhlcvDailyTable extends Audit {
  stock_code: string
  time: DateColumn
  open_price: number | null
  high_price: number | null
  low_price: number | null
  close_price: number
  volume: number
  trading_value: number | null
  change: number | null
  change_rate: NullableNumeric
}

export interface MarketCapDailyTable extends Audit {
  stock_code: string
  time: DateColumn
  close_price: number | null
  market_cap: number
  shares_outstanding: number
}

export interface InvestorTradingTable extends Audit {
  stock_code: string
  investor_type: InvestorType
  time: DateColumn
  sell_volume: number
  buy_volume: number
  net_buy_volume: number
  sell_value: number
  buy_value: number
  net_buy_value: number
}

export interface OhlcvMinuteTable extends Audit {
  stock_code: string
  time: Timestamp
  open_price: number
  high_price: number
  low_price: number
  close_price: number
  volume: number
  trading_value: number | null
}

export interface OhlcvBucketView {
  stock_code: string
  bucket: string
  open_price: number | null
  high_price: number | null
  low_price: number | null
  close_price: number
  volume: string
  trading_value: string
  trading_days: number
}

export interface InvestorTradingWeeklyView {
  stock_code: string
  investor_type: InvestorType
  bucket: string
  sell_volume: string
  buy_volume: string
  net_buy_volume: string
  sell_value: string
  buy_value: string
  net_buy_value: string
}

export interface InvestorTradingInstitutionView {
  stock_code: string
  time: string
  investor_group: 'institution_total' | 'institution_ex_pension'
  sell_volume: string
  buy_volume: string
  net_buy_volume: string
  sell_value: string
  buy_value: string
  net_buy_value: string
}

export interface DataCollectionLogsTable {
  id: Generated<number>
  run_id: string
  batch_id: string | null
  dataset: string
  source: string
  partition_key: string
  trade_date: NullableDate
  trigger: ColumnType<string, string | undefined, string>
  status: RunStatus
  records_fetched: number | null
  records_staged: number | null
  records_valid: number | null
  records_rejected: number | null
  records_promoted: number | null
  started_at: Timestamp
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
  duration_ms: number | null
  stage_timings: ColumnType<unknown, string | null | undefined, string | null>
  error_message: string | null
  error_detail: ColumnType<unknown, string | null | undefined, string | null>
  host: string | null
  fallback_from: string[] | null
  /** The run lease the row lives by while RUNNING (migration 0010). */
  lease_key: ColumnType<number | null, number | null | undefined, number | null>
  created_at: Timestamp
}

export interface DataQualityChecksTable {
  id: Generated<number>
  run_id: string
  batch_id: string | null
  dataset: string
  source: string
  partition_key: string
  trade_date: NullableDate
  check_name: string
  severity: 'reject' | 'warn' | 'fail' | 'partial'
  passed: boolean
  threshold: NullableNumeric
  checked_count: ColumnType<number, number | undefined, number>
  issue_count: ColumnType<number, number | undefined, number>
  sample: Json | null
  message: string | null
  duration_ms: number | null
  checked_at: Timestamp
}

/** The completeness ledger (migration 0011): one row per daily partition, after each promotion. */
export interface PartitionCompletenessTable {
  dataset: string
  trade_date: DateColumn
  basis: 'master' | 'previous_session' | 'none'
  expected_count: number
  present_count: number
  missing_count: number
  missing_sample: ColumnType<string[], string[] | undefined, string[]>
  threshold: Numeric
  complete: boolean
  run_id: string | null
  checked_at: Timestamp
}

export interface LatestCollectionRunsView {
  dataset: string
  source: string
  partition_key: string
  trade_date: string | null
  status: RunStatus
  trigger: string
  records_fetched: number | null
  records_valid: number | null
  records_rejected: number | null
  records_promoted: number | null
  started_at: Date
  finished_at: Date | null
  duration_ms: number | null
  error_message: string | null
  run_id: string
}

export interface DataFreshnessView {
  dataset: string
  latest_trade_date: string | null
  last_success_at: Date | null
  age: unknown
  last_failure_at: Date | null
  failures_last_7_days: number
}

export interface StagingBatchesTable {
  batch_id: string
  run_id: string
  dataset: string
  source: string
  partition_key: string
  row_count: ColumnType<number, number | undefined, number>
  status: ColumnType<'loaded' | 'validated' | 'promoted' | 'failed' | 'abandoned', string | undefined, string>
  created_at: Timestamp
  updated_at: Timestamp
}

export interface Database {
  market_calendar: MarketCalendarTable
  sectors: SectorsTable
  stocks: StocksTable
  stock_history: StockHistoryTable
  investor_types: InvestorTypesTable
  index_components: IndexComponentsTable
  index_snapshots: IndexSnapshotsTable
  floating_shares: FloatingSharesTable
  etf_portfolios: EtfPortfoliosTable
  ohlcv_daily: OhlcvDailyTable
  market_cap_daily: MarketCapDailyTable
  investor_trading: InvestorTradingTable
  ohlcv_minute: OhlcvMinuteTable
  ohlcv_weekly: OhlcvBucketView
  ohlcv_monthly: OhlcvBucketView
  investor_trading_weekly: InvestorTradingWeeklyView
  investor_trading_institution: InvestorTradingInstitutionView
  data_collection_logs: DataCollectionLogsTable
  data_quality_checks: DataQualityChecksTable
  partition_completeness: PartitionCompletenessTable
  latest_collection_runs: LatestCollectionRunsView
  data_freshness: DataFreshnessView
  'staging.batches': StagingBatchesTable
}

export type OhlcvDailyRow = Selectable<OhlcvDailyTable>
export type NewOhlcvDaily = Insertable<OhlcvDailyTable>
export type DataCollectionLog = Selectable<DataCollectionLogsTable>
export type DataQualityCheck = Selectable<DataQualityChecksTable>
