import { AuthenticationError, malformedAnswerError, parseJsonAnswer, SourceUnavailableError, type ResponseCheck } from '@kmd/core'

/**
 * KRX's answer to a request without a live session: HTTP 400 (some see 404) with the body
 * `LOGOUT`. Not retryable under the HTTP policy; the KRX client answers it by logging in again.
 */
export class KrxLoggedOutError extends AuthenticationError {}

export function isLogoutAnswer(body: string): boolean {
  return body.trim() === 'LOGOUT'
}

/** The HTML page KRX serves instead of JSON while it is down ("서비스 제공 불가능 … 일시적 접근 불안정"). */
export function isMaintenancePage(body: string): boolean {
  return body.trimStart().startsWith('<') || body.includes('서비스 제공 불가능')
}

/**
 * The check for KRX endpoints that answer JSON (screens and the login reply), in the order that
 * matters: a LOGOUT marker whatever the status; failed statuses left to the HTTP policy; then a
 * maintenance page, JSON cut off mid-way or with a duplicated key (`{"OutBlock_1":[…],
 * "OutBlock_1":[]}` would read as an empty day), all retryable. `keep` receives the parsed
 * answer so the body is parsed once. The body arrives decoded by the charset KRX declares.
 */
export function jsonAnswerCheck(label: string, keep: (answer: unknown) => void): ResponseCheck {
  return (response) => {
    const body = response.body.toString()
    const what = `${label}: HTTP ${response.status}`
    if (isLogoutAnswer(body)) return new KrxLoggedOutError(`${what} LOGOUT (no live session)`)
    if (response.status >= 400) return undefined
    if (isMaintenancePage(body)) return new SourceUnavailableError(`${what} maintenance page instead of JSON`)
    const answer = parseJsonAnswer(body)
    if (!answer.ok) return malformedAnswerError(what, answer.problem)
    keep(answer.value)
    return undefined
  }
}
