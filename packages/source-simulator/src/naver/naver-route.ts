import { seoulDate, type TradeDate } from '@kmd/core'
import { htmlResponse, type ParsedRequest, type SimulatorResponse } from '../http-io.ts'
import type { SyntheticMarket } from '../krx/synthetic-market.ts'
import { DAILY_PRICE_PATH, dailyPricePage } from './daily-price-page.ts'
import { INVESTOR_NET_PATH, investorNetPage } from './investor-net-page.ts'
import { eucKrPage, NAVER_CONTENT_TYPE } from './page-html.ts'
import { RecordedNaverPages } from './recorded-pages.ts'
import { NaverStockHistory } from './stock-history.ts'

/**
 * Naver Finance's item pages (finance.naver.com): `GET /item/sise_day.naver` and
 * `GET /item/frgn.naver`, EUC-KR HTML. A recorded page where one matches, else the synthetic
 * market's stock, its days up to the simulator's clock. No login. Undefined for other paths.
 */
export const NAVER_PATHS = [DAILY_PRICE_PATH, INVESTOR_NET_PATH] as const

export interface NaverContext {
  market: SyntheticMarket
  seed: number
  fixturesDir: string
  now: () => Date
}

export class NaverRoutes {
  private readonly history: NaverStockHistory
  private readonly recorded: RecordedNaverPages

  constructor(private readonly context: NaverContext) {
    this.history = new NaverStockHistory(context.market, context.seed)
    this.recorded = RecordedNaverPages.load(context.fixturesDir)
  }

  answer(request: ParsedRequest): SimulatorResponse | undefined {
    if (request.path !== DAILY_PRICE_PATH && request.path !== INVESTOR_NET_PATH) return undefined
    if (request.method !== 'GET') return htmlResponse(405, 'Method Not Allowed')
    const code = (request.query.code ?? '').trim()
    const page = /^\d+$/.test(request.query.page ?? '') && Number(request.query.page) > 0 ? Number(request.query.page) : 1
    const name = request.path === DAILY_PRICE_PATH ? 'sise_day' : 'frgn'
    const recorded = this.recorded.find(name, code, page)
    if (recorded) return { status: 200, headers: { 'content-type': NAVER_CONTENT_TYPE }, body: recorded }
    const today = seoulDate(this.context.now())
    const html = request.path === DAILY_PRICE_PATH ? dailyPricePage(this.history, code, page, today) : investorNetPage(this.history, code, page, today)
    return eucKrPage(html)
  }
}

