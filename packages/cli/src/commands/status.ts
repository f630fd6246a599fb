import type { Command } from 'commander'
import { detectCapabilities, type MarketDatabase } from '@kmd/db'
import { withDatabase } from '../context.ts'

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('latest run per dataset, data freshness and recent failures')
    .option('--json', 'print JSON instead of tables')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async ({ database }) => {
        const status = await readStatus(database)
        if (options.json) console.log(JSON.stringify(status, null, 2))
        else printStatus(status)
      })
    })
}

export async function readStatus(database: MarketDatabase) {
  const capabilities = await detectCapabilities(database.db)
  const freshness = await database.db.selectFrom('data_freshness').selectAll().orderBy('dataset').execute()
  const latestRuns = await database.db.selectFrom('latest_collection_runs').selectAll().orderBy('dataset').execute()
  const recentFailures = await database.db
    .selectFrom('data_collection_logs')
    .select(['dataset', 'source', 'partition_key', 'status', 'started_at', 'error_message'])
    .where('status', 'in', ['FAILED', 'ABORTED'])
    .orderBy('started_at', 'desc')
    .limit(10)
    .execute()
  return { database: database.location, capabilities, freshness, latestRuns, recentFailures }
}

function printStatus(status: Awaited<ReturnType<typeof readStatus>>): void {
  const { capabilities } = status
  console.log(
    `database: ${status.database}, PostgreSQL ${capabilities.postgresMajor}, ` +
      (capabilities.timescaledbInstalled ? `TimescaleDB ${capabilities.timescaledbVersion}` : 'no TimescaleDB'),
  )
  console.log('\ndata freshness')
  console.table(
    status.freshness.map((row) => ({
      dataset: row.dataset,
      'latest trade date': formatDate(row.latest_trade_date),
      'last success': row.last_success_at?.toISOString() ?? '-',
      'failures (7d)': Number(row.failures_last_7_days),
    })),
  )
  if (status.latestRuns.length > 0) {
    console.log('\nlatest run per dataset')
    console.table(
      status.latestRuns.map((run) => ({
        dataset: run.dataset,
        source: run.source,
        partition: run.partition_key,
        status: run.status,
        promoted: run.records_promoted ?? '-',
        rejected: run.records_rejected ?? '-',
        'ms': run.duration_ms ?? '-',
      })),
    )
  }
  if (status.recentFailures.length > 0) {
    console.log('\nrecent failures')
    for (const failure of status.recentFailures) {
      console.log(`  ${failure.started_at.toISOString()} ${failure.dataset} ${failure.partition_key} ${failure.status}: ${failure.error_message ?? ''}`)
    }
  }
}

function formatDate(value: string | null): string {
  return value ?? '-'
}
