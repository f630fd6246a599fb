import { sql, type Kysely } from 'kysely'
import { acquirePipelineLock, type Database } from '@kmd/db'
import { datasetSpec, type DatasetSpec } from './datasets.ts'
import { DEFAULT_COMPLETENESS_THRESHOLD } from './expected-keys.ts'
import { rulesFor } from './rule-sets.ts'
import { isRowRule, runRowRules, type RowRule } from './row-pass.ts'
import { IDENTICAL_COPY_REASON } from './rules/duplicate-key.ts'
import { weekdaysTrade } from './rules/calendar.ts'
import { batchParam, stagingTable } from './sql-parts.ts'
import type { CheckResult, Rule, RuleContext, RuleFinding, ValidationOptions, ValidationOutcome, ValidationTarget } from './types.ts'

const TRADE_DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Runs the dataset's rules over one staged batch, in one transaction: row marks, final
 * statuses and the data_quality_checks rows become visible together or not at all. Running it
 * again on the same batch starts from a clean slate and replaces the run's check rows.
 */
export async function validateBatch(
  db: Kysely<Database>,
  target: ValidationTarget,
  options: ValidationOptions = {},
): Promise<ValidationOutcome> {
  const spec = datasetSpec(target.dataset)
  if (!TRADE_DATE.test(target.tradeDate)) throw new Error(`tradeDate must be YYYY-MM-DD (got "${target.tradeDate}")`)
  const rules = rulesFor(target.dataset)
  const isTradingDay = options.isTradingDay ?? weekdaysTrade
  const completenessThreshold = options.completenessThreshold ?? DEFAULT_COMPLETENESS_THRESHOLD
  if (!(completenessThreshold > 0 && completenessThreshold <= 1)) throw new RangeError(`completenessThreshold must be in (0, 1] (got ${completenessThreshold})`)

  return db.transaction().execute(async (trx) => {
    // Two validations of one batch would interleave their marks; the second waits instead.
    await acquirePipelineLock(trx, `validate:${target.batchId}`, { purpose: `validation of batch ${target.batchId}` })
    await clearMarks(trx, spec, target.batchId)

    const context: RuleContext = { db: trx, target, spec, isTradingDay, completenessThreshold }
    const checks: CheckResult[] = []
    for (const step of stepsOf(rules)) {
      if (Array.isArray(step)) {
        const results = await runRowRules(context, step)
        step.forEach((rule, i) => checks.push(checkResult(rule, results[i]!.finding, results[i]!.durationMs)))
        continue
      }
      const started = performance.now()
      const finding = await step.check(context)
      checks.push(checkResult(step, finding, Math.round(performance.now() - started)))
    }

    const counts = await settleStatuses(trx, spec, target.batchId)
    await recordChecks(trx, target, checks)
    const failed = checks.filter((check) => check.severity === 'fail' && !check.passed)
    const incomplete = checks.filter((check) => check.severity === 'partial' && !check.passed)
    return {
      checks,
      ...counts,
      batchFailed: failed.length > 0,
      failureReason: failed.length > 0 ? failed.map((check) => `${check.checkName}: ${check.message}`).join('; ') : undefined,
      incompleteReason: incomplete.length > 0 ? incomplete.map((check) => `${check.checkName}: ${check.message}`).join('; ') : undefined,
    }
  })
}

/**
 * The rules in order, consecutive row rules grouped into one pass: none of them reads the marks
 * of the rules before it, so running them together leaves what running them one by one would.
 */
function stepsOf(rules: readonly Rule[]): Array<Rule | RowRule[]> {
  const steps: Array<Rule | RowRule[]> = []
  for (const rule of rules) {
    const last = steps[steps.length - 1]
    if (!isRowRule(rule)) steps.push(rule)
    else if (Array.isArray(last)) last.push(rule)
    else steps.push([rule])
  }
  return steps
}

function checkResult(rule: Rule, finding: RuleFinding, durationMs: number): CheckResult {
  return { checkName: rule.name, severity: rule.severity, threshold: rule.threshold, ...finding, durationMs }
}

