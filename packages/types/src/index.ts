import type { ColumnType, Generated, Insertable, Selectable } from 'kysely'
import type { DateColumn, Json, NullableDate, NullableNumeric, Numeric, Timestamp } from './column-types.ts'
import type { DatasetTables, OhlcvDailyTable } from './generated/dataset-tables.ts'

/**
 * Kysely table types of the production schema (migrations/). Downstream projects import these
 * to query with types. The datasets' tables (`generated/dataset-tables.ts`) are generated from
 * the dataset definitions (`pnpm gen:types`); the tables below them (logs, views, history) are
 * written here, in step with the migrations.
 *
 * Prices of stocks and ETFs are whole won (bigint), so numbers; sums over many rows
 * (sum(volume)) are numeric, so strings.
 */
export type * from './column-types.ts'
export type * from './generated/dataset-tables.ts'

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

/** A five-minute or hourly bar of a stock over ohlcv_minute (migration 0021); `bucket` is its start. */
export interface OhlcvMinuteBucketView {
  stock_code: string
  bucket: Date
  open_price: number
  high_price: number
  low_price: number
  close_price: number
  volume: string
  trading_value: string | null
  bar_count: string
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
  /** The dataset the run loaded (its production table). */
  data_type: string
  source: string
  partition_key: string
  /** The trade date the run collected (the as-of date of reference data). */
  collection_date: NullableDate
  trigger: ColumnType<string, string | undefined, string>
  status: RunStatus
  records_fetched: number | null
  records_staged: number | null
  /** Rows of the partition that passed validation. */
  records_count: number | null
  records_rejected: number | null
  records_promoted: number | null
  started_at: Timestamp
  completed_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
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
  /** The production table the checked batch is bound for. */
  table_name: string
  source: string
  partition_key: string
  check_date: NullableDate
  /** The rule, e.g. `ohlc_consistency`, `completeness`. */
  check_type: string
  severity: 'reject' | 'warn' | 'fail' | 'partial'
  passed: boolean
  threshold: NullableNumeric
  checked_count: ColumnType<number, number | undefined, number>
  issue_count: ColumnType<number, number | undefined, number>
  /** A sample of what the check found (keys, values, reasons). */
  details: Json | null
  message: string | null
  duration_ms: number | null
  checked_at: Timestamp
}

/** The completeness ledger (migration 0011): one row per daily partition, after each promotion. */
export interface PartitionCompletenessTable {
  dataset: string
  trade_date: DateColumn
  basis: 'master' | 'previous_session' | 'none' | 'daily_bars' | 'no_daily_bars'
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
  data_type: string
  source: string
  partition_key: string
  collection_date: string | null
  status: RunStatus
  trigger: string
  records_fetched: number | null
  records_count: number | null
  records_rejected: number | null
  records_promoted: number | null
  started_at: Date
  completed_at: Date | null
  duration_ms: number | null
  error_message: string | null
  run_id: string
}

export interface DataFreshnessView {
  data_type: string
  latest_collection_date: string | null
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
  /** When the batch's rows that reached production were purged (migration 0017); its rejected rows stay. */
  purged_at: ColumnType<Date | null, never, Date | string | null>
  /** When a person cleared the batch's quarantined rows (`etl quarantine clear`). */
  quarantine_cleared_at: ColumnType<Date | null, never, Date | string | null>
}

/** A dataset whose aggregates are behind production over [from_date, to_date] (migration 0020). */
export interface AggregateBacklogTable {
  dataset: string
  from_date: DateColumn
  to_date: DateColumn
  since: Timestamp
  revision: ColumnType<number, number | undefined, number>
}

export interface Database extends DatasetTables {
  stock_history: StockHistoryTable
  investor_types: InvestorTypesTable
  index_snapshots: IndexSnapshotsTable
  ohlcv_weekly: OhlcvBucketView
  ohlcv_monthly: OhlcvBucketView
  ohlcv_5min: OhlcvMinuteBucketView
  ohlcv_hourly: OhlcvMinuteBucketView
  investor_trading_weekly: InvestorTradingWeeklyView
  investor_trading_institution: InvestorTradingInstitutionView
  data_collection_logs: DataCollectionLogsTable
  data_quality_checks: DataQualityChecksTable
  partition_completeness: PartitionCompletenessTable
  aggregate_backlog: AggregateBacklogTable
  latest_collection_runs: LatestCollectionRunsView
  data_freshness: DataFreshnessView
  'staging.batches': StagingBatchesTable
}

export type OhlcvDailyRow = Selectable<OhlcvDailyTable>
export type NewOhlcvDaily = Insertable<OhlcvDailyTable>
export type DataCollectionLog = Selectable<DataCollectionLogsTable>
export type DataQualityCheck = Selectable<DataQualityChecksTable>
