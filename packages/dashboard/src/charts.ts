import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { projectRoot } from '@kmd/core'
import { html, scriptJson, trusted, type SafeHtml } from './html.ts'

/**
 * Charts are drawn in the browser by uPlot from a JSON spec in the page. The library is served
 * from this package's node_modules (never a CDN) and inlined into the weekly report, so both
 * work offline.
 */

// Resolved from this package's manifest, not this module: the bundled CLI runs this code from
// packages/cli/dist, where uplot is not installed.
const require = createRequire(join(projectRoot(import.meta.url), 'packages', 'dashboard', 'package.json'))

let assets: { script: string; stylesheet: string } | undefined

/** uPlot's minified script and stylesheet, read once. */
export function chartAssets(): { script: string; stylesheet: string } {
  assets ??= {
    script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    stylesheet: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  }
  return assets
}

export interface ChartSeries {
  label: string
  /** One value per x; null leaves a gap. */
  values: Array<number | null>
  /** Which y axis: `left` or `right`. */
  axis?: 'left' | 'right'
  style?: 'line' | 'bars' | 'points'
  color: string
}

export interface ChartSpec {
  title: string
  /** Dates `YYYY-MM-DD`, the x axis. */
  dates: string[]
  series: ChartSeries[]
  leftLabel?: string
  rightLabel?: string
  /** Axes whose scale starts at 0 (counts, volumes); the others fit the data (prices). */
  zeroBased?: Array<'left' | 'right'>
  height?: number
}

/** A chart's place in the page: its spec as inert JSON, drawn by `chartBootstrap`. */
export function chart(spec: ChartSpec): SafeHtml {
  return html`<figure class="chart"><figcaption>${spec.title}</figcaption><div class="chart-area"></div><script type="application/json" class="chart-spec">${scriptJson(spec)}</script></figure>`
}

// Draws every `.chart` from its spec. The x axis is the index of a date (trading days sit side
// by side, no weekend gaps), labelled with the date; axes named in `zeroBased` start at 0.
const BOOTSTRAP = `
(function () {
  function draw(figure) {
    var spec = JSON.parse(figure.querySelector('.chart-spec').textContent);
    var area = figure.querySelector('.chart-area');
    var dates = spec.dates;
    var xs = dates.map(function (d, i) { return i; });
    var step = Math.max(1, Math.ceil(dates.length / 10));
    var label = function (i) { return dates[Math.round(i)] || ''; };
    var bars = uPlot.paths.bars({ size: [0.6, 40] });
    var series = [{ label: 'date', value: function (u, v) { return v == null ? '' : label(v); } }];
    spec.series.forEach(function (s) {
      var entry = { label: s.label, stroke: s.color, scale: s.axis === 'right' ? 'right' : 'left', width: 2 };
      if (s.style === 'bars') { entry.paths = bars; entry.fill = s.color + '66'; entry.width = 1; entry.points = { show: false }; }
      if (s.style === 'points') { entry.paths = function () { return null; }; entry.points = { show: true, size: 11, fill: s.color, stroke: s.color }; }
      series.push(entry);
    });
    var zero = spec.zeroBased || [];
    var scales = { x: { time: false, range: function () { return [-0.6, dates.length - 0.4]; } } };
    ['left', 'right'].forEach(function (name) {
      if (zero.indexOf(name) >= 0) scales[name] = { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
    });
    var axes = [
      { splits: function () { return xs.filter(function (i) { return i % step === 0; }); }, values: function (u, splits) { return splits.map(function (i) { return label(i).slice(5); }); } },
      { scale: 'left', label: spec.leftLabel || '', size: 60 },
    ];
    if (spec.series.some(function (s) { return s.axis === 'right'; })) axes.push({ scale: 'right', side: 1, grid: { show: false }, label: spec.rightLabel || '', size: 60 });
    var width = Math.max(320, area.clientWidth || 720);
    new uPlot({ width: width, height: spec.height || 240, series: series, axes: axes, scales: scales },
      [xs].concat(spec.series.map(function (s) { return s.values; })), area);
  }
  Array.prototype.forEach.call(document.querySelectorAll('figure.chart'), function (figure) {
    try { draw(figure); } catch (error) { figure.querySelector('.chart-area').textContent = 'chart unavailable: ' + error.message; }
  });
})();
`

/** The script that draws the page's charts; run after uPlot is loaded. */
export function chartBootstrap(): SafeHtml {
  return trusted(BOOTSTRAP)
}
