import { formatRate, parseCompactDate } from '../krx/wire-format.ts'
import { MARKET_NAMES } from '../krx/universe.ts'
import type { SimulatorResponse } from '../http-io.ts'
import { trContOf, type ContinuationCursors } from './continuation.ts'
import { flowFields, kisGroupLegs } from './investor-groups.ts'
import type { KisMarketView, StockSession } from './market-view.ts'
import { RECORDED_FILES, type KisRecordings } from './recorded.ts'
import type { KisSimulatorSettings } from './settings.ts'
import { changeSignCode, compactDate, kisError, kisJson, OK_ENVELOPE, KIS_MARKET_CODES } from './wire.ts'

export interface InvestorDailyContext {
  view: KisMarketView
  seed: number
  settings: KisSimulatorSettings
  cursors: ContinuationCursors
  recordings: KisRecordings
}


/**
 * `GET …/investor-trade-by-stock-daily` (FHPTJ04160001): one stock's sessions on or before
 * FID_INPUT_DATE_1, newest first, with prices and every KIS investor group's flows; paged by
 * `tr_cont` (next page: the same query with request header `tr_cont: N`). Sessions without a
 * trade are listed with zero flows. The recorded example is one page (`tr_cont: D`).
 */
export function answerInvestorDaily(query: Record<string, string>, request: { appKey: string; trCont: string | undefined }, context: InvestorDailyContext): SimulatorResponse {
  const recorded = context.recordings.find(RECORDED_FILES.investorDaily, query)
  if (recorded) return kisJson(200, { ...OK_ENVELOPE, ...recorded.response }, { tr_cont: 'D' })

  const date = parseCompactDate(query.FID_INPUT_DATE_1)
  if (!KIS_MARKET_CODES.has(query.FID_COND_MRKT_DIV_CODE ?? '')) return kisError(200, 'invalidInput', 'FID_COND_MRKT_DIV_CODE')
  if (date === undefined) return kisError(200, 'invalidInput', 'FID_INPUT_DATE_1')
  const index = context.view.indexOf(query.FID_INPUT_ISCD ?? '')
  if (index === undefined) return kisJson(200, { ...OK_ENVELOPE, output1: {}, output2: [] }, { tr_cont: 'D' })

  const { investorPageSize: pageSize, investorHistorySessions } = context.settings
  const key = `${request.appKey}|investor|${query.FID_COND_MRKT_DIV_CODE}|${query.FID_INPUT_ISCD}|${date}`
  const page = context.cursors.pageFor(key, request.trCont)
  const reach = Math.min(investorHistorySessions, (page + 1) * pageSize + 1)
  const sessions = context.view.sessionsBack(date, index, reach)
  const rows = sessions.slice(page * pageSize, (page + 1) * pageSize)
  const hasMore = sessions.length > (page + 1) * pageSize
  context.cursors.answered(key, page, hasMore)

  const latest = sessions[0]
  return kisJson(
    200,
    { ...OK_ENVELOPE, output1: latest ? snapshot(latest, sessions[1]) : {}, output2: rows.map((session) => investorRow(session, context)) },
    { tr_cont: trContOf(page, hasMore) },
  )
}

function investorRow(stockSession: StockSession, context: InvestorDailyContext): Record<string, string> {
  const { session, quote } = stockSession
  const change = quote.close - quote.previousClose
  return {
    stck_bsop_date: compactDate(session.date),
    stck_clpr: String(quote.close),
    prdy_vrss: String(change),
    prdy_vrss_sign: changeSignCode(quote.fluctuation),
    prdy_ctrt: formatRate((100 * change) / quote.previousClose),
    acml_vol: String(quote.volume),
    // 원, as in KIS's example (its field table says 백만원).
    acml_tr_pbmn: String(quote.value),
    stck_oprc: String(quote.open),
    stck_hgpr: String(quote.high),
    stck_lwpr: String(quote.low),
    ...flowFields(kisGroupLegs(context.view.market.sessionFlows(session), stockSession, context.seed)),
  }
}

function snapshot({ quote }: StockSession, previous: StockSession | undefined): Record<string, string> {
  const change = quote.close - quote.previousClose
  return {
    stck_prpr: String(quote.close),
    prdy_vrss: String(change),
    prdy_vrss_sign: changeSignCode(quote.fluctuation),
    prdy_ctrt: formatRate((100 * change) / quote.previousClose),
    acml_vol: String(quote.volume),
    prdy_vol: String(previous?.quote.volume ?? 0),
    rprs_mrkt_kor_name: MARKET_NAMES[quote.stock.market],
  }
}
