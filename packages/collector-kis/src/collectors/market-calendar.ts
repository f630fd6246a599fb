import type { CollectedBatch, TradeDate } from '@kmd/core'
import type { KisAnswer, KisFetcher } from '../client.ts'
import { KIS_APIS } from '../endpoints.ts'
import { outputRows } from '../output.ts'
import { toKisDate, type KisRow } from '../parse.ts'
import { calendarRecordOf, isBlankRow, rowDate } from '../rows.ts'

export interface MarketCalendarOptions {
  /** Last date wanted; paging stops once a page reaches past it. Default: as far as KIS answers. */
  toDate?: TradeDate
  /** At most this many pages; default 20 (over a year at the 23 days a page of KIS's recorded example). */
  maxPages?: number
}

const api = KIS_APIS.holidays
const DEFAULT_MAX_PAGES = 20

/**
 * KRX's calendar from KIS's holiday screen (CTCA0903R) starting at `fromDate`: one record per
 * calendar day, open when `opnd_yn` is Y. The next page repeats BASS_DT with the answer's
 * `ctx_area_nk`/`ctx_area_fk` as CTX_AREA_NK/CTX_AREA_FK and request header `tr_cont: N`. KIS
 * asks callers to use this screen about once a day.
 */
export async function collectMarketCalendar(client: KisFetcher, fromDate: TradeDate, options: MarketCalendarOptions = {}): Promise<CollectedBatch<'market_calendar'>> {
  const query = { BASS_DT: toKisDate(fromDate), CTX_AREA_NK: '', CTX_AREA_FK: '' }
  const rows: KisRow[] = []
  const seen = new Set<TradeDate>()
  let requestCount = 0
  for await (const answer of client.pages(api, query, { maxPages: options.maxPages ?? DEFAULT_MAX_PAGES, nextQuery: continuation })) {
    requestCount++
    let reachedEnd = false
    for (const row of outputRows(answer, 'output', api)) {
      const date = rowDate(row, 'bass_dt')
      if (date === undefined) {
        // Data without a readable date: kept as a parse error (trade_date null), not lost.
        if (!isBlankRow(row)) rows.push(row)
        continue
      }
      if (date < fromDate || seen.has(date)) continue
      if (options.toDate !== undefined && date > options.toDate) {
        reachedEnd = true
        continue
      }
      seen.add(date)
      rows.push(row)
    }
    if (reachedEnd) break
  }
  return calendarBatch(rows, fromDate, requestCount)
}

/** The batch for CTCA0903R rows; pure, so recorded answers can be checked directly. */
export function calendarBatch(rows: readonly KisRow[], fromDate: TradeDate, requestCount: number): CollectedBatch<'market_calendar'> {
  return { dataset: 'market_calendar', source: 'kis', tradeDate: fromDate, records: rows.map(calendarRecordOf), nonTradingDay: false, requestCount }
}

// KIS pads the context keys with spaces; they are echoed as sent.
function continuation(answer: KisAnswer, query: Record<string, string>): Record<string, string> {
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return { ...query, CTX_AREA_NK: text(answer.body.ctx_area_nk), CTX_AREA_FK: text(answer.body.ctx_area_fk) }
}
