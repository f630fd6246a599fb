import type { Decimal, SourceName, TradeDate } from '../records.ts'

/**
 * What a canonical value is, and so its TypeScript type in a record and its staging column type.
 * `integer` counts and amounts (shares, won) are staged as unbounded numeric, not bigint: a
 * value beyond 64 bits (a corrupted cell) lands and the out_of_range rule rejects its row alone
 * (migration 0013), instead of failing the whole COPY.
 */
export type ValueKind = 'text' | 'date' | 'timestamp' | 'decimal' | 'integer' | 'boolean'

export const STAGING_TYPE_OF_KIND = {
  text: 'text',
  date: 'date',
  timestamp: 'timestamptz',
  decimal: 'numeric',
  integer: 'numeric',
  boolean: 'boolean',
} as const satisfies Record<ValueKind, string>
export type StagingType = (typeof STAGING_TYPE_OF_KIND)[ValueKind]

/** How each kind travels in a canonical record: decimals as strings, so prices stay exact end to end. */
export interface ValueOfKind {
  text: string
  date: TradeDate
  /** ISO 8601 with its offset (`2024-01-02T09:00:00+09:00`): an instant, whatever the session's time zone. */
  timestamp: string
  decimal: Decimal
  integer: number
  boolean: boolean
}

/** A production column's type as the migrations declare it. */
export type ProductionType =
  | 'text'
  | 'date'
  | 'time'
  | 'timestamptz'
  | 'boolean'
  | 'bigint'
  | 'integer'
  | `numeric(${number}, ${number})`
  | `varchar(${number})`
  | `char(${number})`

export interface ColumnDefinition {
  readonly kind: ValueKind
  /** The production column's type; absent: the column is staged only (it feeds another table or column). */
  readonly production?: ProductionType
  /** The production column may be null (staging columns always may: a cell that did not parse is null). */
  readonly nullable?: true
  /** false: production only (derived by the promoter or filled by the database), never staged. */
  readonly staged?: false
  /** Production fills it (identity, default): optional when inserting. */
  readonly generated?: true
  /** The production column is a foreign key into this table. */
  readonly references?: 'investor_types'
  readonly unit?: 'won' | 'shares' | 'percent'
  /** A value must match: `says` finishes `schema: <column> "<value>" …`. */
  readonly format?: ColumnFormatDefinition
  /** A value must be one of these. */
  readonly choices?: readonly string[]
  /**
   * Limits that mirror production's CHECKs so promotion never trips over a constraint:
   * `value < atLeast` or `|value| >= below` is refused. What the column's type can hold is read
   * from the production table by the out_of_range rule, not written here.
   */
  readonly bounds?: { readonly atLeast?: string; readonly below?: string; readonly says: string }
  /** A required text column whose empty or blank value counts as missing. */
  readonly nonBlank?: true
  /** A KRX stock price: a whole multiple of the tick of its band (rule tick_grid). */
  readonly onTickGrid?: true
  readonly description?: string
}

export interface ColumnFormatDefinition {
  readonly pattern: string
  readonly says: string
}

/** KRX short codes: six characters, digits and capitals (005930, 0041B0, 37550L). */
export const STOCK_CODE_PATTERN = '^[0-9A-Z]{6}$'
/** KRX `indIdx/indIdx2`: market group and index, e.g. 1/028 (KOSPI 200), 2/203 (KOSDAQ 150). */
export const INDEX_CODE_PATTERN = '^[0-9]/[0-9A-Z]{3}$'
export const STOCK_CODE_FORMAT = { pattern: STOCK_CODE_PATTERN, says: 'is not six digits or capital letters' } as const

/**
 * Audit columns a production row carries beside the dataset's own: which source delivered it,
 * in which batch, when. Reference tables carry no batch id.
 */
export const AUDIT_COLUMNS = ['source', 'batch_id', 'created_at', 'updated_at'] as const
export type AuditColumn = (typeof AUDIT_COLUMNS)[number]

/**
 * Columns every staging table has beside the dataset's: the batch and row, the source's own
 * fields and parse errors, and the validator's verdict.
 */
export const STAGING_ROW_COLUMNS = ['batch_id', 'row_number', 'raw', 'parse_errors', 'validation_status', 'reject_reasons', 'warnings'] as const

/** A rule of the validators, by its name in the validators' catalog (src/rule-sets.ts); `severity` where the rule takes one. */
export type RuleReference = string | { readonly name: string; readonly severity: 'reject' | 'warn' }

