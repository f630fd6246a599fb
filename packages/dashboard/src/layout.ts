import { chartAssets, chartBootstrap } from './charts.ts'
import { html, trusted, type SafeHtml } from './html.ts'
import type { DayStatus, DatasetHeatMap } from './heat-map.ts'
import { isoWeekday } from './iso-week.ts'

export const STATUS_COLOURS: Record<DayStatus, string> = {
  complete: '#2e9d4f',
  partial: '#e3a21a',
  failed: '#d1372f',
  missing: '#9aa0a6',
  holiday: '#cfd8e6',
  future: '#f3f4f6',
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans KR", sans-serif; margin: 0; color: #1f2328; background: #fafbfc; }
header { background: #1f2937; color: #fff; padding: 10px 24px; display: flex; gap: 24px; align-items: baseline; }
header a { color: #cbd5e1; text-decoration: none; } header a:hover { color: #fff; }
header h1 { font-size: 17px; margin: 0; }
main { padding: 12px 24px 40px; max-width: 1280px; }
h2 { font-size: 16px; margin: 26px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 16px 0 6px; }
table { border-collapse: collapse; margin: 4px 0 12px; background: #fff; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .key { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
td.key { word-break: break-all; max-width: 640px; }
.muted { color: #6b7280; }
.heat-maps { display: flex; flex-wrap: wrap; gap: 28px; }
.heat-map .grid { display: grid; grid-auto-flow: column; grid-template-rows: repeat(5, 16px); gap: 3px; }
.heat-map .cell { width: 16px; height: 16px; border-radius: 3px; display: block; outline-offset: 1px; }
.heat-map .cell:hover, .heat-map .cell.selected { outline: 2px solid #1f2937; }
.legend { display: flex; gap: 14px; margin: 6px 0; flex-wrap: wrap; }
.legend span::before { content: ""; display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; background: var(--c); vertical-align: -1px; }
.status { font-weight: 600; } .status-SUCCESS, .verdict-fresh { color: #2e7d32; } .status-PARTIAL { color: #b7791f; }
.status-FAILED, .status-ABANDONED, .status-ABORTED, .verdict-stale, .found { color: #c62828; }
.passed { color: #2e7d32; }
.chart { margin: 8px 0 16px; background: #fff; border: 1px solid #d0d7de; padding: 8px; max-width: 900px; }
.chart figcaption { font-weight: 600; margin-bottom: 4px; }
.up { color: #c62828; } .down { color: #2e7d32; }
form.inline { display: inline; } input { font: inherit; padding: 2px 6px; }
${(Object.entries(STATUS_COLOURS) as Array<[DayStatus, string]>).map(([status, colour]) => `.s-${status} { background: ${colour}; --c: ${colour}; }`).join('\n')}
`

export interface PageOptions {
  title: string
  body: SafeHtml
  /** `linked`: the dashboard serves uPlot from /assets; `inline`: the file carries it (offline report). */
  assets: 'linked' | 'inline'
  nav?: boolean
}

export function page(options: PageOptions): string {
  const { script, stylesheet } = chartAssets()
  const library = options.assets === 'inline'
    ? html`<style>${trusted(stylesheet)}</style><script>${trusted(script.replace(/<\/script/gi, '<\\/script'))}</script>`
    : html`<link rel="stylesheet" href="/assets/uPlot.min.css"><script src="/assets/uPlot.iife.min.js"></script>`
  const nav = options.nav === false
    ? html``
    : html`<a href="/">overview</a><form class="inline" action="/stock" method="get"><input name="code" placeholder="stock code, e.g. 005930" size="22" pattern="[0-9A-Z]{6}"></form>`
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title><style>${trusted(STYLE)}</style>${library}</head>
<body><header><h1>korea-market-data</h1>${nav}</header><main>${options.body}</main><script>${chartBootstrap()}</script></body></html>`}`
}

export function legend(): SafeHtml {
  return html`<div class="legend">${(Object.keys(STATUS_COLOURS) as DayStatus[]).map((status) => html`<span class="s-legend" style="--c: ${STATUS_COLOURS[status]}">${status === 'holiday' ? 'skipped (holiday)' : status}</span>`)}</div>`
}

/**
 * One grid per dataset, a column per week and a row per weekday (Mon–Fri), each cell a link to
 * that day's runs and checks (`dayLink`), or plain when no link is wanted (the report).
 */
export function heatMaps(maps: readonly DatasetHeatMap[], dayLink: ((dataset: string, date: string) => string) | undefined, selected?: { dataset?: string; date: string }): SafeHtml {
  return html`<div class="heat-maps">${maps.map((map) => {
    const first = map.cells[0]
    // Leave the weekdays before the range's first day empty, so rows stay Monday..Friday.
    const lead = first ? isoWeekday(first.date) - 1 : 0
    return html`<div class="heat-map" data-dataset="${map.dataset}"><h3>${map.dataset}</h3><div class="grid">${Array.from({ length: lead }, () => html`<span></span>`)}${map.cells.map((cell) => {
      const chosen = selected && selected.date === cell.date && (!selected.dataset || selected.dataset === map.dataset) ? ' selected' : ''
      return dayLink
        ? html`<a class="cell s-${cell.status}${chosen}" href="${dayLink(map.dataset, cell.date)}" title="${cell.detail}" data-date="${cell.date}" data-status="${cell.status}"></a>`
        : html`<span class="cell s-${cell.status}" title="${cell.detail}" data-date="${cell.date}" data-status="${cell.status}"></span>`
    })}</div></div>`
  })}</div>${legend()}`
}

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toLocaleString('en-US')
}

export function formatPercent(ratio: number | null): string {
  return ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`
}

/** `+3 ▲` / `-2 ▼` / `=`: this week against the previous one. */
export function trend(now: number, before: number): SafeHtml {
  const delta = now - before
  if (delta === 0) return html`<span class="muted">=</span>`
  return delta > 0 ? html`<span class="up">+${delta} ▲</span>` : html`<span class="down">${delta} ▼</span>`
}

export function seoulTimestamp(instant: Date | null): string {
  if (!instant) return '-'
  return `${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(instant)} KST`
}
