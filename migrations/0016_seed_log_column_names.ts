import { sql, type Kysely } from 'kysely'

/**
 * The seed design's column names for the two tables analysts read, values kept (renames only):
 * - data_collection_logs: dataset → data_type, trade_date → collection_date,
 *   finished_at → completed_at, records_valid → records_count (rows that passed validation).
 * - data_quality_checks: dataset → table_name (the production table: dataset names are table
 *   names), trade_date → check_date, check_name → check_type, sample → details.
 * The richer columns stay as they are. Constraints and indexes named after an old column follow.
 */
const RENAMES = {
  data_collection_logs: [
    ['dataset', 'data_type'],
    ['trade_date', 'collection_date'],
    ['finished_at', 'completed_at'],
    ['records_valid', 'records_count'],
  ],
  data_quality_checks: [
    ['dataset', 'table_name'],
    ['trade_date', 'check_date'],
    ['check_name', 'check_type'],
    ['sample', 'details'],
  ],
} as const

// Names PostgreSQL gave the unnamed constraints of 0005, and the ones they get.
const CONSTRAINTS = [
  ['data_collection_logs', 'data_collection_logs_check', 'data_collection_logs_completed_after_start'],
  ['data_collection_logs', 'data_collection_logs_check1', 'data_collection_logs_completed_unless_running'],
  ['data_quality_checks', 'data_quality_checks_run_id_check_name_key', 'data_quality_checks_run_id_check_type_key'],
] as const

const INDEXES = [
  ['data_collection_logs_dataset_idx', 'data_collection_logs_data_type_idx'],
  ['data_quality_checks_failed_idx', 'data_quality_checks_failed_table_idx'],
] as const

// A view keeps the column names it was created with through a rename; sql/10_views.sql (re-run
// after the migrations, since it changed too) creates these again with the new names.
const VIEWS = ['latest_collection_runs', 'data_freshness', 'quality_issues_last_7_days']

export async function up(db: Kysely<any>): Promise<void> {
  for (const view of VIEWS) await sql`drop view if exists ${sql.table(view)}`.execute(db)
  for (const [table, columns] of Object.entries(RENAMES)) {
    for (const [from, to] of columns) await sql`alter table ${sql.table(table)} rename column ${sql.ref(from)} to ${sql.ref(to)}`.execute(db)
  }
  for (const [table, from, to] of CONSTRAINTS) await sql`alter table ${sql.table(table)} rename constraint ${sql.ref(from)} to ${sql.ref(to)}`.execute(db)
  for (const [from, to] of INDEXES) await sql`alter index ${sql.table(from)} rename to ${sql.ref(to)}`.execute(db)
}
