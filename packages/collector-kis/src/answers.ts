import {
  AuthenticationError,
  malformedAnswerError,
  parseJsonAnswer,
  RateLimitedError,
  SchemaViolationError,
  SourceUnavailableError,
  type MarketDataError,
  type ResponseCheck,
} from '@kmd/core'
import { withoutSecrets } from './secrets.ts'

/**
 * How KIS answers, and what each answer means for the caller. KIS reports failures either as
 * HTTP 200 with `rt_cd != "0"` or as an HTTP error (often 500) with the same JSON envelope
 * (`msg_cd`, `msg1`); the token endpoint writes `error_code`/`error_description` instead.
 * Either way the code decides, so both shapes lead to the same typed error, whose message
 * carries `msg_cd` and `msg1` (with any secret KIS might echo masked).
 */

/** KIS refused the access token (expired, or unknown to it). The client issues a new one once. */
export class KisTokenExpiredError extends AuthenticationError {}

// EGW00123 기간이 만료된 token; EGW00121 유효하지 않은 token (e.g. revoked): a new token helps with both.
const TOKEN_REFUSED = new Set(['EGW00123', 'EGW00121'])
const RATE_LIMITED = 'EGW00201'
// Token issuance is limited to one a minute; waiting that long inside a request is the scheduler's job.
const TOKEN_ISSUANCE_LIMITED = 'EGW00133'
const TOKEN_ISSUANCE_RETRY_AFTER_MS = 61_000
// EGW00103 유효하지 않은 AppKey, EGW00105 유효하지 않은 AppSecret.
const CREDENTIALS_REFUSED = new Set(['EGW00103', 'EGW00105'])
// EGW00202 GW라우팅 오류: the gateway's own trouble, worth another try.
const GATEWAY_TROUBLE = new Set(['EGW00202'])

/** The typed error for a KIS answer carrying a failure code. */
export function errorForKisCode(what: string, status: number, code: string, message: string): MarketDataError {
  const text = `${what} ${code}${message ? ` ${message}` : ''}`
  if (TOKEN_REFUSED.has(code)) return new KisTokenExpiredError(text)
  if (code === RATE_LIMITED) return new RateLimitedError(`${text} (rate limited)`)
  if (code === TOKEN_ISSUANCE_LIMITED) {
    return new RateLimitedError(`${text} (KIS issues one token a minute per app key)`, { retryAfterMs: TOKEN_ISSUANCE_RETRY_AFTER_MS })
  }
  if (CREDENTIALS_REFUSED.has(code)) return new AuthenticationError(`${text} (credentials refused)`)
  if (status >= 500 || GATEWAY_TROUBLE.has(code)) return new SourceUnavailableError(text)
  return new SchemaViolationError(`${text} (request rejected; retrying cannot help)`)
}

type Envelope = Record<string, unknown>

const asText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined)
const isObject = (value: unknown): value is Envelope => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * The check for `/uapi/` answers. Order: a failure code (whatever the status), then a failed
 * status without one (left to the HTTP policy: 5xx retried, 429 with Retry-After), then JSON
 * cut off or with a duplicated key (retryable), or not an object, then `rt_cd`. `keep` receives the parsed body so it is parsed once.
 * Where KIS's own examples leave `rt_cd` out, the body is taken as it is.
 */
export function kisAnswerCheck(label: string, secrets: ReadonlyArray<string | undefined>, keep: (body: Envelope) => void): ResponseCheck {
  return (response) => {
    const text = response.body.toString()
    const what = `${label}: HTTP ${response.status}`
    const parsed = parseJsonAnswer(text)
    const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined
    const code = asText(body?.msg_cd) ?? asText(body?.error_code)
    const message = withoutSecrets(asText(body?.msg1) ?? asText(body?.error_description) ?? '', secrets)
    const rtCd = body?.rt_cd
    const failed = response.status >= 400 || (rtCd !== undefined && rtCd !== '0')

    if (failed && code !== undefined) return errorForKisCode(what, response.status, code, message)
    if (response.status >= 400) return undefined
    if (!parsed.ok) return malformedAnswerError(what, parsed.problem)
    if (body === undefined) return new SchemaViolationError(`${what} expected a JSON object, got ${Array.isArray(parsed.value) ? 'an array' : typeof parsed.value}`)
    if (failed) return new SchemaViolationError(`${what} rt_cd ${JSON.stringify(rtCd)} without msg_cd${message ? ` (${message})` : ''}`)
    keep(body)
    return undefined
  }
}

/** The check for `/oauth2/tokenP`: the same, plus an answer without `access_token` is a contract break. */
export function tokenAnswerCheck(label: string, secrets: ReadonlyArray<string | undefined>, keep: (body: Envelope) => void): ResponseCheck {
  return (response) => {
    const received: Envelope[] = []
    const verdict = kisAnswerCheck(label, secrets, (parsed) => received.push(parsed))(response)
    if (verdict !== undefined || response.status >= 400) return verdict
    const body = received[0]
    if (body === undefined || asText(body.access_token) === undefined) {
      return new SchemaViolationError(`${label}: HTTP ${response.status} answer has no access_token`)
    }
    keep(body)
    return undefined
  }
}
