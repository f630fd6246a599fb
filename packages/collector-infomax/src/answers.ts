import {
  AuthenticationError,
  malformedAnswerError,
  parseJsonAnswer,
  SchemaViolationError,
  SourceUnavailableError,
  type MarketDataError,
  type ResponseCheck,
} from '@kmd/core'
import { describeValue } from './fields/parsers.ts'

/**
 * Infomax answers `{"success": true, "results": [...]}`, or `{"success": false, "results":
 * "<error text>"}` when it refuses. The error texts public clients name, and what each means
 * for us; any other text is taken as an answer we do not understand.
 */
export const INFOMAX_VENDOR_ERRORS: Readonly<Record<string, (message: string) => MarketDataError>> = {
  // The token is wrong, expired or missing: no retry with the same one can help.
  access_denied: (message) => new AuthenticationError(`${message}; check INFOMAX_API_TOKEN`),
  // A parameter is missing or out of range (e.g. a history span over 30 days): the same request fails again.
  'error params': (message) => new SchemaViolationError(message),
  // The vendor gave up on a slow query: worth another try.
  'error timeout': (message) => new SourceUnavailableError(message, { retryable: true }),
}

/** The typed error for a `success: false` answer, naming the endpoint and the vendor's text. */
export function vendorRefusal(label: string, results: unknown): MarketDataError {
  const text = typeof results === 'string' ? results.trim() : JSON.stringify(results ?? null).slice(0, 200)
  const message = `${label}: Infomax refused the request (success: false, "${text}")`
  const typed = INFOMAX_VENDOR_ERRORS[text]
  return typed ? typed(message) : new SchemaViolationError(`${message}; this error text is not one we know`)
}

/**
 * The response check for every Infomax request. HTTP 429 and 5xx are left to the HTTP client's
 * policy (rate limited / unavailable, both retried with backoff); a `success: false` envelope
 * becomes the vendor's error whatever the status; a body that is not JSON, JSON cut off or with
 * a duplicated key, is retryable; JSON that is not the envelope is a schema violation. `keep` receives the rows.
 */
export function infomaxAnswerCheck(label: string, keep: (results: unknown[]) => void): ResponseCheck {
  return (response) => {
    const { status } = response
    if (status === 429 || status >= 500) return undefined
    const parsed = parseJsonAnswer(response.body.toString())
    if (!parsed.ok) {
      if (status >= 400) return undefined
      return malformedAnswerError(`${label}: HTTP ${status}`, parsed.problem)
    }
    const answer = parsed.value
    const envelope = typeof answer === 'object' && answer !== null && !Array.isArray(answer) ? (answer as Record<string, unknown>) : undefined
    if (envelope?.success === false) return vendorRefusal(label, envelope.results)
    if (status >= 400) return undefined
    if (envelope?.success !== true) {
      const shape = envelope ? `keys: ${Object.keys(envelope).join(', ') || 'none'}` : describeValue(answer)
      return new SchemaViolationError(`${label}: answer is not the {success, results} envelope (${shape})`)
    }
    if (!Array.isArray(envelope.results)) {
      return new SchemaViolationError(`${label}: success but results is ${describeValue(envelope.results)}, expected an array`)
    }
    keep(envelope.results)
    return undefined
  }
}
