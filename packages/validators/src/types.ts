import type { Kysely } from 'kysely'
import type { Dataset } from '@kmd/core'
import type { Database } from '@kmd/db'
import type { DatasetSpec } from './datasets.ts'

/**
 * reject: the row is rejected | warn: the row is kept, a warning recorded | fail: the whole
 * batch fails | partial: the rows are kept, but the run cannot end SUCCESS (completeness).
 */
export type Severity = 'reject' | 'warn' | 'fail' | 'partial'

/** The staged batch to validate and the run it belongs to (written to data_quality_checks). */
export interface ValidationTarget {
  runId: string
  batchId: string
  dataset: Dataset
  source: string
  partitionKey: string
  /**
   * `YYYY-MM-DD`: the day the batch describes. Daily datasets and one-day snapshots
   * (index_components, etf_portfolios) must date every row on it; reference lists without a
   * date column (stocks, sectors) are as of it.
   */
  tradeDate: string
  /** The batch answers only for these stocks (a gap fill): completeness expects no others. */
  onlyStocks?: readonly string[]
}

export interface SampleEntry {
  /** `005930@2024-01-02`, `005930/individual@2024-01-02`, `1/028`, or `row 17` when the key is incomplete. */
  key: string
  reason: string
}

export interface CheckResult {
  checkName: string
  severity: Severity
  passed: boolean
  threshold: number | null
  checkedCount: number
  issueCount: number
  sample: SampleEntry[]
  message: string
  durationMs: number
}

export interface ValidationOutcome {
  checks: CheckResult[]
  validCount: number
  rejectedCount: number
  /** Identical copies of a kept row, set aside without loss (`duplicate`); not counted as rejected. */
  duplicateCount: number
  /** Rows carrying at least one warning, valid or rejected. */
  warnedCount: number
  batchFailed: boolean
  failureReason: string | undefined
  /** Why the batch delivered less than expected (failed `partial` checks); undefined when complete. */
  incompleteReason: string | undefined
}

export interface ValidationOptions {
  /** Trading-day answer for dates `market_calendar` does not hold; default: weekdays trade. */
  isTradingDay?: (date: string) => boolean
  /** Share of expected keys below which the day is incomplete; default DEFAULT_COMPLETENESS_THRESHOLD. Any missing key fails the check. */
  completenessThreshold?: number
}

/** What a rule sees: the open transaction, the batch, and the dataset's fixed column map. */
export interface RuleContext {
  db: Kysely<Database>
  target: ValidationTarget
  spec: DatasetSpec
  isTradingDay: (date: string) => boolean
  completenessThreshold: number
}

/** A rule's verdict before validateBatch adds its name, severity, threshold and duration. */
export interface RuleFinding {
  passed: boolean
  checkedCount: number
  issueCount: number
  sample: SampleEntry[]
  message: string
  /** The limit actually applied, when it is configured per run rather than fixed by the rule. */
  threshold?: number | null
}

export interface Rule {
  readonly name: string
  readonly severity: Severity
  /** The rule's tolerance or limit, recorded with every check; null when it has none. */
  readonly threshold: number | null
  /** One line, for docs and `etl quality`. */
  readonly description: string
  check(context: RuleContext): Promise<RuleFinding>
}
