import { RequestError, TimeoutError } from 'got'
import {
  AuthenticationError,
  RateLimitedError,
  SchemaViolationError,
  SourceUnavailableError,
  type MarketDataError,
} from '../errors.ts'
import type { HttpResponse } from './types.ts'

/** What an error message may say about a request: never headers, query strings or bodies. */
export interface RequestLabel {
  source: string
  method: string
  path: string
}

// Connection-level failures that a later attempt can plausibly get past.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
])

export function describeRequest(label: RequestLabel): string {
  return `${label.source} ${label.method} ${label.path}`
}

/** The typed error for an answer whose status says it failed, or undefined when it did not. */
export function errorForStatus(label: RequestLabel, response: HttpResponse<unknown>): MarketDataError | undefined {
  const { status } = response
  if (status < 400) return undefined
  const what = `${describeRequest(label)}: HTTP ${status}`
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after'])
    return new RateLimitedError(`${what} (rate limited)`, { retryAfterMs })
  }
  if (status >= 500 || status === 408) return new SourceUnavailableError(what)
  if (status === 401 || status === 403) return new AuthenticationError(`${what} (credentials refused)`)
  // Any other 4xx means the request itself is wrong for this source: the same request will
  // be refused again, so it is a contract problem, not an outage.
  return new SchemaViolationError(`${what} (request rejected; retrying cannot help)`)
}

/**
 * The typed error for a request that got no answer. got's own error is not kept as `cause`:
 * it carries the request options, headers and cookie jar, which must never reach a log line.
 */
export function errorForFailedRequest(label: RequestLabel, error: unknown, timeoutMs: number): MarketDataError {
  if (error instanceof TimeoutError) {
    return new SourceUnavailableError(`${describeRequest(label)}: no answer within ${timeoutMs} ms`)
  }
  if (error instanceof RequestError) {
    const transient = TRANSIENT_NETWORK_CODES.has(error.code)
    return new SourceUnavailableError(`${describeRequest(label)}: network error ${error.code}`, { retryable: transient })
  }
  return new SourceUnavailableError(`${describeRequest(label)}: request failed (${String(error)})`, { retryable: false })
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value
  if (text === undefined || text.trim() === '') return undefined
  if (/^\d+$/.test(text.trim())) return Number(text.trim()) * 1000
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
