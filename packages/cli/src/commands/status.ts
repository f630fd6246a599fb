import type { Command } from 'commander'
import { sql } from 'kysely'
import { detectCapabilities, type MarketDatabase } from '@kmd/db'
import { readStagingSizes, RunLedger } from '@kmd/pipeline'
import { withDatabase } from '../context.ts'
import { formatBytes, formatTable, say } from '../table.ts'

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('latest run per dataset, completeness, data freshness, recent failures and staging beside production')
    .option('--json', 'print JSON instead of tables')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async ({ config, database }) => {
        const status = await readStatus(database, { stagingRetentionDays: config.stagingRetentionDays })
        if (options.json) console.log(JSON.stringify(status, null, 2))
        else printStatus(status)
      })
    })
}

// How many of the latest incomplete days each dataset lists.
const INCOMPLETE_SHOWN = 10

export async function readStatus(database: MarketDatabase, options: { stagingRetentionDays?: number } = {}) {
  // Looking is when a dead run is found: the latest run shown is never one that died RUNNING.
  const reaped = await new RunLedger(database).reap()
  const capabilities = await detectCapabilities(database.db)
  const freshness = await database.db.selectFrom('data_freshness').selectAll().orderBy('data_type').execute()
  const latestRuns = await database.db.selectFrom('latest_collection_runs').selectAll().orderBy('data_type').execute()
  const recentFailures = await database.db
    .selectFrom('data_collection_logs')
    .select(['data_type', 'source', 'partition_key', 'status', 'started_at', 'error_message'])
    .where('status', 'in', ['FAILED', 'ABORTED', 'ABANDONED'])
    .orderBy('started_at', 'desc')
    .limit(10)
    .execute()
  const completeness = await readCompleteness(database)
  const staging = { retentionDays: options.stagingRetentionDays, datasets: await readStagingSizes(database) }
  // Aggregates a backfill left behind production (running, or killed before its end).
  const aggregateBacklog = await database.db
    .selectFrom('aggregate_backlog')
    .select(['dataset', 'from_date', 'to_date', 'since'])
    .orderBy('dataset')
    .execute()
  return { database: database.location, capabilities, completeness, freshness, latestRuns, recentFailures, staging, aggregateBacklog, reapedRuns: reaped.runs.length }
}

/** Per daily dataset: the latest complete trade date and the days loaded short (partition_completeness). */
async function readCompleteness(database: MarketDatabase) {
  const { rows } = await sql<{ dataset: string; last_complete: string | null; incomplete_count: number; incomplete: Array<{ date: string; missing: number; expected: number }> | null }>`
    select dataset,
           to_char(max(trade_date) filter (where complete), 'YYYY-MM-DD') as last_complete,
           count(*) filter (where not complete)::int as incomplete_count,
           (select json_agg(json_build_object('date', to_char(i.trade_date, 'YYYY-MM-DD'), 'missing', i.missing_count, 'expected', i.expected_count) order by i.trade_date desc)
              from (select trade_date, missing_count, expected_count from partition_completeness i
                    where i.dataset = c.dataset and not i.complete order by trade_date desc limit ${INCOMPLETE_SHOWN}) i) as incomplete
    from partition_completeness c
    group by dataset
    order by dataset`.execute(database.db)
  return rows.map((row) => ({ dataset: row.dataset, lastCompleteTradeDate: row.last_complete, incompleteCount: row.incomplete_count, incomplete: row.incomplete ?? [] }))
}

function printStatus(status: Awaited<ReturnType<typeof readStatus>>): void {
  const { capabilities } = status
  say(
    `database: ${status.database}, PostgreSQL ${capabilities.postgresMajor}, ` +
      (capabilities.timescaledbInstalled ? `TimescaleDB ${capabilities.timescaledbVersion}` : 'no TimescaleDB'),
  )
  if (status.reapedRuns > 0) say(`marked ${status.reapedRuns} dead run(s) ABANDONED`)
  if (status.completeness.length > 0) {
    say('\ncompleteness (partition_completeness)')
    say(formatTable(
      status.completeness.map((row) => ({
        dataset: row.dataset,
        'last complete trade date': row.lastCompleteTradeDate ?? '-',
        'incomplete days': row.incompleteCount,
        'latest incomplete': row.incomplete.map((day) => `${day.date} (${day.missing}/${day.expected} missing)`).join(', ') || '-',
      })),
    ))
    if (status.completeness.some((row) => row.incompleteCount > 0)) say('  re-load incomplete days with: pnpm etl backfill --dataset <dataset> --from <date> --to <date> --reprocess incomplete')
  }
  say('\ndata freshness')
  say(formatTable(
    status.freshness.map((row) => ({
      dataset: row.data_type,
      'latest trade date': formatDate(row.latest_collection_date),
      'last success': row.last_success_at?.toISOString() ?? '-',
      'failures (7d)': Number(row.failures_last_7_days),
    })),
  ))
  if (status.latestRuns.length > 0) {
    say('\nlatest run per dataset')
    say(formatTable(
      status.latestRuns.map((run) => ({
        dataset: run.data_type,
        source: run.source,
        partition: run.partition_key,
        status: run.status,
        promoted: run.records_promoted,
        rejected: run.records_rejected,
        ms: run.duration_ms,
      })),
    ))
  }
  if (status.recentFailures.length > 0) {
    say('\nrecent failures')
    for (const failure of status.recentFailures) {
      say(`  ${failure.started_at.toISOString()} ${failure.data_type} ${failure.partition_key} ${failure.status}: ${failure.error_message ?? ''}`)
    }
  }
  if (status.aggregateBacklog.length > 0) {
    say('\naggregates behind production (aggregate_backlog; a backfill brings them up to date at its end, else the next promotion does)')
    for (const row of status.aggregateBacklog) say(`  ${row.dataset}: ${row.from_date} .. ${row.to_date}, since ${row.since.toISOString()}`)
  }
  printStaging(status.staging)
}

/** Staging beside production: promoted rows go after the retention window, quarantined ones when cleared. */
function printStaging(staging: Awaited<ReturnType<typeof readStatus>>['staging']): void {
  const { retentionDays, datasets } = staging
  say(`\nstaging beside production${retentionDays === undefined ? '' : ` (promoted batches kept ${retentionDays} day(s), STAGING_RETENTION_DAYS)`}`)
  say(formatTable(
    datasets.map((row) => ({
      dataset: row.dataset,
      'staged rows': row.staging.rows,
      quarantined: row.staging.quarantinedRows,
      'unpurged batches': row.staging.unpurgedBatches,
      'staging size': formatBytes(row.staging.bytes),
      'production rows (est.)': row.production.rowsEstimate,
      'production size': row.production.bytes === null ? null : formatBytes(row.production.bytes),
    })),
  ))
  const stagingBytes = datasets.reduce((total, row) => total + row.staging.bytes, 0)
  const productionBytes = datasets.reduce((total, row) => total + (row.production.bytes ?? 0), 0)
  say(`  total: staging ${formatBytes(stagingBytes)}, production ${formatBytes(productionBytes)}`)
  const quarantined = datasets.reduce((total, row) => total + row.staging.quarantinedRows, 0)
  if (quarantined > 0) say(`  ${quarantined} quarantined row(s) wait for a person: pnpm etl quarantine list`)
}

function formatDate(value: string | null): string {
  return value ?? '-'
}
