import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { holidayName, seoulDate } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { readHeatMap, type DatasetHeatMap, type DayStatus } from './heat-map.ts'
import { html } from './html.ts'
import { datesBetween, previousIsoWeek, type IsoWeek } from './iso-week.ts'
import { formatInteger, heatMaps, page } from './layout.ts'
import { ruleTable, volumeChart } from './pages.ts'
import { readRuleActivity, type RuleActivity } from './quality.ts'
import { readDailyVolume, type DailyVolume } from './run-history.ts'

export interface FailedRun {
  tradeDate: string
  dataset: string
  source: string
  status: string
  errorMessage: string | null
  /** Checks of the run that found issues. */
  rules: string[]
}

export interface IncompleteDay {
  tradeDate: string
  dataset: string
  missing: number
  expected: number
  missingSample: string[]
}

export interface WeeklyReport {
  week: IsoWeek
  previousWeek: IsoWeek
  generatedAt: Date
  holidays: Array<{ date: string; name: string }>
  heatMaps: DatasetHeatMap[]
  /** Per dataset, how many weekdays ended in each status. */
  statusCounts: Array<{ dataset: string; counts: Record<DayStatus, number> }>
  failedRuns: FailedRun[]
  incompleteDays: IncompleteDay[]
  rules: RuleActivity[]
  volume: DailyVolume[]
}

/** The week's read model: each trading day's status, the failures, the rules that fired vs the week before, the missing keys. */
export async function readWeeklyReport(database: MarketDatabase, week: IsoWeek, now = new Date()): Promise<WeeklyReport> {
  const { db } = database
  const previousWeek = previousIsoWeek(week)
  const range = { from: week.monday, to: week.sunday }
  const heat = await readHeatMap(database, { ...range, today: seoulDate(now) })
  const failed = await db
    .selectFrom('data_collection_logs')
    .select(['run_id', 'collection_date', 'data_type', 'source', 'status', 'error_message'])
    .where((eb) => eb.between('collection_date', range.from, range.to))
    .where('status', 'in', ['FAILED', 'ABANDONED'])
    .orderBy('collection_date')
    .orderBy('started_at')
    .execute()
  const failedChecks = failed.length === 0
    ? []
    : await db.selectFrom('data_quality_checks').select(['run_id', 'check_type']).where('run_id', 'in', failed.map((run) => run.run_id)).where('passed', '=', false).orderBy('id').execute()
  const incomplete = await db
    .selectFrom('partition_completeness')
    .select(['trade_date', 'dataset', 'missing_count', 'expected_count', 'missing_sample'])
    .where((eb) => eb.between('trade_date', range.from, range.to))
    .where('complete', '=', false)
    .orderBy('trade_date')
    .orderBy('dataset')
    .execute()
  return {
    week,
    previousWeek,
    generatedAt: now,
    holidays: datesBetween(week.monday, week.sunday).flatMap((date) => {
      const name = holidayName(date)
      return name && name !== 'weekend' ? [{ date, name }] : []
    }),
    heatMaps: heat,
    statusCounts: heat.map((map) => {
      const counts = { complete: 0, partial: 0, failed: 0, missing: 0, holiday: 0, future: 0 }
      for (const cell of map.cells) counts[cell.status]++
      return { dataset: map.dataset, counts }
    }),
    failedRuns: failed.map((run) => ({
      tradeDate: run.collection_date!,
      dataset: run.data_type,
      source: run.source,
      status: run.status,
      errorMessage: run.error_message,
      rules: failedChecks.filter((check) => check.run_id === run.run_id).map((check) => check.check_type),
    })),
    incompleteDays: incomplete.map((row) => ({ tradeDate: row.trade_date, dataset: row.dataset, missing: row.missing_count, expected: row.expected_count, missingSample: row.missing_sample.slice(0, 8) })),
    rules: await readRuleActivity(database, range, { from: previousWeek.monday, to: previousWeek.sunday }),
    volume: await readDailyVolume(database, range),
  }
}

const STATUS_ORDER: readonly DayStatus[] = ['complete', 'partial', 'failed', 'missing', 'holiday', 'future']

function countsText(counts: Record<DayStatus, number>): string {
  return STATUS_ORDER.filter((status) => counts[status] > 0).map((status) => `${counts[status]} ${status === 'holiday' ? 'skipped (holiday)' : status}`).join(', ')
}

