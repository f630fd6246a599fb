import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import { loadConfig, seoulDate } from '@kmd/core'
import { isoWeekOf, openDashboardDatabase, parseIsoWeek, previousIsoWeek, readWeeklyReport, reportPath, writeWeeklyReport, type IsoWeek } from '@kmd/dashboard'

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('the weekly data-quality report: one self-contained HTML file (opens offline) and a Markdown summary beside it')
    .option('--week <YYYY-Www>', 'ISO week, e.g. 2025-W52 (default: last week, in Korea)', parseWeek)
    .option('--out <file.html>', 'where to write the HTML (default: REPORT_DIR/report-<week>.html); the Markdown goes beside it as .md')
    .action(async (options: { week?: IsoWeek; out?: string }) => {
      const config = loadConfig(process.env)
      const week = options.week ?? previousIsoWeek(isoWeekOf(seoulDate(new Date())))
      const database = await openDashboardDatabase(config)
      try {
        const report = await readWeeklyReport(database, week)
        const written = await writeWeeklyReport(report, options.out ?? reportPath(config.reportDir, week))
        process.stdout.write(written.markdown)
        console.log(`\nwritten: ${written.htmlPath} and ${written.markdownPath}`)
      } finally {
        await database.close()
      }
    })
}

function parseWeek(value: string): IsoWeek {
  try {
    return parseIsoWeek(value)
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message)
  }
}
