import type { Command } from 'commander'
import { holidayName } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { RefusedError, withDatabase } from '../context.ts'
import { formatTable, say } from '../table.ts'
import { parseTradeDate } from './run.ts'

export function registerQuality(program: Command): void {
  program
    .command('quality')
    .description('the quality checks of a trade date and what they found')
    .option('--date <YYYY-MM-DD>', 'trade date (default: the latest checked)', parseTradeDate)
    .option('--json', 'print JSON')
    .action(async (options: { date?: string; json?: boolean }) => {
      const closed = options.date === undefined ? undefined : holidayName(options.date)
      if (closed) {
        const weekday = new Date(`${options.date}T00:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })
        throw new RefusedError(`${options.date} is not a trading day (${closed === 'weekend' ? weekday : closed}): no checks run on it`)
      }
      await withDatabase(async ({ database }) => {
        const report = await readQuality(database, options.date)
        if (options.json) {
          console.log(JSON.stringify(report, null, 2))
          return
        }
        if (!report.date) {
          say('no quality checks recorded yet')
          return
        }
        if (report.checks.length === 0) {
          say(`no quality checks recorded for ${report.date}`)
          return
        }
        say(`quality checks for ${report.date} (latest run per dataset)`)
        say(formatTable(
          report.checks.map((check) => ({
            table: check.table_name,
            check: check.check_type,
            severity: check.severity,
            result: check.passed ? 'passed' : 'FOUND ISSUES',
            issues: check.issue_count,
            checked: check.checked_count,
            sample: ((check.details as Array<{ key: string }> | null) ?? []).slice(0, 3).map((s) => s.key).join(' '),
          })),
        ))
        for (const check of report.checks.filter((c) => !c.passed)) say(`- ${check.table_name}/${check.check_type}: ${check.message}`)
      })
    })
}

export async function readQuality(database: MarketDatabase, date: string | undefined) {
  const db = database.db
  const tradeDate =
    date ??
    (await db.selectFrom('data_quality_checks').select('check_date').where('check_date', 'is not', null).orderBy('check_date', 'desc').limit(1).executeTakeFirst())?.check_date ??
    undefined
  if (!tradeDate) return { date: undefined, checks: [] }
  // The checks of the latest run of each dataset that day; earlier re-runs are history.
  const latestRuns = db
    .selectFrom('data_quality_checks')
    .select(['table_name', (eb) => eb.fn.max('checked_at').as('latest')])
    .where('check_date', '=', tradeDate)
    .groupBy('table_name')
    .as('latest_runs')
  const checks = await db
    .selectFrom('data_quality_checks as q')
    .innerJoin(
      db.selectFrom('data_quality_checks as r')
        .innerJoin(latestRuns, (join) => join.onRef('latest_runs.table_name', '=', 'r.table_name').onRef('latest_runs.latest', '=', 'r.checked_at'))
        .select('r.run_id')
        .distinct()
        .as('runs'),
      'runs.run_id',
      'q.run_id',
    )
    .select(['q.table_name', 'q.source', 'q.check_type', 'q.severity', 'q.passed', 'q.threshold', 'q.checked_count', 'q.issue_count', 'q.details', 'q.message', 'q.run_id'])
    .orderBy('q.table_name')
    .orderBy('q.id')
    .execute()
  return { date: tradeDate, checks }
}
