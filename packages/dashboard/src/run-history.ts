import { sql } from 'kysely'
import type { MarketDatabase, RunStatus } from '@kmd/db'

export interface DailyVolume {
  tradeDate: string
  /** Finished runs that tried to load (SKIPPED and RUNNING left out). */
  runs: number
  succeeded: number
  /** succeeded / runs, 0..1; null on a day with no finished run. */
  successRate: number | null
  rowsPromoted: number
}

/** Per trade date of the range: how many runs finished, how many ended SUCCESS, rows promoted. */
export async function readDailyVolume(database: MarketDatabase, range: { from: string; to: string }): Promise<DailyVolume[]> {
  const rows = await database.db
    .selectFrom('data_collection_logs')
    .select((eb) => [
      sql<string>`to_char(collection_date, 'YYYY-MM-DD')`.as('collection_date'),
      eb.fn.countAll<number>().as('runs'),
      sql<number>`count(*) filter (where status = 'SUCCESS')`.as('succeeded'),
      sql<number>`coalesce(sum(records_promoted), 0)`.as('rows_promoted'),
    ])
    .where((eb) => eb.between('collection_date', range.from, range.to))
    .where('status', 'not in', ['SKIPPED', 'RUNNING'])
    .groupBy('collection_date')
    .orderBy('collection_date')
    .execute()
  return rows.map((row) => {
    const runs = Number(row.runs)
    const succeeded = Number(row.succeeded)
    return { tradeDate: row.collection_date, runs, succeeded, successRate: runs > 0 ? succeeded / runs : null, rowsPromoted: Number(row.rows_promoted) }
  })
}

export interface SlowStage {
  dataset: string
  source: string
  partitionKey: string
  stage: string
  ms: number
  startedAt: Date
  runId: string
}

/** The slowest stages (collect, stage, validate, promote, …) of runs started in the range. */
export async function readSlowestStages(database: MarketDatabase, since: Date, limit = 10): Promise<SlowStage[]> {
  const { rows } = await sql<{ data_type: string; source: string; partition_key: string; stage: string; ms: number; started_at: Date; run_id: string }>`
    select l.data_type, l.source, l.partition_key, t.key as stage, (t.value)::numeric::float8 as ms, l.started_at, l.run_id
    from data_collection_logs l
    cross join lateral jsonb_each_text(case when jsonb_typeof(l.stage_timings) = 'object' then l.stage_timings else '{}'::jsonb end) t
    where l.started_at >= ${since} and t.value ~ '^[0-9.]+$'
    order by ms desc, l.started_at desc
    limit ${limit}`.execute(database.db)
  return rows.map((row) => ({ dataset: row.data_type, source: row.source, partitionKey: row.partition_key, stage: row.stage, ms: Number(row.ms), startedAt: row.started_at, runId: row.run_id }))
}

export interface DayRun {
  runId: string
  batchId: string | null
  dataset: string
  source: string
  status: RunStatus
  trigger: string
  startedAt: Date
  durationMs: number | null
  fetched: number | null
  rejected: number | null
  promoted: number | null
  errorMessage: string | null
  checks: DayCheck[]
}

export interface DayCheck {
  checkName: string
  severity: string
  passed: boolean
  checkedCount: number
  issueCount: number
  message: string | null
  sampleKeys: string[]
}

export interface DayDetail {
  date: string
  dataset: string | undefined
  runs: DayRun[]
  completeness: Array<{ dataset: string; complete: boolean; expected: number; present: number; missing: number; missingSample: string[] }>
}

/** Every run of one trade date (of one dataset, or all), newest first, each with its checks. */
export async function readDay(database: MarketDatabase, date: string, dataset?: string): Promise<DayDetail> {
  const { db } = database
  let runQuery = db
    .selectFrom('data_collection_logs')
    .select(['run_id', 'batch_id', 'data_type', 'source', 'status', 'trigger', 'started_at', 'duration_ms', 'records_fetched', 'records_rejected', 'records_promoted', 'error_message'])
    .where('partition_key', '=', date)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
  if (dataset) runQuery = runQuery.where('data_type', '=', dataset)
  const runs = await runQuery.execute()
  const runIds = runs.map((run) => run.run_id)
  const checks = runIds.length === 0
    ? []
    : await db
        .selectFrom('data_quality_checks')
        .select(['run_id', 'check_type', 'severity', 'passed', 'checked_count', 'issue_count', 'message', 'details'])
        .where('run_id', 'in', runIds)
        .orderBy('id')
        .execute()
  let ledgerQuery = db.selectFrom('partition_completeness').selectAll().where('trade_date', '=', date).orderBy('dataset')
  if (dataset) ledgerQuery = ledgerQuery.where('dataset', '=', dataset)
  const ledger = await ledgerQuery.execute()
  return {
    date,
    dataset,
    runs: runs.map((run) => ({
      runId: run.run_id,
      batchId: run.batch_id,
      dataset: run.data_type,
      source: run.source,
      status: run.status,
      trigger: run.trigger,
      startedAt: run.started_at,
      durationMs: run.duration_ms,
      fetched: run.records_fetched,
      rejected: run.records_rejected,
      promoted: run.records_promoted,
      errorMessage: run.error_message,
      checks: checks
        .filter((check) => check.run_id === run.run_id)
        .map((check) => ({
          checkName: check.check_type,
          severity: check.severity,
          passed: check.passed,
          checkedCount: check.checked_count,
          issueCount: check.issue_count,
          message: check.message,
          sampleKeys: sampleKeys(check.details),
        })),
    })),
    completeness: ledger.map((row) => ({
      dataset: row.dataset, complete: row.complete, expected: row.expected_count, present: row.present_count, missing: row.missing_count, missingSample: row.missing_sample,
    })),
  }
}

/** The keys of a check's sample (`[{ key, reason }]`), whatever else it holds. */
export function sampleKeys(sample: unknown, limit = 5): string[] {
  if (!Array.isArray(sample)) return []
  return sample
    .map((entry) => (entry && typeof entry === 'object' && typeof (entry as { key?: unknown }).key === 'string' ? (entry as { key: string }).key : undefined))
    .filter((key): key is string => key !== undefined)
    .slice(0, limit)
}
