import {
  DATASET_DEFINITIONS,
  entityColumns,
  type ColumnDefinition,
  type Dataset,
  type DatasetDefinition,
} from '@kmd/core'

export { INDEX_CODE_PATTERN, STOCK_CODE_PATTERN } from '@kmd/core'

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
 * The columns each rule needs to know about, per dataset: a view of the dataset's definition
 * (`@kmd/core` datasets/) shaped for the rules. Every SQL identifier the validators use comes
 * from it (or from a rule's own literals), never from input.
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
  /** The key date column is a timestamp (minute bars): its KST date is the trade date, and keys show the minute. */
  keyTimestamp: boolean
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
  /** KRX stock prices, each a whole multiple of its band's tick (tick_grid). */
  tickGridColumns: readonly string[]
  /** The value two sources must agree on, and how closely (cross_source_agreement); null: not compared. */
  crossSourceAgreement: { column: string; relativeTolerance: number } | null
}

function specOf(definition: DatasetDefinition): DatasetSpec {
  const staged = Object.entries(definition.columns).filter(([, column]) => column.staged !== false)
  const where = <T>(pick: (name: string, column: ColumnDefinition) => T | undefined): T[] =>
    staged.flatMap(([name, column]) => {
      const picked = pick(name, column)
      return picked === undefined ? [] : [picked]
    })
  return {
    dataset: definition.name as Dataset,
    stagingTable: definition.stagingTable,
    productionTable: definition.productionTable,
    entityColumns: entityColumns(definition),
    keyDateColumn: definition.keyDateColumn,
    keyTimestamp: definition.keyDateColumn !== null && definition.columns[definition.keyDateColumn]?.kind === 'timestamp',
    keyColumns: definition.key,
    requiredColumns: definition.required,
    ...(definition.notReportedBySource ? { notReportedBySource: definition.notReportedBySource as Record<string, readonly string[]> } : {}),
    nonBlankColumns: where((name, column) => (column.nonBlank ? name : undefined)),
    batchDateColumn: definition.batchDateColumn,
    formats: where((name, column) => (column.format ? { column: name, ...column.format } : undefined)),
    choices: where((name, column) => (column.choices ? { column: name, values: column.choices } : undefined)),
    bounds: where((name, column) => (column.bounds ? { column: name, ...column.bounds } : undefined)),
    valueColumns: definition.valueColumns,
    tickGridColumns: where((name, column) => (column.onTickGrid ? name : undefined)),
    crossSourceAgreement: definition.crossSourceAgreement ?? null,
  }
}

const SPECS = new Map<string, DatasetSpec>(DATASET_DEFINITIONS.map((definition) => [definition.name, specOf(definition)]))

export function datasetSpec(dataset: Dataset): DatasetSpec {
  const spec = SPECS.get(dataset)
  if (!spec) throw new Error(`no validation rules for dataset "${dataset}"`)
  return spec
}

/** The required columns for rows from this source. */
export function requiredColumnsFor(spec: DatasetSpec, source: string): readonly string[] {
  const notReported = spec.notReportedBySource?.[source] ?? []
  return spec.requiredColumns.filter((column) => !notReported.includes(column))
}
