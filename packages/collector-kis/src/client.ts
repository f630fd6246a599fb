import {
  AuthenticationError,
  ConfigError,
  createHttpClient,
  SchemaViolationError,
  type AppConfig,
  type HttpClient,
  type Logger,
} from '@kmd/core'
import { kisAnswerCheck, KisTokenExpiredError, tokenAnswerCheck } from './answers.ts'
import { KIS_TOKEN_PATH, type KisApi } from './endpoints.ts'
import { pacerFor, type Pacer } from './pacing.ts'
import { KisTokenCache, type KisToken, type TokenCacheOptions } from './token-cache.ts'
import { KisTokens } from './tokens.ts'

/** A KIS answer body (`rt_cd`, `msg_cd`, `msg1`, `output…`) and the response's `tr_cont`. */
export interface KisAnswer {
  body: Readonly<Record<string, unknown>>
  /** F or M: more pages follow; D or E (or blank): the last page. */
  trCont: string
}

export interface KisPagingOptions {
  /** Stop after this many pages even if KIS says more follow; default 20. */
  maxPages?: number
  /** The query of the next page, from the answer before it (CTCA0903R echoes its CTX_AREA keys); default the same query. */
  nextQuery?: (answer: KisAnswer, query: Record<string, string>) => Record<string, string>
}

/** What the collectors need from KIS; tests can hand them a stub. */
export interface KisFetcher {
  get(api: KisApi, query: Record<string, string>, options?: { trCont?: 'N' }): Promise<KisAnswer>
  pages(api: KisApi, query: Record<string, string>, options?: KisPagingOptions): AsyncGenerator<KisAnswer>
}

export interface KisCredentials {
  env: 'real' | 'mock'
  appKey: string | undefined
  appSecret: string | undefined
  custType: 'P' | 'B'
}

const DEFAULT_MAX_PAGES = 20

/** Whether a response `tr_cont` says another page follows. */
export function hasMorePages(trCont: string): boolean {
  return trCont === 'F' || trCont === 'M'
}

/**
 * Calls KIS Developers quote APIs: the common headers, pacing per app key, the access token
 * (cached, issued when needed), and one new token and one repeat when KIS refuses the token
 * (EGW00123). Retries of 5xx, timeouts and the rate-limit answer (EGW00201) are the HTTP
 * client's, with backoff. Nothing it logs or throws carries the key, the secret or a token.
 */
export class KisClient implements KisFetcher {
  constructor(
    private readonly http: HttpClient,
    private readonly tokens: KisTokens,
    private readonly credentials: KisCredentials,
    private readonly pacer: Pacer,
    private readonly logger?: Logger,
  ) {}

  async get(api: KisApi, query: Record<string, string>, options: { trCont?: 'N' } = {}): Promise<KisAnswer> {
    if (api.realOnly && this.credentials.env === 'mock') {
      throw new ConfigError([`KIS_ENV: ${api.trId} (${api.name}) exists in the real environment only, not in mock (모의투자)`])
    }
    const token = await this.tokens.token()
    try {
      return await this.#send(api, query, token, options.trCont)
    } catch (error) {
      if (!(error instanceof KisTokenExpiredError)) throw error
      this.logger?.info({ source: 'kis', trId: api.trId }, 'KIS refused the access token; issuing a new one and repeating the request')
    }
    const renewed = await this.tokens.renew(token)
    try {
      return await this.#send(api, query, renewed, options.trCont)
    } catch (error) {
      if (!(error instanceof KisTokenExpiredError)) throw error
      throw new AuthenticationError(`${error.message} (again, right after a new token was issued)`)
    }
  }

  async *pages(api: KisApi, query: Record<string, string>, options: KisPagingOptions = {}): AsyncGenerator<KisAnswer> {
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES
    let answer = await this.get(api, query)
    yield answer
    for (let page = 1; page < maxPages && hasMorePages(answer.trCont); page++) {
      query = options.nextQuery ? options.nextQuery(answer, query) : query
      answer = await this.get(api, query, { trCont: 'N' })
      yield answer
    }
  }

  async #send(api: KisApi, query: Record<string, string>, token: string, trCont: 'N' | undefined): Promise<KisAnswer> {
    const { appKey, appSecret, custType } = this.credentials
    const kept: { body?: Record<string, unknown> } = {}
    await this.pacer.turn()
    const response = await this.http.get(api.path, {
      searchParams: query,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        authorization: `Bearer ${token}`,
        appkey: appKey ?? '',
        appsecret: appSecret ?? '',
        tr_id: api.trId,
        custtype: custType,
        tr_cont: trCont ?? '',
      },
      checkResponse: kisAnswerCheck(`kis GET ${api.path} (${api.trId})`, [appKey, appSecret, token], (parsed) => (kept.body = parsed)),
    })
    if (kept.body === undefined) throw new SchemaViolationError(`kis GET ${api.path} (${api.trId}): no answer body`)
    const next = response.headers.tr_cont
    return { body: kept.body, trCont: (Array.isArray(next) ? next[0] : next)?.trim().toUpperCase() ?? '' }
  }
}

