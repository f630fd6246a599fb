import { PassThrough } from 'node:stream'
import { sessionMinuteBars, SchemaViolationError, seoulDate, seoulTimeOfDay, type CanonicalRecord, type CollectedStream, type Logger, type OhlcvMinuteValues, type TradeDate } from '@kmd/core'
import type { KisFetcher } from '../client.ts'
import { KIS_APIS, KRX_MARKET_CODE, PAST_MINUTE_BARS_MAX_ROWS, TODAY_MINUTE_BARS_MAX_ROWS, type KisApi } from '../endpoints.ts'
import { checkStockCodes, outputRows } from '../output.ts'
import { toKisDate, type KisRow } from '../parse.ts'
import { isBlankRow, minuteBarRecordsOf, rowDate } from '../rows.ts'

/** One stock's minute bars of one session as KIS sent them, oldest first, and the calls it took. */
export interface MinuteBarRows {
  stockCode: string
  date: TradeDate
  rows: KisRow[]
  requestCount: number
  /** Rows with data but no readable `stck_cntg_hour`: kept to become parse errors, never dropped. */
  untimed: KisRow[]
}

const HOUR = /^(\d{2})(\d{2})\d{2}$/

/** Every stock's minute bars of one past session, and the stocks that could not be read. */
export interface MinuteBarCollection {
  date: TradeDate
  /** The stocks read, in the order asked. */
  stocks: MinuteBarRows[]
  /** Stocks whose reads still failed after their own retries, with the last error. */
  failed: Array<{ stockCode: string; error: Error }>
  /** The calls that answered, for the stocks read. */
  requestCount: number
}

export interface MinuteBarCollectionOptions {
  /** Requests in flight per client (each client is paced under its own app key's limit). Default 2. */
  inFlightPerClient?: number
  /** Passes over the stocks that failed, each stock read again alone. Default 1. */
  retryRounds?: number
  /** Called as each stock is read or set aside, for progress. */
  onStock?: (stockCode: string, outcome: 'read' | 'failed') => void
  /**
   * Takes each stock's rows as they are read, which are then not kept in `stocks` (a market's
   * day is ~1M bars); awaited, so a slower consumer slows the reads. Its error ends the collection.
   */
  onRows?: (rows: MinuteBarRows) => Promise<void>
}

/**
 * Some stocks' minute bars of a past session, spread over the clients given (one per app key,
 * each paced under that key's limit; KIS limits requests per key, so several keys read the
 * market several times faster). The clients take the next stock from one queue, so a slower key
 * reads fewer. A stock whose reads fail after its client's own retries is set aside and the
 * others go on; then the failed stocks are read again, alone, for `retryRounds` passes. What
 * still fails is returned in `failed`, never silently dropped: the caller records the session
 * as incomplete for those stocks.
 */
export async function collectMinuteBars(
  clients: readonly KisFetcher[],
  date: TradeDate,
  stockCodes: readonly string[],
  options: MinuteBarCollectionOptions = {},
): Promise<MinuteBarCollection> {
  if (clients.length === 0) throw new RangeError('collectMinuteBars needs at least one KIS client')
  checkStockCodes(stockCodes)
  const unique = [...new Set(stockCodes)]
  const lastRound = options.retryRounds ?? 1
  const read = new Map<string, MinuteBarRows>()
  let failed = new Map<string, Error>()
  let requestCount = 0
  let pending = unique
  for (let round = 0; round <= lastRound && pending.length > 0; round++) {
    const queue = [...pending]
    const failedNow = new Map<string, Error>()
    const worker = async (client: KisFetcher) => {
      for (let stockCode = queue.shift(); stockCode !== undefined; stockCode = queue.shift()) {
        let rows: MinuteBarRows
        try {
          rows = await fetchMinuteBarRows(client, stockCode, date)
        } catch (error) {
          failedNow.set(stockCode, error instanceof Error ? error : new Error(String(error)))
          if (round === lastRound) options.onStock?.(stockCode, 'failed')
          continue
        }
        requestCount += rows.requestCount
        if (options.onRows) await options.onRows(rows)
        else read.set(stockCode, rows)
        options.onStock?.(stockCode, 'read')
      }
    }
    const inFlight = Math.max(1, options.inFlightPerClient ?? 2)
    await Promise.all(clients.flatMap((client) => Array.from({ length: inFlight }, () => worker(client))))
    failed = failedNow
    pending = [...failedNow.keys()]
  }
  return {
    date,
    stocks: unique.flatMap((code) => read.get(code) ?? []),
    failed: [...failed.entries()].map(([stockCode, error]) => ({ stockCode, error })),
    requestCount,
  }
}

