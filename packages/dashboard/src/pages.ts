import { chart } from './charts.ts'
import type { DatasetFreshness } from './freshness.ts'
import type { DatasetHeatMap } from './heat-map.ts'
import { html, link, type SafeHtml } from './html.ts'
import { formatInteger, formatPercent, heatMaps, seoulTimestamp, trend } from './layout.ts'
import type { Quarantine, RuleActivity } from './quality.ts'
import type { DailyVolume, DayDetail, SlowStage } from './run-history.ts'
import type { StockView } from './stock-bars.ts'

export const dayLink = (dataset: string | undefined, date: string) => link('/day', { date, dataset })
const stockLink = (code: string) => link('/stock', { code })
const batchLink = (batchId: string) => link('/batch', { id: batchId })

export interface Overview {
  from: string
  to: string
  weeks: number
  heatMaps: DatasetHeatMap[]
  volume: DailyVolume[]
  freshness: DatasetFreshness[]
  slowest: SlowStage[]
  rules: RuleActivity[]
  rulesRange: { from: string; to: string }
}

export function volumeChart(volume: readonly DailyVolume[], title: string): SafeHtml {
  return chart({
    title,
    dates: volume.map((day) => day.tradeDate),
    leftLabel: 'rows promoted',
    rightLabel: 'success %',
    zeroBased: ['left', 'right'],
    series: [
      { label: 'rows promoted', values: volume.map((day) => day.rowsPromoted), style: 'bars', color: '#3b82f6' },
      { label: 'success rate %', values: volume.map((day) => (day.successRate === null ? null : Math.round(day.successRate * 1000) / 10)), axis: 'right', color: '#16a34a' },
    ],
  })
}

export function ruleTable(rules: readonly RuleActivity[], withLinks: boolean): SafeHtml {
  if (rules.length === 0) return html`<p class="muted">No rule found issues in this period or the one before.</p>`
  return html`<table class="rules"><thead><tr><th>dataset</th><th>rule</th><th>severity</th><th>fired</th><th>vs previous week</th><th>rows flagged</th><th>days</th><th>sample keys</th></tr></thead><tbody>${rules.map(
    (rule) => html`<tr data-rule="${rule.checkName}"><td>${rule.dataset}</td><td><code>${rule.checkName}</code></td><td>${rule.severity}</td><td class="num">${rule.fired}</td><td>${trend(rule.fired, rule.firedBefore)} <span class="muted">(${rule.firedBefore} before)</span></td><td class="num">${formatInteger(rule.issues)}</td><td>${rule.days.map((day, index) => html`${index > 0 ? ', ' : ''}${withLinks ? html`<a href="${dayLink(rule.dataset, day)}">${day}</a>` : day}`)}</td><td class="key">${rule.sampleKeys.join(' ')}</td></tr>`,
  )}</tbody></table>`
}