export interface DatasetDefinition {
  readonly name: string
  /** daily: one partition per trade date, a hypertable; reference: snapshots of lists. */
  readonly kind: 'daily' | 'reference'
  /**
   * A daily dataset's rows: one per stock and day (default), or one per stock and minute of the
   * session, keyed by a timestamp whose KST date is the trade date. A minute day is ~1M rows and
   * ~10k source calls, so the loops that load every daily dataset for a day (demo, nightly
   * bench) leave minute datasets out (`DAY_GRAIN_DATASETS`).
   */
  readonly grain?: 'minute'
  readonly productionTable: string
  readonly stagingTable: string
  readonly description: string
  /** Staged columns first in COPY order; production-only columns say `staged: false`. */
  readonly columns: Readonly<Record<string, ColumnDefinition>>
  /** The unique key of a staged row: what it describes plus its key date column. */
  readonly key: readonly string[]
  /** The date shown after `@` in sample keys (`005930@2024-01-02`); null when the key has no date. */
  readonly keyDateColumn: string | null
  /** The column every row must date on the batch's trade date (a one-day snapshot); null when rows carry their own dates. */
  readonly batchDateColumn: string | null
  /** Columns a row cannot be promoted without. */
  readonly required: readonly string[]
  /** Required columns a given source does not report at all (Naver's daily page has no trading value). */
  readonly notReportedBySource?: Readonly<Partial<Record<SourceName, readonly string[]>>>
  /** Columns that carry market data (a row with any of them set "has values"); the calendar rule reads them. */
  readonly valueColumns: readonly string[]
  readonly auditColumns: readonly AuditColumn[]
  /** TimescaleDB partitioning (plain tables on PostgreSQL without it). */
  readonly hypertable?: {
    readonly chunkInterval: string
    readonly compressAfter: string
    readonly segmentBy: string
    readonly orderBy: string
  }
  /** Aggregates over the table the promoter refreshes after promoting dates into it. */
  readonly aggregates: ReadonlyArray<{ readonly view: string; readonly width: '1 week' | '1 month' }>
  /**
   * Views TimescaleDB keeps as continuous aggregates (plain views elsewhere, current by
   * construction): refreshed over the promoted day after each promotion, since a backfilled day
   * older than their policies' window would stay unmaterialised and hidden.
   */
  readonly continuousAggregates?: ReadonlyArray<{ readonly view: string; readonly width: '5 minutes' | '1 hour' }>
  /**
   * The default job: a cron expression in Korea time, and the hours after a slot by which its
   * trade date must be in the database (later, the data is stale and one alert goes out).
   * Absent: no default job.
   */
  readonly schedule?: { readonly cron: string; readonly staleAfterHours: number }
  /** The sources that deliver it, in plan order: the primary, then who stands in when it fails. */
  readonly sources: readonly [SourceName, ...SourceName[]]
  /**
   * The rule set, in the order the rules run. Order matters where a rule looks only at rows
   * not yet rejected (investor_zero_sum after schema, duplicate_key, net_identity; isin_unique
   * after schema and duplicate_key; snapshot_complete after every reject rule of its dataset;
   * weight_sum, ratio_consistency and volume_anomaly after every reject rule, so they warn only
   * on rows that will be kept). out_of_range runs right after schema so a cell production
   * cannot hold is named before anything computes with it; duplicate_key before the rules that
   * judge a row on its own; unknown_stock before the rules that look a stock up in production;
   * price_limit, change_consistency and average_price share one view of production's previous
   * close; completeness last, so a rejected row counts as a missing key.
   */
  readonly rules: readonly RuleReference[]
  /** The value two sources must agree on, and how closely (rule cross_source_agreement). */
  readonly crossSourceAgreement?: { readonly column: string; readonly relativeTolerance: number }
  /** A one-day snapshot per group (rule snapshot_complete): the group's column and what to call it. */
  readonly snapshot?: { readonly column: string; readonly noun: string; readonly plural: string }
}

type ColumnsOf<D extends DatasetDefinition> = D['columns']

/** The canonical record values of a dataset: every staged column, null when the source had no value. */
export type ValuesOf<D extends DatasetDefinition> = {
  -readonly [C in keyof ColumnsOf<D> as ColumnsOf<D>[C] extends { staged: false } ? never : C]: ValueOfKind[ColumnsOf<D>[C]['kind']] | null
}

/** The staged columns, in COPY order. */
export function stagedColumns(definition: DatasetDefinition): string[] {
  return Object.entries(definition.columns)
    .filter(([, column]) => column.staged !== false)
    .map(([name]) => name)
}

/** The columns production holds, with their types. */
export function productionColumns(definition: DatasetDefinition): Array<[string, ColumnDefinition & { production: ProductionType }]> {
  return Object.entries(definition.columns).filter((entry): entry is [string, ColumnDefinition & { production: ProductionType }] => entry[1].production !== undefined)
}

/** Columns staged and promoted under the same name: what an upsert copies. */
export function promotedColumns(definition: DatasetDefinition): string[] {
  return Object.entries(definition.columns)
    .filter(([, column]) => column.staged !== false && column.production !== undefined)
    .map(([name]) => name)
}

/** The key without its date: what a row describes (stock_code, + investor_type, …). */
export function entityColumns(definition: DatasetDefinition): string[] {
  return definition.key.filter((column) => column !== definition.keyDateColumn)
}
