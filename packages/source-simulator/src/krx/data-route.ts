import { logoutAnswer } from '../fault-effects.ts'
import { HTML, htmlResponse, type ParsedRequest, type SimulatorResponse } from '../http-io.ts'
import { SESSION_COOKIE, type SessionStore } from '../sessions.ts'
import type { BoundedCache } from './bounded-cache.ts'
import { INVESTOR_TYPES, type InvestorType } from './investor-flows.ts'
import type { RecordedPayloads } from './recorded.ts'
import { answerReferenceScreen } from './reference-route.ts'
import {
  ALL_STOCK_PRICES_BLD,
  ALL_STOCK_PRICES_KEY,
  ALL_STOCK_PRICES_MARKETS,
  allStockPricesRows,
} from './screens/all-stock-prices.ts'
import {
  INVESTOR_NET_BUYING_BLD,
  INVESTOR_NET_BUYING_KEY,
  INVESTOR_NET_BUYING_MARKETS,
  investorNetBuyingRows,
} from './screens/investor-net-buying.ts'
import type { SyntheticMarket } from './synthetic-market.ts'
import { jsonEnvelope, parseCompactDate } from './wire-format.ts'

/**
 * `POST /comm/bldAttendant/getJsonData.cmd`: the portal's one data endpoint. A logged-in
 * session is required; then a recorded answer if one matches, else the synthetic market.
 */

export interface DataContext {
  market: SyntheticMarket
  recorded: RecordedPayloads
  sessions: SessionStore
  /** Rendered rows per request key (without the time stamp), so repeated requests cost nothing. */
  renderedRows: BoundedCache<string, string>
  now: () => Date
}

export function answerDataRequest(request: ParsedRequest, context: DataContext): SimulatorResponse {
  if (request.method !== 'POST') return htmlResponse(405, 'Method Not Allowed')
  if (!context.sessions.isLoggedIn(request.cookies[SESSION_COOKIE])) return logoutAnswer()

  const form = request.form
  const recorded = context.recorded.find(form)
  if (recorded) return { status: recorded.status, headers: { 'content-type': recorded.contentType }, body: recorded.body }

  const now = context.now()
  switch (form.bld) {
    case ALL_STOCK_PRICES_BLD:
      return allStockPrices(form, context, now)
    case INVESTOR_NET_BUYING_BLD:
      return investorNetBuying(form, context, now)
    default:
      // Stock master, delisted stocks, sectors, index constituents, ETF prices and PDFs.
      return answerReferenceScreen(form, context, now) ?? wrongRequest(now)
  }
}

function allStockPrices(form: Record<string, string>, context: DataContext, now: Date): SimulatorResponse {
  const date = parseCompactDate(form.trdDd)
  const marketId = ALL_STOCK_PRICES_MARKETS.find((id) => id === form.mktId)
  if (date === undefined || marketId === undefined) return wrongRequest(now)
  if (marketId !== 'ALL') {
    // A recorded all-markets day answers a single market too, so one date never mixes real and synthetic stocks.
    const allMarkets = context.recorded.find({ ...form, mktId: 'ALL' })
    if (allMarkets) return json(filterRecordedMarket(allMarkets.body, marketId))
  }
  const rows = context.renderedRows.getOrCreate(`01501|${date}|${marketId}`, () => allStockPricesRows(context.market, date, marketId))
  return json(jsonEnvelope(ALL_STOCK_PRICES_KEY, rows, now))
}

function investorNetBuying(form: Record<string, string>, context: DataContext, now: Date): SimulatorResponse {
  const from = parseCompactDate(form.strtDd)
  const to = parseCompactDate(form.endDd)
  const marketId = INVESTOR_NET_BUYING_MARKETS.find((id) => id === form.mktId)
  const investor = INVESTOR_TYPES.find((type): type is InvestorType => type === form.invstTpCd)
  if (from === undefined || to === undefined || from > to || marketId === undefined || investor === undefined) return wrongRequest(now)
  const rows = context.renderedRows.getOrCreate(`02401|${from}|${to}|${marketId}|${investor}`, () =>
    investorNetBuyingRows(context.market, from, to, marketId, investor),
  )
  return json(jsonEnvelope(INVESTOR_NET_BUYING_KEY, rows, now))
}

/** What KRX sends when the form does not make sense: an empty block1. */
function wrongRequest(now: Date): SimulatorResponse {
  return json(jsonEnvelope('block1', '[]', now))
}

function filterRecordedMarket(body: string, marketId: string): string {
  const document = JSON.parse(body) as Record<string, unknown>
  const rows = document[ALL_STOCK_PRICES_KEY] as Array<Record<string, string>>
  return JSON.stringify({ ...document, [ALL_STOCK_PRICES_KEY]: rows.filter((row) => row.MKT_ID === marketId) })
}

// KRX serves its JSON as text/html.
function json(body: string): SimulatorResponse {
  return { status: 200, headers: { 'content-type': HTML }, body }
}
