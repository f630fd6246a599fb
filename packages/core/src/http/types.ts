import type { IncomingHttpHeaders } from 'node:http'
import type { CookieJar } from 'tough-cookie'
import type { MarketDataError } from '../errors.ts'
import type { Logger } from '../logger.ts'

export interface HttpResponse<B = string> {
  status: number
  headers: IncomingHttpHeaders
  body: B
}

/**
 * Judges an answer that its status alone cannot (a maintenance page served with 200, a
 * session-expired marker). Return an error to fail the attempt: a retryable one is retried
 * under the client's policy, any other is thrown to the caller at once. Return undefined to
 * let the status decide.
 */
export type ResponseCheck = (response: HttpResponse<string | Buffer>) => MarketDataError | undefined

export interface HttpClientOptions {
  baseUrl: string
  /** Names the source in error messages and log lines, e.g. `krx`; defaults to the host. */
  source?: string
  /** Per attempt; default 30 s. */
  timeoutMs?: number
  /** Pacing shared by every request of this client, retries included; unset means unpaced. */
  maxRequestsPerSecond?: number
  /** Attempts after the first; default 4. */
  retries?: number
  /** Backoff before the first retry, doubled each time with jitter; default 1 s. */
  minTimeoutMs?: number
  /** A 429 asking to wait longer than this is not retried here; default 60 s. */
  maxRetryAfterMs?: number
  cookieJar?: CookieJar
  headers?: Record<string, string>
  logger?: Logger
  /** Applied to every request that does not bring its own. */
  checkResponse?: ResponseCheck
  /**
   * Text answers are decoded by the charset their Content-Type (or an HTML page's meta tag)
   * declares; this one when they declare none. Default UTF-8 (JSON's own charset).
   */
  defaultCharset?: string
}

export interface RequestOptions {
  headers?: Record<string, string>
  checkResponse?: ResponseCheck
}

export interface GetOptions extends RequestOptions {
  searchParams?: Record<string, string | number | boolean>
  /** `text` (default): decoded as the answer declares, see `defaultCharset`; `buffer`: the bytes. */
  responseType?: 'text' | 'buffer'
}

export interface HttpClient {
  readonly baseUrl: string
  /** The absolute URL of a path on this client's base, e.g. for a Referer header. */
  urlFor(path: string): string
  get(path: string, options?: GetOptions & { responseType?: 'text' }): Promise<HttpResponse<string>>
  get(path: string, options: GetOptions & { responseType: 'buffer' }): Promise<HttpResponse<Buffer>>
  postForm(path: string, fields: Record<string, string>, options?: RequestOptions): Promise<HttpResponse<string>>
  postJson(path: string, json: unknown, options?: RequestOptions): Promise<HttpResponse<string>>
}