// Progress is logged every this many stocks (a market is ~2,700: about every two minutes at one key's pace).
const PROGRESS_EVERY = 250

// Stocks' records waiting to be staged: a few dozen stocks' bars, whatever the market's size.
const PARTS_BUFFERED = 32

/**
 * The ohlcv_minute partition of one past session as a stream (`CollectedStream`): every given
 * stock's bars (`collectMinuteBars` over the clients given), one part per stock as it is read,
 * oldest bar first, staged as they come, so memory holds a few dozen stocks' bars however large
 * the day. A stock still failing after its retries is left out and logged; the validators'
 * completeness lists it as missing, so the run cannot end SUCCESS. Every stock failing fails the
 * stream with the first error. Progress is logged in stocks.
 */
export function collectOhlcvMinuteForDate(
  clients: readonly KisFetcher[],
  tradeDate: TradeDate,
  stockCodes: readonly string[],
  options: Omit<MinuteBarCollectionOptions, 'onRows'> & { logger?: Logger } = {},
): CollectedStream<'ohlcv_minute'> {
  if (stockCodes.length === 0) throw new Error(`no stocks to read minute bars of on ${tradeDate}: neither the stock master nor ohlcv_daily lists any (load them first)`)
  const { logger } = options
  let requestCount = 0
  async function* parts(): AsyncGenerator<Array<CanonicalRecord<OhlcvMinuteValues>>> {
    const buffer = new PassThrough({ objectMode: true, highWaterMark: PARTS_BUFFERED })
    let done = 0
    let handedOver = 0
    const collection = collectMinuteBars(clients, tradeDate, stockCodes, {
      ...options,
      onStock: (stockCode, outcome) => {
        options.onStock?.(stockCode, outcome)
        done += 1
        if (done % PROGRESS_EVERY === 0 || done === stockCodes.length) logger?.info({ dataset: 'ohlcv_minute', tradeDate, stocks: done, of: stockCodes.length }, `minute bars: ${done} of ${stockCodes.length} stocks`)
      },
      onRows: async ({ stockCode, rows, untimed }) => {
        if (buffer.destroyed) throw new Error('the minute bars are no longer being read')
        handedOver += 1
        if (!buffer.write([...minuteBarRecordsOf(rows, stockCode), ...minuteBarRecordsOf(untimed, stockCode)])) {
          await new Promise((resolve) => {
            buffer.once('drain', resolve)
            buffer.once('close', resolve)
          })
        }
      },
    })
    collection.then(
      (result) => {
        requestCount = result.requestCount
        if (handedOver === 0 && result.failed.length > 0) return void buffer.destroy(result.failed[0]!.error)
        if (result.failed.length > 0) {
          const shown = result.failed.slice(0, 10).map(({ stockCode, error }) => `${stockCode} (${error.message})`)
          logger?.warn({ dataset: 'ohlcv_minute', tradeDate, failed: result.failed.length }, `minute bars of ${result.failed.length} stocks could not be read: ${shown.join(', ')}`)
        }
        buffer.end()
      },
      (error: unknown) => buffer.destroy(error instanceof Error ? error : new Error(String(error))),
    )
    yield* buffer
  }
  return { dataset: 'ohlcv_minute', source: 'kis', tradeDate, parts: parts(), requestCount: () => requestCount }
}

/**
 * One stock's minute bars of a past session (FHKST03010230, real environment only; KIS keeps
 * about a year): at most 120 bars a call, the newest at or before FID_INPUT_HOUR_1, without
 * tr_cont paging, so the session is read backwards from its close (a full day: four calls).
 * Only the asked session (FID_PW_DATA_INCU_YN N). Minutes without a trade are asked for too
 * (FID_FAKE_TICK_INCU_YN Y, 허봉), so that a minute missing from the answer is a missing bar.
 */
