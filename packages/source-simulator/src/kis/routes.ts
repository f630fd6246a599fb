import type { ParsedRequest, SimulatorResponse } from '../http-io.ts'
import type { SyntheticMarket } from '../krx/synthetic-market.ts'
import { ContinuationCursors } from './continuation.ts'
import { answerDailyChart } from './daily-chart.ts'
import { header, passGateway } from './gateway.ts'
import { answerHolidays } from './holidays.ts'
import { answerInvestorDaily } from './investor-daily.ts'
import { KisMarketView } from './market-view.ts'
import { answerPastMinuteBars, answerTodayMinuteBars } from './minute-chart.ts'
import { isKisPath, KIS_ROUTES, KIS_TOKEN_PATH, type KisRouteName } from './paths.ts'
import { PerSecondLimit } from './rate-limit.ts'
import { KisRecordings, RECORDED_FILES } from './recorded.ts'
import { defaultKisSettings, type KisSimulatorSettings } from './settings.ts'
import { answerTokenRequest } from './token-route.ts'
import { KisTokenRegistry, type IssuedToken } from './tokens.ts'
import { kisError, kisJson, OK_ENVELOPE, upperKeys } from './wire.ts'

/** What tests can see and change of the simulated KIS gateway (`simulator.kis`). */
export interface KisSimulatorControl {
  /** The settings in force (a copy). */
  readonly settings: KisSimulatorSettings
  /** Changes some settings; the others stay. */
  configure(changes: Partial<KisSimulatorSettings>): void
  /** Accepts another app key and secret. */
  addApp(appKey: string, appSecret: string): void
  /** Every token issued, oldest first. */
  readonly issuedTokens: readonly IssuedToken[]
  /** Ends every token issued so far: the next request with one answers EGW00123. */
  expireTokens(): void
  /** Default settings, no tokens, no paging cursors, an empty rate window. */
  reset(): void
  /** The six-character codes of the synthetic market's stocks, in listing order (for tests and demos). */
  listedStockCodes(): string[]
}

export interface KisSource {
  /** The answer for a KIS path (`/oauth2/…`, `/uapi/…`), undefined for any other path. */
  answer(request: ParsedRequest): SimulatorResponse | undefined
  control: KisSimulatorControl
}

export interface KisSourceOptions {
  market: SyntheticMarket
  seed: number
  fixturesDir: string
  /** The simulator's clock: today's date and time for the minute-bar APIs (today's bars so far, a year of history). */
  now: () => Date
}

/** The KIS Developers REST part of the simulator, on the same synthetic market as the KRX routes. */
export function createKisSource(options: KisSourceOptions): KisSource {
  let settings = defaultKisSettings()
  const tokens = new KisTokenRegistry()
  const limit = new PerSecondLimit()
  const cursors = new ContinuationCursors()
  const recordings = KisRecordings.load(options.fixturesDir)
  const view = new KisMarketView(options.market)
  const now = () => Date.now()
  const routeByPath = new Map<string, KisRouteName>(Object.entries(KIS_ROUTES).map(([name, route]) => [route.path, name as KisRouteName]))

  function answer(request: ParsedRequest): SimulatorResponse | undefined {
    if (!isKisPath(request.path)) return undefined
    if (request.path === KIS_TOKEN_PATH) return answerTokenRequest(request, { settings, tokens, recordings, now })
    const name = routeByPath.get(request.path)
    if (name === undefined) return kisJson(404, { rt_cd: '1', msg_cd: 'EGW00404', msg1: 'Not Found' })
    if (request.method !== 'GET') return kisJson(405, { rt_cd: '1', msg_cd: 'EGW00405', msg1: 'Method Not Allowed' })

    const passed = passGateway(request, KIS_ROUTES[name].trId, { settings, tokens, limit, now })
    if (!('appKey' in passed)) return passed
    const query = upperKeys(request.query)
    const trCont = header(request, 'tr_cont')
    switch (name) {
      case 'dailyChart':
        return answerDailyChart(query, view, recordings)
      case 'investorDaily':
        return answerInvestorDaily(query, { appKey: passed.appKey, trCont }, { view, seed: options.seed, settings, cursors, recordings })
      case 'pastMinuteBars':
        return answerPastMinuteBars(query, { view, now: options.now })
      case 'todayMinuteBars':
        return answerTodayMinuteBars(query, { view, now: options.now })
      case 'holidays':
        return answerHolidays(query, trCont, recordings, settings)
      case 'investorRecent': {
        // FHKST01010900 is served for its recorded example only; no collector uses it.
        const recorded = recordings.find(RECORDED_FILES.investorRecent, query)
        return recorded ? kisJson(200, { ...OK_ENVELOPE, ...recorded.response }) : kisError(200, 'invalidInput', 'the simulator serves FHKST01010900 for the recorded request only')
      }
    }
  }

  const control: KisSimulatorControl = {
    get settings() {
      return { ...settings, apps: { ...settings.apps } }
    },
    configure(changes) {
      settings = { ...settings, ...changes, apps: { ...settings.apps, ...changes.apps } }
    },
    addApp(appKey, appSecret) {
      settings.apps[appKey] = appSecret
    },
    get issuedTokens() {
      return tokens.issued
    },
    expireTokens() {
      tokens.expireAll(now())
    },
    reset() {
      settings = defaultKisSettings()
      tokens.clear()
      limit.clear()
      cursors.clear()
    },
    listedStockCodes() {
      return options.market.stocks.map((stock) => stock.code)
    },
  }
  return { answer, control }
}
