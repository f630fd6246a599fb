import { setTimeout as sleep } from 'node:timers/promises'
import got from 'got'
import pRetry from 'p-retry'
import pThrottle from 'p-throttle'
import { isRetryable, RateLimitedError } from '../errors.ts'
import { decodeBody } from './charset.ts'
import { errorForFailedRequest, errorForStatus, type RequestLabel } from './failures.ts'
import type { GetOptions, HttpClient, HttpClientOptions, HttpResponse, RequestOptions, ResponseCheck } from './types.ts'

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_RETRIES = 4
const DEFAULT_MIN_TIMEOUT_MS = 1_000
const MAX_BACKOFF_MS = 30_000
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000

interface OutgoingRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string> | undefined
  searchParams?: Record<string, string | number | boolean> | undefined
  form?: Record<string, string>
  json?: unknown
  checkResponse?: ResponseCheck | undefined
}

/**
 * The project's HTTP client. The whole failure policy lives here: got only moves bytes (its own
 * retry and status errors are off), each attempt is paced, its answer is checked by the caller's
 * hook and then by status, and failures become the typed errors of `errors.ts`; p-retry retries
 * those that say `retryable`.
 */
/** The message of the warning logged before each retry; a command may count these instead of printing them. */
export const HTTP_RETRY_MESSAGE = 'HTTP request failed; retrying'

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const source = options.source ?? new URL(baseUrl).host
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS

  const transport = got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    timeout: { request: timeoutMs },
    headers: options.headers ?? {},
    cookieJar: options.cookieJar,
  })

  const urlFor = (path: string): string => (/^https?:\/\//.test(path) ? path : `${baseUrl}/${path.replace(/^\/+/, '')}`)

  async function attempt(request: OutgoingRequest, label: RequestLabel): Promise<HttpResponse<Buffer>> {
    let answer
    try {
      answer = await transport(urlFor(request.path), {
        method: request.method,
        headers: request.headers ?? {},
        searchParams: request.searchParams,
        form: request.form,
        json: request.json,
        // Always bytes: text is decoded below by the charset the answer declares.
        responseType: 'buffer',
      })
    } catch (error) {
      throw errorForFailedRequest(label, error, timeoutMs)
    }
    return { status: answer.statusCode, headers: answer.headers, body: answer.body }
  }

  // One limiter per client, so concurrent calls and retries all share the pace.
  const paced = options.maxRequestsPerSecond
    ? pThrottle({ limit: 1, interval: 1000 / options.maxRequestsPerSecond })(attempt)
    : attempt

  async function send(request: OutgoingRequest, responseType: 'text' | 'buffer'): Promise<HttpResponse<string | Buffer>> {
    const label: RequestLabel = { source, method: request.method, path: request.path.split('?')[0] ?? request.path }
    const check = request.checkResponse ?? options.checkResponse

    const once = async (): Promise<HttpResponse<string | Buffer>> => {
      const raw = await paced(request, label)
      const response = responseType === 'text' ? { ...raw, body: decodeBody(raw.body, raw.headers['content-type'], options.defaultCharset) } : raw
      const verdict = check?.(response) ?? errorForStatus(label, response)
      if (verdict) throw verdict
      return response
    }

    return pRetry(once, {
      retries: options.retries ?? DEFAULT_RETRIES,
      minTimeout: options.minTimeoutMs ?? DEFAULT_MIN_TIMEOUT_MS,
      maxTimeout: MAX_BACKOFF_MS,
      factor: 2,
      randomize: true,
      shouldRetry: async ({ error, attemptNumber, retriesLeft }) => {
        if (!isRetryable(error)) return false
        const retryAfterMs = error instanceof RateLimitedError ? error.retryAfterMs : undefined
        // A source asking for a long pause is better served by the scheduler's next run.
        if (retryAfterMs !== undefined && retryAfterMs > maxRetryAfterMs) return false
        options.logger?.warn(
          { source, method: label.method, path: label.path, attempt: attemptNumber, retriesLeft, reason: error.message, retryAfterMs },
          HTTP_RETRY_MESSAGE,
        )
        if (retryAfterMs) await sleep(retryAfterMs)
        return true
      },
    })
  }

  function get(path: string, options?: GetOptions & { responseType?: 'text' }): Promise<HttpResponse<string>>
  function get(path: string, options: GetOptions & { responseType: 'buffer' }): Promise<HttpResponse<Buffer>>
  function get(path: string, options: GetOptions = {}): Promise<HttpResponse<string | Buffer>> {
    const { responseType = 'text', ...rest } = options
    return send({ method: 'GET', path, ...rest }, responseType)
  }

  return {
    baseUrl,
    urlFor,
    get,
    postForm: (path: string, fields: Record<string, string>, options: RequestOptions = {}) =>
      send({ method: 'POST', path, form: fields, ...options }, 'text') as Promise<HttpResponse<string>>,
    postJson: (path: string, json: unknown, options: RequestOptions = {}) =>
      send({ method: 'POST', path, json, ...options }, 'text') as Promise<HttpResponse<string>>,
  }
}
