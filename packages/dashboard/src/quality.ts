import { sql } from 'kysely'
import { DATASETS } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { sampleKeys } from './run-history.ts'

export interface DateRange {
  from: string
  to: string
}

export interface RuleActivity {
  dataset: string
  checkName: string
  severity: string
  /** Checks of this rule that found issues in the range (one per run). */
  fired: number
  /** The same in the range before (the previous week). */
  firedBefore: number
  /** Rows the rule flagged in the range. */
  issues: number
  issuesBefore: number
  /** Trade dates it fired on, oldest first. */
  days: string[]
  /** Keys from the samples of its latest findings. */
  sampleKeys: string[]
}

/**
 * Which rules found issues on trade dates of `range`, how often, and how often in `before`
 * (the trend), with sample keys; rules that fired only before are listed too (they stopped).
 */
export async function readRuleActivity(database: MarketDatabase, range: DateRange, before: DateRange): Promise<RuleActivity[]> {
  const { rows } = await sql<{
    table_name: string
    check_type: string
    severity: string
    fired: number
    fired_before: number
    issues: number
    issues_before: number
    days: string[] | null
    samples: unknown[] | null
  }>`
    select table_name, check_type, max(severity) as severity,
           count(*) filter (where check_date between ${range.from} and ${range.to})::int as fired,
           count(*) filter (where check_date between ${before.from} and ${before.to})::int as fired_before,
           coalesce(sum(issue_count) filter (where check_date between ${range.from} and ${range.to}), 0)::int as issues,
           coalesce(sum(issue_count) filter (where check_date between ${before.from} and ${before.to}), 0)::int as issues_before,
           array_agg(distinct to_char(check_date, 'YYYY-MM-DD')) filter (where check_date between ${range.from} and ${range.to}) as days,
           (array_agg(details order by checked_at desc) filter (where check_date between ${range.from} and ${range.to} and details is not null))[1:3] as samples
    from data_quality_checks
    where not passed and (check_date between ${range.from} and ${range.to} or check_date between ${before.from} and ${before.to})
    group by table_name, check_type
    order by fired desc, issues desc, table_name, check_type`.execute(database.db)
  return rows.map((row) => ({
    dataset: row.table_name,
    checkName: row.check_type,
    severity: row.severity,
    fired: row.fired,
    firedBefore: row.fired_before,
    issues: row.issues,
    issuesBefore: row.issues_before,
    days: [...(row.days ?? [])].sort(),
    sampleKeys: [...new Set((row.samples ?? []).flatMap((sample) => sampleKeys(sample)))].slice(0, 5),
  }))
}

export interface QuarantinedRow {
  rowNumber: number
  rejectReasons: string[]
  warnings: string[]
  raw: unknown
}

export type Quarantine =
  | { readable: true; batchId: string; dataset: string; source: string; partitionKey: string; rows: QuarantinedRow[]; total: number }
  | { readable: false; batchId: string; reason: string }

const INSUFFICIENT_PRIVILEGE = '42501'

/**
 * The rejected rows of one staged batch with their reasons. The batch's dataset comes from the
 * run log and must be a known dataset, so the staging table's name never comes from the request.
 * The reader role has no access to staging by design: that is reported, not thrown.
 */
export async function readQuarantine(database: MarketDatabase, batchId: string, limit = 200): Promise<Quarantine | undefined> {
  const run = await database.db
    .selectFrom('data_collection_logs')
    .select(['data_type', 'source', 'partition_key'])
    .where('batch_id', '=', batchId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!run) return undefined
  const dataset = DATASETS.find((known) => known === run.data_type)
  if (!dataset) return { readable: false, batchId, reason: `unknown dataset "${run.data_type}"` }
  try {
    const { rows } = await sql<{ row_number: number; reject_reasons: string[] | null; warnings: string[] | null; raw: unknown; total: number }>`
      select row_number, reject_reasons, warnings, raw, count(*) over ()::int as total
      from ${sql.table(`staging.${dataset}`)}
      where batch_id = ${batchId}::uuid and validation_status = 'rejected'
      order by row_number
      limit ${limit}`.execute(database.db)
    return {
      readable: true,
      batchId,
      dataset,
      source: run.source,
      partitionKey: run.partition_key,
      total: rows[0]?.total ?? 0,
      rows: rows.map((row) => ({ rowNumber: row.row_number, rejectReasons: row.reject_reasons ?? [], warnings: row.warnings ?? [], raw: row.raw })),
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== INSUFFICIENT_PRIVILEGE) throw error
    return { readable: false, batchId, reason: 'this database role may not read the staging schema (market_reader has no access to staging); the checks above list sample keys and reasons' }
  }
}