export function fetchMinuteBarRows(client: KisFetcher, stockCode: string, date: TradeDate): Promise<MinuteBarRows> {
  const minutes = sessionMinuteBars(date)
  return readSessionBackwards(client, KIS_APIS.pastMinuteBars, PAST_MINUTE_BARS_MAX_ROWS, stockCode, date, minutes.at(-1), (hour) => ({
    FID_COND_MRKT_DIV_CODE: KRX_MARKET_CODE,
    FID_INPUT_ISCD: stockCode,
    FID_INPUT_HOUR_1: hour,
    FID_INPUT_DATE_1: toKisDate(date),
    FID_PW_DATA_INCU_YN: 'N',
    FID_FAKE_TICK_INCU_YN: 'Y',
  }))
}

/**
 * One stock's minute bars of today so far (FHKST03010200, 30 a call), read backwards from `now`
 * (KST) the same way. KIS's documented query has no 허봉 field: minutes without a trade are
 * whatever KIS sends.
 */
export function fetchTodayMinuteBarRows(client: KisFetcher, stockCode: string, now: Date = new Date()): Promise<MinuteBarRows> {
  const date = seoulDate(now)
  const last = sessionMinuteBars(date).at(-1)
  const clock = seoulTimeOfDay(now).slice(0, 5)
  return readSessionBackwards(client, KIS_APIS.todayMinuteBars, TODAY_MINUTE_BARS_MAX_ROWS, stockCode, date, last !== undefined && clock < last ? clock : last, (hour) => ({
    FID_ETC_CLS_CODE: '',
    FID_COND_MRKT_DIV_CODE: KRX_MARKET_CODE,
    FID_INPUT_ISCD: stockCode,
    FID_INPUT_HOUR_1: hour,
    FID_PW_DATA_INCU_YN: 'N',
  }))
}

/**
 * Reads a session's bars from `lastMinute` backwards, each call from the minute before the oldest
 * bar received, until a call answers fewer than `maxRows` bars or reaches the session's first
 * minute. A bar received twice keeps its first copy; rows of another date are not this
 * session's; a full page that does not reach back before the minute asked is a change in KIS's
 * paging and fails the stock rather than loop.
 */
async function readSessionBackwards(
  client: KisFetcher,
  api: KisApi,
  maxRows: number,
  stockCode: string,
  date: TradeDate,
  lastMinute: string | undefined,
  queryFor: (hour: string) => Record<string, string>,
): Promise<MinuteBarRows> {
  checkStockCodes([stockCode])
  const firstMinute = sessionMinuteBars(date)[0]
  const byMinute = new Map<string, KisRow>()
  const untimed: KisRow[] = []
  let requestCount = 0
  let until = lastMinute === undefined ? undefined : `${lastMinute.replace(':', '')}59`
  while (until !== undefined && firstMinute !== undefined) {
    const rows = outputRows(await client.get(api, queryFor(until)), 'output2', api)
    requestCount++
    let oldest: string | undefined
    for (const row of rows) {
      const minute = minuteOf(row)
      if (minute === undefined) {
        if (!isBlankRow(row)) untimed.push(row)
        continue
      }
      if (rowDate(row, 'stck_bsop_date') !== date) continue
      if (!byMinute.has(minute)) byMinute.set(minute, row)
      if (oldest === undefined || minute < oldest) oldest = minute
    }
    if (rows.length < maxRows || oldest === undefined || oldest <= firstMinute) break
    const next = lastSecondBefore(oldest)
    if (next >= until) throw new SchemaViolationError(`kis ${api.trId}: a full page for ${stockCode} on ${date} up to ${until} does not reach back before it`)
    until = next
  }
  const rows = [...byMinute.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, row]) => row)
  return { stockCode, date, rows, requestCount, untimed }
}

/** `HH:MM` of a row's `stck_cntg_hour` (`HHMMSS`), undefined when it is not one. */
function minuteOf(row: KisRow): string | undefined {
  const hour = row.stck_cntg_hour
  const match = typeof hour === 'string' ? HOUR.exec(hour) : null
  return match ? `${match[1]}:${match[2]}` : undefined
}

/** `HHMMSS`, the last second of the minute before `HH:MM`: the next call's FID_INPUT_HOUR_1. */
function lastSecondBefore(minute: string): string {
  const [hour, min] = minute.split(':').map(Number) as [number, number]
  const previous = hour * 60 + min - 1
  return `${String(Math.floor(previous / 60)).padStart(2, '0')}${String(previous % 60).padStart(2, '0')}59`
}
