export { validateBatch } from './validate-batch.ts'
export { DEFAULT_COMPLETENESS_THRESHOLD, expectedStockCodes, hasCompleteness, measureCoverage } from './expected-keys.ts'
export type { CompletenessBasis, Coverage, CoverageRequest } from './expected-keys.ts'
export { rulesFor } from './rule-sets.ts'
export { IDENTICAL_COPY_REASON } from './rules/duplicate-key.ts'
export { weekdaysTrade } from './rules/calendar.ts'
export type {
  CheckResult,
  Rule,
  RuleContext,
  RuleFinding,
  SampleEntry,
  Severity,
  ValidationOptions,
  ValidationOutcome,
  ValidationTarget,
} from './types.ts'
export type { DatasetSpec } from './datasets.ts'
export type { RowCheck, RowRule } from './row-pass.ts'
