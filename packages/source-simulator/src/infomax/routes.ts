import type { ParsedRequest, SimulatorResponse } from '../http-io.ts'
import type { SyntheticMarket } from '../krx/synthetic-market.ts'
import { etfPort } from './endpoints/etf-port.ts'
import { indexConstituents } from './endpoints/index-constituents.ts'
import { stockCode } from './endpoints/stock-code.ts'
import { stockExpired } from './endpoints/stock-expired.ts'
import { stockHist } from './endpoints/stock-hist.ts'
import { stockInfo } from './endpoints/stock-info.ts'
import { stockInvestor } from './endpoints/stock-investor.ts'
import type { Endpoint, EndpointContext } from './endpoints/types.ts'
import { INFOMAX_ERRORS, infomaxFailure, infomaxResults, infomaxTooManyRequests } from './envelope.ts'
import { InfomaxMarket } from './infomax-market.ts'
import {
  DEFAULT_CODE_LIST_CAP,
  DEFAULT_INFOMAX_RATE_LIMIT,
  DEFAULT_INFOMAX_TOKEN,
  DEFAULT_MAX_HISTORY_DAYS,
  type InfomaxRateLimit,
  type InfomaxSimulatorOptions,
} from './options.ts'
import { InfomaxQuirks } from './quirks.ts'
import { SlidingWindowLimiter } from './rate-limit.ts'

/** Every Infomax path the simulator answers. */
export const INFOMAX_PATHS = {
  stockHist: '/api/stock/hist',
  stockInvestor: '/api/stock/investor',
  stockCode: '/api/stock/code',
  stockExpired: '/api/stock/expired',
  stockInfo: '/api/stock/info',
  etfPort: '/api/stock/etf/port',
  indexConstituents: '/api/index/constituents',
} as const

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  [INFOMAX_PATHS.stockHist]: stockHist,
  [INFOMAX_PATHS.stockInvestor]: stockInvestor,
  [INFOMAX_PATHS.stockCode]: stockCode,
  [INFOMAX_PATHS.stockExpired]: stockExpired,
  [INFOMAX_PATHS.stockInfo]: stockInfo,
  [INFOMAX_PATHS.etfPort]: etfPort,
  [INFOMAX_PATHS.indexConstituents]: indexConstituents,
}

/** What tests reach through `simulator.infomax`. */
export interface InfomaxControls {
  quirks: InfomaxQuirks
  /** Lifts (`false`) or changes the per-token rate limit while the simulator runs. */
  setRateLimit(limit: InfomaxRateLimit | false): void
}

export interface InfomaxRouteDependencies {
  market: SyntheticMarket
  seed: number
  now: () => Date
}

/**
 * `GET /api/...` as Infomax answers it, in this order: a bearer token it knows (else
 * `access_denied`), the per-token rate limit (else HTTP 429), a path it knows (else 404), the
 * quirks a test injected, then the endpoint, whose `error params` or rows go out in the
 * `{success, results}` envelope.
 */
export class InfomaxRoutes implements InfomaxControls {
  readonly quirks = new InfomaxQuirks()
  private readonly market: InfomaxMarket
  private readonly tokens: ReadonlySet<string>
  private readonly limiter: SlidingWindowLimiter
  private readonly maxHistoryDays: number
  private readonly codeListCap: number

  constructor(
    private readonly dependencies: InfomaxRouteDependencies,
    options: InfomaxSimulatorOptions = {},
  ) {
    this.market = new InfomaxMarket(dependencies.market, dependencies.seed)
    this.tokens = new Set(options.tokens ?? [DEFAULT_INFOMAX_TOKEN])
    this.limiter = new SlidingWindowLimiter(options.rateLimit ?? DEFAULT_INFOMAX_RATE_LIMIT)
    this.maxHistoryDays = options.maxHistoryDays ?? DEFAULT_MAX_HISTORY_DAYS
    this.codeListCap = options.codeListCap ?? DEFAULT_CODE_LIST_CAP
  }

  setRateLimit(limit: InfomaxRateLimit | false): void {
    this.limiter.set(limit)
  }

  answer(request: ParsedRequest, requestIndex: number): SimulatorResponse {
    if (request.method !== 'GET') return infomaxFailure(INFOMAX_ERRORS.params, 405)
    const token = bearerToken(request.headers.authorization)
    if (token === undefined || !this.tokens.has(token)) return infomaxFailure(INFOMAX_ERRORS.accessDenied)
    if (!this.limiter.allow(token, Date.now())) return infomaxTooManyRequests()
    const endpoint = ENDPOINTS[request.path]
    if (!endpoint) return infomaxFailure('not found', 404)

    const taken = this.quirks.take(request.path)
    const refusal = this.quirks.refusal(taken, requestIndex)
    if (refusal) return infomaxFailure(refusal.text, refusal.status)

    const context: EndpointContext = {
      market: this.market,
      now: this.dependencies.now(),
      maxHistoryDays: this.maxHistoryDays,
      codeListCap: this.codeListCap,
    }
    const answer = endpoint(request.query, context)
    if ('error' in answer) return infomaxFailure(answer.error)
    this.quirks.applyToRows(taken, answer.results, requestIndex)
    return infomaxResults(answer.results)
  }
}

/** `Authorization: bearer <token>`; the scheme is matched without regard to case. */
function bearerToken(header: string | undefined): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1]
}
