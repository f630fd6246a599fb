import { formatRate, parseCompactDate } from '../krx/wire-format.ts'
import type { SimulatorResponse } from '../http-io.ts'
import type { KisMarketView, StockSession } from './market-view.ts'
import { RECORDED_FILES, type KisRecordings } from './recorded.ts'
import { changeSignCode, compactDate, kisError, kisJson, OK_ENVELOPE, KIS_MARKET_CODES } from './wire.ts'

/** FHKST03010100 answers at most 100 rows per call, the newest of the window; no tr_cont paging. */
export const DAILY_CHART_MAX_ROWS = 100

/**
 * `GET …/inquire-daily-itemchartprice` (FHKST03010100), daily bars only (`FID_PERIOD_DIV_CODE=D`).
 * The synthetic market has no corporate actions, so adjusted (`FID_ORG_ADJ_PRC=0`) and
 * unadjusted (`1`) prices are the same. A halted day has open/high/low "0" and volume "0", as
 * on KRX's screen. An unknown stock answers empty outputs (this simulator's choice).
 */
export function answerDailyChart(query: Record<string, string>, view: KisMarketView, recordings: KisRecordings): SimulatorResponse {
  const recorded = recordings.find(RECORDED_FILES.dailyChart, query)
  if (recorded) return kisJson(200, { ...OK_ENVELOPE, ...recorded.response })

  const from = parseCompactDate(query.FID_INPUT_DATE_1)
  const to = parseCompactDate(query.FID_INPUT_DATE_2)
  if (!KIS_MARKET_CODES.has(query.FID_COND_MRKT_DIV_CODE ?? '')) return kisError(200, 'invalidInput', 'FID_COND_MRKT_DIV_CODE')
  if (from === undefined || to === undefined || from > to) return kisError(200, 'invalidInput', 'FID_INPUT_DATE_1/FID_INPUT_DATE_2')
  if (query.FID_PERIOD_DIV_CODE !== 'D') return kisError(200, 'invalidInput', 'FID_PERIOD_DIV_CODE (the simulator serves D only)')
  if (query.FID_ORG_ADJ_PRC !== '0' && query.FID_ORG_ADJ_PRC !== '1') return kisError(200, 'invalidInput', 'FID_ORG_ADJ_PRC')

  const index = view.indexOf(query.FID_INPUT_ISCD ?? '')
  if (index === undefined) return kisJson(200, { ...OK_ENVELOPE, output1: {}, output2: [] })
  const sessions = view.sessionsBack(to, index, DAILY_CHART_MAX_ROWS, from)
  const latest = sessions[0] ?? view.sessionsBack(to, index, 1)[0]
  return kisJson(200, { ...OK_ENVELOPE, output1: latest ? snapshot(latest, view) : {}, output2: sessions.map(dailyRow) })
}

function dailyRow({ session, quote }: StockSession): Record<string, string> {
  return {
    stck_bsop_date: compactDate(session.date),
    stck_clpr: String(quote.close),
    stck_oprc: String(quote.open),
    stck_hgpr: String(quote.high),
    stck_lwpr: String(quote.low),
    acml_vol: String(quote.volume),
    acml_tr_pbmn: String(quote.value),
    flng_cls_code: '00',
    prtt_rate: '0.00',
    mod_yn: 'N',
    prdy_vrss_sign: changeSignCode(quote.fluctuation),
    prdy_vrss: String(quote.close - quote.previousClose),
    revl_issu_reas: '',
  }
}

// output1: the stock's snapshot on the window's last session. hts_avls and cpfn are in 억원.
function snapshot({ session, quote, index }: StockSession, view: KisMarketView): Record<string, string> {
  const stock = quote.stock
  const previous = view.sessionsBack(session.date, index, 2)[1]?.quote
  const change = quote.close - quote.previousClose
  return {
    prdy_vrss: String(change),
    prdy_vrss_sign: changeSignCode(quote.fluctuation),
    prdy_ctrt: formatRate((100 * change) / quote.previousClose),
    stck_prdy_clpr: String(quote.previousClose),
    acml_vol: String(quote.volume),
    acml_tr_pbmn: String(quote.value),
    hts_kor_isnm: stock.name,
    stck_prpr: String(quote.close),
    stck_shrn_iscd: stock.code,
    prdy_vol: String(previous?.volume ?? 0),
    stck_mxpr: String(quote.upperLimit),
    stck_llam: String(quote.lowerLimit),
    stck_oprc: String(quote.open),
    stck_hgpr: String(quote.high),
    stck_lwpr: String(quote.low),
    stck_prdy_oprc: String(previous?.open ?? 0),
    stck_prdy_hgpr: String(previous?.high ?? 0),
    stck_prdy_lwpr: String(previous?.low ?? 0),
    askp: String(quote.close),
    bidp: String(quote.close),
    prdy_vrss_vol: String(quote.volume - (previous?.volume ?? 0)),
    vol_tnrt: formatRate((100 * quote.volume) / stock.listedShares),
    stck_fcam: '500',
    lstn_stcn: String(stock.listedShares),
    cpfn: String(Math.round((500 * stock.listedShares) / 1e8)),
    hts_avls: String(Math.round((quote.close * stock.listedShares) / 1e8)),
    per: '0.00',
    eps: '0.00',
    pbr: '0.00',
    itewhol_loan_rmnd_ratem: '0.00',
  }
}