/** `POST /oauth2/tokenP`: a new access token for the app key. */
export async function issueKisToken(http: HttpClient, credentials: KisCredentials, pacer: Pacer): Promise<KisToken> {
  const { appKey, appSecret } = credentials
  if (!appKey || !appSecret) {
    throw new ConfigError(
      [!appKey && 'KIS_APP_KEY', !appSecret && 'KIS_APP_SECRET']
        .filter((name): name is string => typeof name === 'string')
        .map((name) => `${name}: required to call KIS Developers (missing)`),
    )
  }
  const kept: { body?: Record<string, unknown> } = {}
  const issuedAt = Date.now()
  await pacer.turn()
  await http.postJson(
    KIS_TOKEN_PATH,
    { grant_type: 'client_credentials', appkey: appKey, appsecret: appSecret },
    {
      headers: { 'content-type': 'application/json; charset=utf-8' },
      checkResponse: tokenAnswerCheck(`kis POST ${KIS_TOKEN_PATH}`, [appKey, appSecret], (parsed) => (kept.body = parsed)),
    },
  )
  const answer = kept.body ?? {}
  const expiresAt = expiryOf(answer, issuedAt)
  if (expiresAt === undefined) throw new SchemaViolationError(`kis POST ${KIS_TOKEN_PATH}: answer has neither expires_in nor access_token_token_expired`)
  return { accessToken: String(answer.access_token), expiresAt }
}

// expires_in (seconds) from the request's start; else access_token_token_expired, KST "YYYY-MM-DD HH:MM:SS".
function expiryOf(answer: Record<string, unknown>, issuedAt: number): number | undefined {
  const seconds = Number(answer.expires_in)
  if (Number.isFinite(seconds) && seconds > 0) return issuedAt + seconds * 1000
  const text = answer.access_token_token_expired
  const match = typeof text === 'string' ? /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text.trim()) : null
  const at = match ? Date.parse(`${match[1]}T${match[2]}+09:00`) : NaN
  return Number.isNaN(at) ? undefined : at
}

export interface KisClientOptions {
  logger?: Logger
  /** Retries per request after the first attempt; default that of the HTTP client. */
  retries?: number
  /** First backoff delay; tests make it small. */
  minRetryDelayMs?: number
  /** `false` keeps the token in memory only (no file); default: the file cache in `kis.tokenCacheDir`. */
  tokenCache?: false | TokenCacheOptions
}

/**
 * A client per configured app (KIS_APP_KEY, then each of KIS_EXTRA_APP_KEYS), each paced under its
 * own key's limit and keeping its own token: what a per-stock load spreads its stocks over.
 */
export function createKisClients(config: Pick<AppConfig, 'kis'> & Partial<Pick<AppConfig, 'httpTimeoutMs'>>, options: KisClientOptions = {}): KisClient[] {
  const extra = (config.kis.extraApps ?? []).map(({ appKey, appSecret }) => createKisClient({ ...config, kis: { ...config.kis, appKey, appSecret } }, options))
  return [createKisClient(config, options), ...extra]
}

/** A KIS client for the configured app key, paced at `KIS_MAX_REQUESTS_PER_SECOND` (token requests included). */
export function createKisClient(
  config: Pick<AppConfig, 'kis'> & Partial<Pick<AppConfig, 'httpTimeoutMs'>>,
  options: KisClientOptions = {},
): KisClient {
  const { kis } = config
  const credentials: KisCredentials = { env: kis.env, appKey: kis.appKey, appSecret: kis.appSecret, custType: kis.custType }
  const http = createHttpClient({
    baseUrl: kis.baseUrl,
    source: 'kis',
    timeoutMs: config.httpTimeoutMs,
    retries: options.retries,
    minTimeoutMs: options.minRetryDelayMs,
    logger: options.logger,
  })
  const pacer = pacerFor(kis.baseUrl, kis.appKey ?? '', kis.maxRequestsPerSecond)
  const cache =
    options.tokenCache === false || !kis.appKey
      ? undefined
      : new KisTokenCache(kis.tokenCacheDir, { baseUrl: kis.baseUrl, appKey: kis.appKey }, options.tokenCache ?? {})
  const tokens = new KisTokens(() => issueKisToken(http, credentials, pacer), cache, { logger: options.logger })
  return new KisClient(http, tokens, credentials, pacer, options.logger)
}