/** The Markdown summary: what the webhook posts and what sits beside the HTML file. */
export function renderReportMarkdown(report: WeeklyReport): string {
  const lines = [`# Weekly data-quality report ${report.week.id} (${report.week.monday} – ${report.week.sunday})`, '']
  if (report.holidays.length > 0) lines.push(`Market closed: ${report.holidays.map((day) => `${day.date} (${day.name})`).join(', ')}.`, '')
  lines.push('## Trading days per dataset', '')
  for (const { dataset, counts } of report.statusCounts) lines.push(`- **${dataset}**: ${countsText(counts)}`)
  lines.push('', '## Failed runs', '')
  if (report.failedRuns.length === 0) lines.push('None.')
  for (const run of report.failedRuns) {
    lines.push(`- ${run.tradeDate} ${run.dataset} from ${run.source}: ${run.status}${run.rules.length > 0 ? ` (rules: ${run.rules.join(', ')})` : ''}${run.errorMessage ? ` — ${oneLine(run.errorMessage)}` : ''}`)
  }
  lines.push('', `## Rules that found issues (vs ${report.previousWeek.id})`, '')
  const fired = report.rules.filter((rule) => rule.fired > 0)
  if (fired.length === 0) lines.push('None.')
  for (const rule of fired) {
    const delta = rule.fired - rule.firedBefore
    lines.push(`- ${rule.dataset} \`${rule.checkName}\` (${rule.severity}): fired ${rule.fired}× on ${rule.days.join(', ')} (${delta === 0 ? 'same as' : delta > 0 ? `+${delta} vs` : `${delta} vs`} the week before), ${formatInteger(rule.issues)} row(s) flagged${rule.sampleKeys.length > 0 ? `; e.g. ${rule.sampleKeys.slice(0, 3).join(', ')}` : ''}`)
  }
  const stopped = report.rules.filter((rule) => rule.fired === 0)
  if (stopped.length > 0) lines.push(`- No longer firing: ${stopped.map((rule) => `${rule.dataset} \`${rule.checkName}\``).join(', ')}`)
  lines.push('', '## Missing data', '')
  if (report.incompleteDays.length === 0) lines.push('Every loaded day holds the keys it should.')
  for (const day of report.incompleteDays) {
    lines.push(`- ${day.tradeDate} ${day.dataset}: ${formatInteger(day.missing)} of ${formatInteger(day.expected)} keys missing${day.missingSample.length > 0 ? ` (e.g. ${day.missingSample.slice(0, 3).join(', ')})` : ''}`)
  }
  return `${lines.join('\n')}\n`
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat
}

/** The report as one HTML file that carries its chart library and styles: it opens offline. */
export function renderReportHtml(report: WeeklyReport): string {
  const body = html`
<h2>Weekly data-quality report ${report.week.id} <span class="muted">${report.week.monday} … ${report.week.sunday}, generated ${report.generatedAt.toISOString()}</span></h2>
${report.holidays.length > 0 ? html`<p>Market closed: ${report.holidays.map((day, index) => html`${index > 0 ? ', ' : ''}${day.date} (${day.name})`)}.</p>` : ''}
<h2>Trading days</h2>
${heatMaps(report.heatMaps, undefined)}
<table><thead><tr><th>dataset</th><th>days</th></tr></thead><tbody>${report.statusCounts.map((row) => html`<tr><td>${row.dataset}</td><td>${countsText(row.counts)}</td></tr>`)}</tbody></table>
<h2>Failed runs</h2>
${report.failedRuns.length === 0 ? html`<p class="muted">None.</p>` : html`<table class="failed-runs"><thead><tr><th>trade date</th><th>dataset</th><th>source</th><th>status</th><th>rules</th><th>error</th></tr></thead><tbody>${report.failedRuns.map(
    (run) => html`<tr><td>${run.tradeDate}</td><td>${run.dataset}</td><td>${run.source}</td><td class="status status-${run.status}">${run.status}</td><td>${run.rules.map((rule, index) => html`${index > 0 ? ', ' : ''}<code>${rule}</code>`)}</td><td>${run.errorMessage ?? ''}</td></tr>`,
  )}</tbody></table>`}
<h2>Rules that found issues, against ${report.previousWeek.id}</h2>
${ruleTable(report.rules, false)}
<h2>Missing data</h2>
${report.incompleteDays.length === 0 ? html`<p class="muted">Every loaded day holds the keys it should.</p>` : html`<table><thead><tr><th>trade date</th><th>dataset</th><th>missing / expected</th><th>sample of missing keys</th></tr></thead><tbody>${report.incompleteDays.map(
    (day) => html`<tr><td>${day.tradeDate}</td><td>${day.dataset}</td><td class="num">${formatInteger(day.missing)} / ${formatInteger(day.expected)}</td><td class="key">${day.missingSample.join(' ')}</td></tr>`,
  )}</tbody></table>`}
<h2>Rows and success rate per day</h2>
${report.volume.length === 0 ? html`<p class="muted">No finished runs this week.</p>` : volumeChart(report.volume, 'rows promoted (bars) and share of runs ending SUCCESS (line)')}`
  return page({ title: `data-quality report ${report.week.id}`, body, assets: 'inline', nav: false })
}

/** Where the scheduler and `etl report` put a week's report by default: `<dir>/report-2025-W52.html`. */
export function reportPath(directory: string, week: IsoWeek): string {
  return join(directory, `report-${week.id}.html`)
}

/** Writes the HTML file and the Markdown summary beside it (`.md`), each whole or not at all. */
export async function writeWeeklyReport(report: WeeklyReport, htmlPath: string): Promise<{ htmlPath: string; markdownPath: string; markdown: string }> {
  await mkdir(dirname(htmlPath), { recursive: true })
  const markdown = renderReportMarkdown(report)
  const markdownPath = `${htmlPath.replace(/\.html?$/i, '')}.md`
  await writeWhole(htmlPath, renderReportHtml(report))
  await writeWhole(markdownPath, markdown)
  return { htmlPath, markdownPath, markdown }
}

async function writeWhole(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, text, 'utf8')
  await rename(temporary, path)
}