export function overviewBody(view: Overview): SafeHtml {
  return html`
<h2>Completeness per trading day, ${view.from} … ${view.to}</h2>
<p class="muted">Each square is a weekday; click one for that day's runs and checks.</p>
${heatMaps(view.heatMaps, dayLink)}
<h2>Success rate and rows per day (last ${view.weeks} weeks)</h2>
${view.volume.length === 0 ? html`<p class="muted">No finished runs in this period.</p>` : volumeChart(view.volume, 'rows promoted (bars) and share of runs ending SUCCESS (line), by trade date')}
<h2>Freshness against the schedule</h2>
<table class="freshness"><thead><tr><th>dataset</th><th>newest trade date</th><th>last success</th><th>expected</th><th>due by</th><th>verdict</th><th>failures (7 days)</th></tr></thead><tbody>${view.freshness.map(
    (row) => html`<tr><td>${row.dataset}</td><td>${row.latestTradeDate ?? '-'}</td><td>${seoulTimestamp(row.lastSuccessAt)}</td><td>${row.target?.expectedTradeDate ?? '-'}</td><td>${row.target ? html`${seoulTimestamp(row.target.dueBy)} <span class="muted">(${row.target.job}, ${row.target.staleAfterHours} h)</span>` : '-'}</td><td class="verdict-${row.verdict.replace(' ', '-')}">${row.verdict}</td><td class="num">${row.failuresLast7Days}</td></tr>`,
  )}</tbody></table>
<h2>Quality checks that found issues, ${view.rulesRange.from} … ${view.rulesRange.to}</h2>
${ruleTable(view.rules, true)}
<h2>Slowest stages (last ${view.weeks} weeks)</h2>
${view.slowest.length === 0 ? html`<p class="muted">No timed runs yet.</p>` : html`<table><thead><tr><th>stage</th><th>ms</th><th>dataset</th><th>partition</th><th>source</th><th>started</th></tr></thead><tbody>${view.slowest.map(
    (stage) => html`<tr><td>${stage.stage}</td><td class="num">${formatInteger(stage.ms)}</td><td>${stage.dataset}</td><td><a href="${dayLink(stage.dataset, stage.partitionKey)}">${stage.partitionKey}</a></td><td>${stage.source}</td><td>${seoulTimestamp(stage.startedAt)}</td></tr>`,
  )}</tbody></table>`}`
}

export function dayBody(day: DayDetail, heat: DatasetHeatMap[]): SafeHtml {
  return html`
${heatMaps(heat, dayLink, { dataset: day.dataset, date: day.date })}
<h2 id="day">${day.date}${day.dataset ? html` · ${day.dataset}` : ''}</h2>
${day.dataset ? html`<p><a href="${dayLink(undefined, day.date)}">all datasets of ${day.date}</a></p>` : ''}
${day.completeness.length === 0 ? '' : html`<h3>Completeness</h3><table class="completeness"><thead><tr><th>dataset</th><th>complete</th><th>present / expected</th><th>missing sample</th></tr></thead><tbody>${day.completeness.map(
    (row) => html`<tr><td>${row.dataset}</td><td class="${row.complete ? 'passed' : 'found'}">${row.complete ? 'yes' : 'no'}</td><td class="num">${formatInteger(row.present)} / ${formatInteger(row.expected)}</td><td class="key">${row.missingSample.slice(0, 8).join(' ')}</td></tr>`,
  )}</tbody></table>`}
${day.runs.length === 0 ? html`<p class="muted">No run of this day is logged.</p>` : day.runs.map(
    (run) => html`<section class="run" data-run="${run.runId}"><h3>${run.dataset} from ${run.source}: <span class="status status-${run.status}">${run.status}</span> <span class="muted">${run.trigger}, ${seoulTimestamp(run.startedAt)}, ${run.durationMs === null ? '-' : `${formatInteger(run.durationMs)} ms`}</span></h3>
<p>fetched ${formatInteger(run.fetched)} · rejected ${formatInteger(run.rejected)} · promoted ${formatInteger(run.promoted)}${run.batchId && (run.rejected ?? 0) > 0 ? html` · <a href="${batchLink(run.batchId)}">quarantined rows</a>` : ''}</p>
${run.errorMessage ? html`<p class="found">${run.errorMessage}</p>` : ''}
${run.checks.length === 0 ? '' : html`<table class="checks"><thead><tr><th>check</th><th>severity</th><th>result</th><th>issues</th><th>checked</th><th>message</th><th>sample keys</th></tr></thead><tbody>${run.checks.map(
      (check) => html`<tr data-check="${check.checkName}"><td><code>${check.checkName}</code></td><td>${check.severity}</td><td class="${check.passed ? 'passed' : 'found'}">${check.passed ? 'passed' : 'found issues'}</td><td class="num">${formatInteger(check.issueCount)}</td><td class="num">${formatInteger(check.checkedCount)}</td><td>${check.message ?? ''}</td><td class="key">${check.sampleKeys.map((key, index) => html`${index > 0 ? ' ' : ''}${stockOf(key) ? html`<a href="${stockLink(stockOf(key)!)}">${key}</a>` : key}`)}</td></tr>`,
    )}</tbody></table>`}</section>`,
  )}`
}

