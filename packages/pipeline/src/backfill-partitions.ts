import { addDays, DAILY_DATASETS, isTradingDay, nextTradingDay, type Dataset, type SourceName, type TradeDate } from '@kmd/core'

/**
 * How a source can be asked for history, and so how a backfill cuts a date range into
 * partitions. Pure: no clock, no database, no I/O.
 *   tradingDay   one cross-section screen per trading day (all stocks at once)
 *   stockWindow  one stock at a time over a date window of at most `maxSpan`
 *   stockRows    one stock at a time, at most `maxRows` rows (daily data: one row per trading day)
 */
export type PartitionShape =
  | { kind: 'tradingDay' }
  | { kind: 'stockWindow'; maxSpan: { years: number } | { days: number } }
  | { kind: 'stockRows'; maxRows: number }

export interface PartitionRule {
  source: SourceName
  /** The datasets this rule covers; '*' for every dataset of the source. */
  datasets: readonly Dataset[] | '*'
  shape: PartitionShape
  /** Why the source needs this shape: shown by `etl backfill --dry-run`. */
  why: string
  /** How many days back from today the source keeps this history; a range starting earlier is refused. */
  historyDays?: number
}

/**
 * The table a backfill reads to partition a range; first matching row wins. A new source or
 * a new way of asking an old one is a new row here, nothing else.
 */
export const PARTITION_RULES: readonly PartitionRule[] = [
  {
    source: 'krx',
    datasets: DAILY_DATASETS,
    shape: { kind: 'tradingDay' },
    why: 'KRX screens MDCSTAT01501/02401 return the whole market for one day',
  },
  {
    source: 'krx',
    datasets: '*',
    shape: { kind: 'stockWindow', maxSpan: { years: 2 } },
    why: 'KRX per-stock history screens accept at most two years per request',
  },
  { source: 'infomax', datasets: '*', shape: { kind: 'stockWindow', maxSpan: { days: 30 } }, why: 'Infomax history calls cover at most 30 days' },
  {
    source: 'kis',
    datasets: ['ohlcv_minute'],
    shape: { kind: 'tradingDay' },
    historyDays: 365,
    why: 'KIS minute charts (FHKST03010230) answer one stock and session per four calls and keep about a year',
  },
  { source: 'kis', datasets: '*', shape: { kind: 'stockRows', maxRows: 100 }, why: 'KIS period quotes return at most 100 rows per call' },
]

/** The partitioning rule for (source, dataset), or undefined when no row covers it. */
export function partitionRuleFor(source: SourceName, dataset: Dataset, rules: readonly PartitionRule[] = PARTITION_RULES): PartitionRule | undefined {
  return rules.find((rule) => rule.source === source && (rule.datasets === '*' || rule.datasets.includes(dataset)))
}

/** One unit of backfill work: a logged run of its own. */
export interface Partition {
  /** `data_collection_logs.partition_key`: the trade date, or `<stock>:<from>..<to>` per stock. */
  key: string
  from: TradeDate
  to: TradeDate
  /** Set for per-stock shapes. */
  stockCode?: string
}

export interface PartitionRange {
  from: TradeDate
  to: TradeDate
  /** The stocks of a per-stock shape, iterated once per stock; ignored by `tradingDay`. */
  stockCodes?: Iterable<string>
}

/**
 * The partitions of a range, oldest first (per stock for per-stock shapes), generated lazily so
 * ten years cost no more memory than one day. Windows never start or end on a closed day, and
 * a window without a trading day is not produced.
 */
export function* partitionsOf(shape: PartitionShape, range: PartitionRange): Generator<Partition> {
  if (shape.kind === 'tradingDay') {
    for (const day of tradingDays(range.from, range.to)) yield { key: day, from: day, to: day }
    return
  }
  if (!range.stockCodes) throw new RangeError(`a ${shape.kind} partitioning needs the stock codes to backfill`)
  for (const stockCode of range.stockCodes) {
    const windows = shape.kind === 'stockWindow' ? spanWindows(range, shape.maxSpan) : rowWindows(range, shape.maxRows)
    for (const { from, to } of windows) yield { key: `${stockCode}:${from}..${to}`, from, to, stockCode }
  }
}

/** Trading days from `from` to `to`, both included, one at a time. */
export function* tradingDays(from: TradeDate, to: TradeDate): Generator<TradeDate> {
  if (from > to) return
  let day = isTradingDay(from) ? from : nextTradingDay(from)
  while (day <= to) {
    yield day
    day = nextTradingDay(day)
  }
}

/** Calendar windows of at most `span` (a window of two years ends the day before the same date two years on), trimmed to trading days. */
function* spanWindows(range: PartitionRange, span: { years: number } | { days: number }): Generator<{ from: TradeDate; to: TradeDate }> {
  const count = 'years' in span ? span.years : span.days
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a window span must be a whole number >= 1, got ${count}`)
  let start = range.from
  while (start <= range.to) {
    const limit = addDays('years' in span ? addYears(start, span.years) : addDays(start, span.days), -1)
    const end = limit < range.to ? limit : range.to
    const first = isTradingDay(start) ? start : nextTradingDay(start)
    if (first <= end) yield { from: first, to: lastTradingDayOnOrBefore(end, first) }
    start = addDays(end, 1)
  }
}

/** Windows of at most `maxRows` trading days. */
function* rowWindows(range: PartitionRange, maxRows: number): Generator<{ from: TradeDate; to: TradeDate }> {
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a whole number >= 1, got ${maxRows}`)
  let from: TradeDate | undefined
  let last: TradeDate | undefined
  let rows = 0
  for (const day of tradingDays(range.from, range.to)) {
    from ??= day
    last = day
    rows += 1
    if (rows === maxRows) {
      yield { from, to: last }
      from = undefined
      rows = 0
    }
  }
  if (from !== undefined && last !== undefined) yield { from, to: last }
}

// `first` is a trading day on or before `end`, so the walk back always stops.
function lastTradingDayOnOrBefore(end: TradeDate, first: TradeDate): TradeDate {
  let day = end
  while (day > first && !isTradingDay(day)) day = addDays(day, -1)
  return day
}

// 2024-02-29 plus one year is 2025-03-01 in Date arithmetic; clamp to the month's last day instead.
function addYears(date: TradeDate, years: number): TradeDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const lastDay = new Date(Date.UTC(year + years, month, 0)).getUTCDate()
  return new Date(Date.UTC(year + years, month - 1, Math.min(day, lastDay))).toISOString().slice(0, 10)
}
