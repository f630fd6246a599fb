import type { SimulatorResponse } from '../http-io.ts'

/**
 * Infomax answers `{"success": true, "results": [...]}`; a refusal is `{"success": false,
 * "results": "<error text>"}`. The error texts are the three public clients name. The status
 * of a refusal is not documented: the simulator answers it with 200, as the public clients
 * read `success` only after checking for 200.
 */
export const INFOMAX_ERRORS = {
  accessDenied: 'access_denied',
  params: 'error params',
  timeout: 'error timeout',
} as const

const JSON_TYPE = 'application/json; charset=utf-8'

export function infomaxResults(results: readonly unknown[]): SimulatorResponse {
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ success: true, results }) }
}

export function infomaxFailure(text: string, status = 200): SimulatorResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ success: false, results: text }) }
}

/** Over the plan's pace: HTTP 429. Whether the vendor sends Retry-After is unknown, so none is sent. */
export function infomaxTooManyRequests(): SimulatorResponse {
  return infomaxFailure('too many requests', 429)
}
