import { isTradingDay, SchemaViolationError, type CanonicalRecord, type CollectedBatch, type OhlcvDailyValues, type TradeDate } from '@kmd/core'
import type { KisFetcher } from '../client.ts'
import { DAILY_CHART_MAX_ROWS, KIS_APIS, KRX_MARKET_CODE } from '../endpoints.ts'
import { checkStockCodes, outputRows } from '../output.ts'
import { toKisDate, type KisRow } from '../parse.ts'
import { isBlankRow, ohlcvRecordOf, rowDate } from '../rows.ts'

export interface DailyOhlcvRequest {
  stockCodes: readonly string[]
  from: TradeDate
  to: TradeDate
}

/** One stock's daily rows over a window, newest first, and the calls it took. */
export interface DailyChartRows {
  stockCode: string
  rows: KisRow[]
  requestCount: number
  /** Rows with data but no readable date: kept, as parse errors in the batch of `to`. */
  undated?: KisRow[]
  /** The window's last day. */
  to?: TradeDate
}

const api = KIS_APIS.dailyChart

/**
 * One stock's daily bars over [from, to]. FHKST03010100 returns at most 100 rows, the newest of
 * the window, and has no tr_cont paging, so a longer window is paged by moving its end to the
 * day before the oldest row received. Unadjusted prices (FID_ORG_ADJ_PRC 1, 원주가), as KRX's
 * daily screen shows them.
 */
export async function fetchDailyChartRows(client: KisFetcher, stockCode: string, from: TradeDate, to: TradeDate): Promise<DailyChartRows> {
  const byDate = new Map<TradeDate, KisRow>()
  const undated: KisRow[] = []
  let requestCount = 0
  let end = to
  while (end >= from) {
    const answer = await client.get(api, {
      FID_COND_MRKT_DIV_CODE: KRX_MARKET_CODE,
      FID_INPUT_ISCD: stockCode,
      FID_INPUT_DATE_1: toKisDate(from),
      FID_INPUT_DATE_2: toKisDate(end),
      FID_PERIOD_DIV_CODE: 'D',
      FID_ORG_ADJ_PRC: '1',
    })
    requestCount++
    const rows = outputRows(answer, 'output2', api)
    undated.push(...rows.filter((row) => rowDate(row, 'stck_bsop_date') === undefined && !isBlankRow(row)))
    const dated = rows.flatMap((row) => {
      const date = rowDate(row, 'stck_bsop_date')
      return date !== undefined && date >= from && date <= end ? [{ date, row }] : []
    })
    for (const { date, row } of dated) if (!byDate.has(date)) byDate.set(date, row)
    if (dated.length < DAILY_CHART_MAX_ROWS) break
    const oldest = dated.reduce((min, { date }) => (date < min ? date : min), end)
    if (oldest >= end) throw new SchemaViolationError(`kis ${api.trId}: a full page for ${stockCode} ending ${end} does not reach back before it`)
    end = dayBefore(oldest)
  }
  const rows = [...byDate.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).map(([, row]) => row)
  return { stockCode, rows, requestCount, undated, to }
}

/**
 * Daily bars of some stocks over [from, to], as one batch per trade date (each record's time is
 * its batch's trade date, as the validators expect), oldest first. Every batch reports the
 * requests of the whole collection in `requestCount`, as the KRX collectors do for a shared screen.
 */
export async function collectDailyOhlcv(client: KisFetcher, request: DailyOhlcvRequest): Promise<Array<CollectedBatch<'ohlcv_daily'>>> {
  checkStockCodes(request.stockCodes)
  const fetched: DailyChartRows[] = []
  for (const stockCode of request.stockCodes) fetched.push(await fetchDailyChartRows(client, stockCode, request.from, request.to))
  return dailyOhlcvBatches(fetched)
}

/** The per-date batches of fetched rows; pure, so recorded answers can be checked directly. */
export function dailyOhlcvBatches(fetched: readonly DailyChartRows[]): Array<CollectedBatch<'ohlcv_daily'>> {
  const requestCount = fetched.reduce((sum, stock) => sum + stock.requestCount, 0)
  const byDate = new Map<TradeDate, Array<CanonicalRecord<OhlcvDailyValues>>>()
  const add = (date: TradeDate, record: CanonicalRecord<OhlcvDailyValues>) => byDate.set(date, [...(byDate.get(date) ?? []), record])
  for (const { stockCode, rows, undated = [], to } of fetched) {
    for (const row of rows) {
      const date = rowDate(row, 'stck_bsop_date')
      if (date !== undefined) add(date, ohlcvRecordOf(row, stockCode))
    }
    // A row KIS sent whose date does not read cannot be placed; it goes with the window's last
    // day, time null and its parse errors, so it is counted and quarantined, not lost.
    if (to !== undefined) for (const row of undated) add(to, ohlcvRecordOf(row, stockCode))
  }
  return [...byDate.keys()].sort().map((tradeDate) => ({
    dataset: 'ohlcv_daily',
    source: 'kis',
    tradeDate,
    records: byDate.get(tradeDate)!,
    nonTradingDay: false,
    requestCount,
  }))
}

/**
 * Every given stock's bar on one trade date: one call per stock (the pipeline's daily
 * partition). The day counts as closed when not one of the stocks has a row for it.
 */
export async function collectOhlcvDailyForDate(client: KisFetcher, tradeDate: TradeDate, stockCodes: readonly string[]): Promise<CollectedBatch<'ohlcv_daily'>> {
  checkStockCodes(stockCodes)
  const records: Array<CanonicalRecord<OhlcvDailyValues>> = []
  for (const stockCode of stockCodes) {
    const { rows, undated = [] } = await fetchDailyChartRows(client, stockCode, tradeDate, tradeDate)
    for (const row of rows) if (rowDate(row, 'stck_bsop_date') === tradeDate) records.push(ohlcvRecordOf(row, stockCode))
    // The window is the one day: a row whose date does not read is that day's, as a parse error.
    for (const row of undated) records.push(ohlcvRecordOf(row, stockCode))
  }
  // No stock with a row is a closed day only where the KRX calendar agrees; on a session day it
  // stays an empty batch for the pipeline's row count to question.
  const nonTradingDay = stockCodes.length > 0 && records.length === 0 && !isTradingDay(tradeDate)
  return { dataset: 'ohlcv_daily', source: 'kis', tradeDate, records, nonTradingDay, requestCount: stockCodes.length }
}

function dayBefore(date: TradeDate): TradeDate {
  const at = new Date(`${date}T00:00:00Z`)
  at.setUTCDate(at.getUTCDate() - 1)
  return at.toISOString().slice(0, 10)
}
