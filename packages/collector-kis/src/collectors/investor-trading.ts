import { isTradingDay, type CanonicalRecord, type CollectedBatch, type InvestorTradingValues, type TradeDate } from '@kmd/core'
import type { KisFetcher } from '../client.ts'
import { KIS_APIS, KRX_MARKET_CODE } from '../endpoints.ts'
import { checkStockCodes, outputRows } from '../output.ts'
import { parseKisInteger, toKisDate, type KisRow } from '../parse.ts'
import { investorTradingRecordsOf, isBlankRow, rowDate } from '../rows.ts'

export interface InvestorTradingRequest {
  stockCodes: readonly string[]
  from: TradeDate
  to: TradeDate
}

/** One stock's FHPTJ04160001 rows within a window, newest first, and the calls it took. */
export interface InvestorDailyRows {
  stockCode: string
  rows: KisRow[]
  requestCount: number
  /** Rows with data but no readable date: kept, as parse errors in the batch of `to`. */
  undated?: KisRow[]
  /** The window's last day. */
  to?: TradeDate
}

const api = KIS_APIS.investorDaily
// Enough pages for a year of sessions at any page size KIS is likely to use.
const MAX_PAGES = 60

/**
 * One stock's daily investor rows over [from, to]: FHPTJ04160001 lists the sessions on or
 * before FID_INPUT_DATE_1, newest first, and pages with tr_cont; paging stops at the first page
 * that reaches back before `from`.
 */
export async function fetchInvestorDailyRows(client: KisFetcher, stockCode: string, from: TradeDate, to: TradeDate): Promise<InvestorDailyRows> {
  const query = { FID_COND_MRKT_DIV_CODE: KRX_MARKET_CODE, FID_INPUT_ISCD: stockCode, FID_INPUT_DATE_1: toKisDate(to), FID_ORG_ADJ_PRC: '', FID_ETC_CLS_CODE: '' }
  const rows: KisRow[] = []
  const undated: KisRow[] = []
  const seen = new Set<TradeDate>()
  let requestCount = 0
  for await (const answer of client.pages(api, query, { maxPages: MAX_PAGES })) {
    requestCount++
    let reachedFrom = false
    for (const row of outputRows(answer, 'output2', api)) {
      const date = rowDate(row, 'stck_bsop_date')
      if (date === undefined) {
        if (!isBlankRow(row)) undated.push(row)
        continue
      }
      if (date < from) reachedFrom = true
      if (date < from || date > to || seen.has(date)) continue
      seen.add(date)
      rows.push(row)
    }
    if (reachedFrom) break
  }
  return { stockCode, rows, requestCount, undated, to }
}

/**
 * Investor flows of some stocks over [from, to] in KRX's eleven leaf groups (mapped as the
 * README explains), one batch per trade date, oldest first. Every batch reports the requests of
 * the whole collection in `requestCount`.
 */
export async function collectInvestorTrading(client: KisFetcher, request: InvestorTradingRequest): Promise<Array<CollectedBatch<'investor_trading'>>> {
  checkStockCodes(request.stockCodes)
  const fetched: InvestorDailyRows[] = []
  for (const stockCode of request.stockCodes) fetched.push(await fetchInvestorDailyRows(client, stockCode, request.from, request.to))
  return investorTradingBatches(fetched)
}

/** The per-date batches of fetched rows; pure, so recorded answers can be checked directly. */
export function investorTradingBatches(fetched: readonly InvestorDailyRows[]): Array<CollectedBatch<'investor_trading'>> {
  const requestCount = fetched.reduce((sum, stock) => sum + stock.requestCount, 0)
  const byDate = new Map<TradeDate, Array<CanonicalRecord<InvestorTradingValues>>>()
  const add = (date: TradeDate, records: Array<CanonicalRecord<InvestorTradingValues>>) => byDate.set(date, [...(byDate.get(date) ?? []), ...records])
  for (const { stockCode, rows, undated = [], to } of fetched) {
    for (const row of rows) {
      const date = rowDate(row, 'stck_bsop_date')
      if (date !== undefined && traded(row)) add(date, investorTradingRecordsOf(row, stockCode))
    }
    // An undated row cannot be placed; it goes with the window's last day as parse errors, not lost.
    if (to !== undefined) for (const row of undated) add(to, investorTradingRecordsOf(row, stockCode))
  }
  return [...byDate.keys()].sort().map((tradeDate) => ({
    dataset: 'investor_trading',
    source: 'kis',
    tradeDate,
    records: byDate.get(tradeDate)!,
    nonTradingDay: false,
    requestCount,
  }))
}

/**
 * Every given stock's investor flows on one trade date: one call per stock (its first page
 * starts at that date). The day counts as closed when not one of the stocks has a row for it.
 */
export async function collectInvestorTradingForDate(client: KisFetcher, tradeDate: TradeDate, stockCodes: readonly string[]): Promise<CollectedBatch<'investor_trading'>> {
  checkStockCodes(stockCodes)
  const records: Array<CanonicalRecord<InvestorTradingValues>> = []
  let dated = 0
  for (const stockCode of stockCodes) {
    const query = { FID_COND_MRKT_DIV_CODE: KRX_MARKET_CODE, FID_INPUT_ISCD: stockCode, FID_INPUT_DATE_1: toKisDate(tradeDate), FID_ORG_ADJ_PRC: '', FID_ETC_CLS_CODE: '' }
    const answerRows = outputRows(await client.get(api, query), 'output2', api).filter((candidate) => !isBlankRow(candidate))
    const row = answerRows.find((candidate) => rowDate(candidate, 'stck_bsop_date') === tradeDate)
    if (row === undefined) {
      // The answer starts at the trade date, newest first: a first row whose date does not read
      // is most likely the day's, and is kept as parse errors rather than read as "no session".
      const first = answerRows[0]
      if (first !== undefined && rowDate(first, 'stck_bsop_date') === undefined) {
        dated++
        records.push(...investorTradingRecordsOf(first, stockCode))
      }
      continue
    }
    dated++
    if (traded(row)) records.push(...investorTradingRecordsOf(row, stockCode))
  }
  // As for daily bars: no dated row is a closed day only where the KRX calendar agrees.
  const nonTradingDay = stockCodes.length > 0 && dated === 0 && !isTradingDay(tradeDate)
  return { dataset: 'investor_trading', source: 'kis', tradeDate, records, nonTradingDay, requestCount: stockCodes.length }
}

// A session without a trade has nothing to split among investors; KRX lists no rows for such a stock either.
function traded(row: KisRow): boolean {
  const volume = parseKisInteger(row.acml_vol)
  return !(volume.ok && volume.value === 0)
}