// `005930@2025-12-22` or `005930/individual@…` name a stock; other keys do not.
function stockOf(key: string): string | undefined {
  return /^([0-9A-Z]{6})[@/]/.exec(key)?.[1]
}

export function quarantineBody(quarantine: Quarantine): SafeHtml {
  if (!quarantine.readable) return html`<h2>Quarantined rows of batch <code>${quarantine.batchId}</code></h2><p class="muted">${quarantine.reason}</p>`
  return html`<h2>Quarantined rows of batch <code>${quarantine.batchId}</code></h2>
<p>${quarantine.dataset} ${quarantine.partitionKey} from ${quarantine.source}: ${formatInteger(quarantine.total)} rejected row(s)${quarantine.total > quarantine.rows.length ? `, the first ${quarantine.rows.length} shown` : ''}. <a href="${dayLink(quarantine.dataset, quarantine.partitionKey)}">the day's runs</a></p>
<table class="quarantine"><thead><tr><th>row</th><th>reasons</th><th>warnings</th><th>raw source values</th></tr></thead><tbody>${quarantine.rows.map(
    (row) => html`<tr><td class="num">${row.rowNumber}</td><td>${row.rejectReasons.map((reason) => html`<div>${reason}</div>`)}</td><td>${row.warnings.map((warning) => html`<div>${warning}</div>`)}</td><td class="key">${JSON.stringify(row.raw)}</td></tr>`,
  )}</tbody></table>`
}

export function stockBody(stock: StockView, range: { from: string; to: string }): SafeHtml {
  const warnedDates = new Set(stock.warnings.map((warning) => warning.date))
  const dates = stock.bars.map((bar) => bar.date)
  return html`<h2>${stock.code}${stock.name ? ` ${stock.name}` : ''} <span class="muted">${range.from} … ${range.to}</span></h2>
${stock.bars.length === 0 ? html`<p class="muted">No daily bars of this stock in the range.</p>` : html`
${chart({
    title: 'close (line), volume (bars); red points mark days a validation rule named this stock',
    dates,
    leftLabel: 'price (KRW)',
    rightLabel: 'volume',
    zeroBased: ['right'],
    height: 300,
    series: [
      { label: 'close', values: stock.bars.map((bar) => bar.close), color: '#1f2937' },
      { label: 'volume', values: stock.bars.map((bar) => bar.volume), axis: 'right', style: 'bars', color: '#60a5fa' },
      { label: 'validation finding', values: stock.bars.map((bar) => (warnedDates.has(bar.date) ? bar.close : null)), style: 'points', color: '#dc2626' },
    ],
  })}
<table class="bars"><thead><tr><th>date</th><th>open</th><th>high</th><th>low</th><th>close</th><th>volume</th></tr></thead><tbody>${[...stock.bars].reverse().map(
    (bar) => html`<tr class="${warnedDates.has(bar.date) ? 'found' : ''}"><td><a href="${dayLink('ohlcv_daily', bar.date)}">${bar.date}</a></td><td class="num">${formatInteger(bar.open)}</td><td class="num">${formatInteger(bar.high)}</td><td class="num">${formatInteger(bar.low)}</td><td class="num">${formatInteger(bar.close)}</td><td class="num">${formatInteger(bar.volume)}</td></tr>`,
  )}</tbody></table>`}
<h3>Validation findings naming ${stock.code}</h3>
${stock.warnings.length === 0 ? html`<p class="muted">None in the range.</p>` : html`<table class="warnings"><thead><tr><th>date</th><th>dataset</th><th>rule</th><th>severity</th><th>reason</th></tr></thead><tbody>${stock.warnings.map(
    (warning) => html`<tr><td><a href="${dayLink(warning.dataset, warning.date)}">${warning.date}</a></td><td>${warning.dataset}</td><td><code>${warning.checkName}</code></td><td>${warning.severity}</td><td>${warning.reason}</td></tr>`,
  )}</tbody></table>`}`
}