/** Undoes an earlier validation of the batch; touches no row of a batch never validated. */
async function clearMarks(db: Kysely<Database>, spec: DatasetSpec, batchId: string): Promise<void> {
  // validateBatch settles every row of a batch at once, so a batch whose first row is pending
  // and unmarked was never validated (or was cleared): one index probe instead of a full scan.
  const { rows } = await sql<{ marked: boolean }>`
    select validation_status <> 'pending' or reject_reasons is not null or warnings is not null as marked
    from ${stagingTable(spec)}
    where batch_id = ${batchParam(batchId)}
    order by row_number
    limit 1`.execute(db)
  if (!rows[0]?.marked) return
  await sql`
    update ${stagingTable(spec)}
    set validation_status = 'pending', reject_reasons = null, warnings = null
    where batch_id = ${batchParam(batchId)}
      and (validation_status <> 'pending' or reject_reasons is not null or warnings is not null)`.execute(db)
}

/** rejected where any reject rule left a reason, valid otherwise; counts in the same statement. */
async function settleStatuses(
  db: Kysely<Database>,
  spec: DatasetSpec,
  batchId: string,
): Promise<Pick<ValidationOutcome, 'validCount' | 'rejectedCount' | 'duplicateCount' | 'warnedCount'>> {
  // A row whose only fault is being an identical copy of a kept row is 'duplicate': nothing was
  // lost, so it neither counts as rejected nor makes the run PARTIAL.
  const { rows } = await sql<{ valid: number; rejected: number; duplicate: number; warned: number }>`
    with settled as (
      update ${stagingTable(spec)}
      set validation_status = case
            when coalesce(cardinality(reject_reasons), 0) = 0 then 'valid'
            when not exists (select 1 from unnest(reject_reasons) r where r not like ${`${IDENTICAL_COPY_REASON}%`}) then 'duplicate'
            else 'rejected' end
      where batch_id = ${batchParam(batchId)}
      returning validation_status, warnings
    )
    select count(*) filter (where validation_status = 'valid')::int as valid,
           count(*) filter (where validation_status = 'rejected')::int as rejected,
           count(*) filter (where validation_status = 'duplicate')::int as duplicate,
           count(*) filter (where coalesce(cardinality(warnings), 0) > 0)::int as warned
    from settled`.execute(db)
  const row = rows[0]!
  return { validCount: row.valid, rejectedCount: row.rejected, duplicateCount: row.duplicate, warnedCount: row.warned }
}

async function recordChecks(db: Kysely<Database>, target: ValidationTarget, checks: CheckResult[]): Promise<void> {
  await db
    .insertInto('data_quality_checks')
    .values(
      checks.map((check) => ({
        run_id: target.runId,
        batch_id: target.batchId,
        table_name: target.dataset,
        source: target.source,
        partition_key: target.partitionKey,
        check_date: target.tradeDate,
        check_type: check.checkName,
        severity: check.severity,
        passed: check.passed,
        threshold: check.threshold,
        checked_count: check.checkedCount,
        issue_count: check.issueCount,
        details: JSON.stringify(check.sample),
        message: check.message,
        duration_ms: check.durationMs,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['run_id', 'check_type']).doUpdateSet((eb) => ({
        batch_id: eb.ref('excluded.batch_id'),
        table_name: eb.ref('excluded.table_name'),
        source: eb.ref('excluded.source'),
        partition_key: eb.ref('excluded.partition_key'),
        check_date: eb.ref('excluded.check_date'),
        severity: eb.ref('excluded.severity'),
        passed: eb.ref('excluded.passed'),
        threshold: eb.ref('excluded.threshold'),
        checked_count: eb.ref('excluded.checked_count'),
        issue_count: eb.ref('excluded.issue_count'),
        details: eb.ref('excluded.details'),
        message: eb.ref('excluded.message'),
        duration_ms: eb.ref('excluded.duration_ms'),
        checked_at: sql`now()`,
      })),
    )
    .execute()
}
