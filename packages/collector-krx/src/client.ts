import {
  AuthenticationError,
  CookieJar,
  createHttpClient,
  SchemaViolationError,
  type AppConfig,
  type HttpClient,
  type Logger,
} from '@kmd/core'
import { KRX_PATHS } from './endpoints.ts'
import { jsonAnswerCheck, KrxLoggedOutError } from './responses.ts'
import { dataKeyOf } from './screens.ts'
import { KrxSession } from './session.ts'
import { BROWSER_USER_AGENT, standInRowFor } from '@kmd/core'

/** One row of a screen as KRX sent it: field names are KRX's, values mostly strings. */
export type KrxRow = Readonly<Record<string, unknown>>

/** What the collectors need from KRX; tests can hand them a stub. */
export interface KrxScreenFetcher {
  fetchScreen(bld: string, fields?: Record<string, string>): Promise<KrxRow[]>
}

/**
 * Reads KRX statistics screens. Logs in on first use; when KRX answers LOGOUT (the session
 * expired or was taken over) it logs in once more and repeats the request.
 */
export class KrxClient implements KrxScreenFetcher {
  constructor(
    private readonly http: HttpClient,
    private readonly session: KrxSession,
    private readonly logger?: Logger,
  ) {}

  async fetchScreen(bld: string, fields: Record<string, string> = {}): Promise<KrxRow[]> {
    const generation = await this.session.ensureLoggedIn()
    try {
      return await this.#request(bld, fields)
    } catch (error) {
      if (!(error instanceof KrxLoggedOutError)) throw error
      this.logger?.info({ source: 'krx', bld }, 'KRX session ended; logging in again')
    }
    await this.session.renew(generation)
    try {
      return await this.#request(bld, fields)
    } catch (error) {
      if (!(error instanceof KrxLoggedOutError)) throw error
      throw new AuthenticationError(`${error.message} right after a fresh login (bld ${bld})`)
    }
  }

  async #request(bld: string, fields: Record<string, string>): Promise<KrxRow[]> {
    let answer: unknown
    await this.http.postForm(
      KRX_PATHS.data,
      { bld, locale: 'ko_KR', ...fields },
      {
        headers: {
          referer: this.http.urlFor(KRX_PATHS.outerLoader),
          'x-requested-with': 'XMLHttpRequest',
          accept: 'application/json, text/javascript, */*; q=0.01',
        },
        checkResponse: jsonAnswerCheck(`krx POST ${KRX_PATHS.data} (bld ${bld})`, (parsed) => (answer = parsed)),
      },
    )
    return rowsOf(answer, bld)
  }
}

/**
 * The rows under the screen's data key. An answer without that array is a change in KRX's
 * answer format and fails whole; an element of the array that is not an object fails its row
 * only, as a stand-in row (`row 17: not an object (got string "row")`).
 */
export function rowsOf(answer: unknown, bld: string): KrxRow[] {
  const key = dataKeyOf(bld)
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw new SchemaViolationError(`krx ${bld}: expected a JSON object with "${key}", got ${Array.isArray(answer) ? 'an array' : typeof answer}`)
  }
  const rows = (answer as Record<string, unknown>)[key]
  if (!Array.isArray(rows)) {
    const keys = Object.keys(answer).join(', ') || 'none'
    throw new SchemaViolationError(`krx ${bld}: answer has no "${key}" array (keys present: ${keys})`)
  }
  // One element that is not a row object costs that row only: it becomes a stand-in row whose
  // record carries the parse error (see standInRowFor in @kmd/core), and every other row loads.
  return rows.map((row: unknown, index) => (isRowObject(row) ? (row as KrxRow) : standInRowFor(row, index)))
}

const isRowObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value)

export interface KrxClientOptions {
  logger?: Logger
  /** Retries per request after the first attempt; default that of the HTTP client. */
  retries?: number
  /** First backoff delay; tests make it small. */
  minRetryDelayMs?: number
}

/** A KRX client on its own cookie jar, paced at `KRX_MAX_REQUESTS_PER_SECOND` (logins included). */
export function createKrxClient(
  config: Pick<AppConfig, 'krx'> & Partial<Pick<AppConfig, 'httpTimeoutMs'>>,
  options: KrxClientOptions = {},
): KrxClient {
  const http = createHttpClient({
    baseUrl: config.krx.baseUrl,
    source: 'krx',
    timeoutMs: config.httpTimeoutMs,
    maxRequestsPerSecond: config.krx.maxRequestsPerSecond,
    retries: options.retries,
    minTimeoutMs: options.minRetryDelayMs,
    cookieJar: new CookieJar(),
    headers: { 'user-agent': BROWSER_USER_AGENT, 'accept-language': 'ko-KR,ko;q=0.9,en;q=0.8' },
    logger: options.logger,
  })
  const session = new KrxSession(http, { memberId: config.krx.memberId, memberPassword: config.krx.memberPassword }, options.logger)
  return new KrxClient(http, session, options.logger)
}
