import type { ParsedRequest, SimulatorResponse } from '../http-io.ts'
import { RECORDED_FILES, type KisRecordings } from './recorded.ts'
import type { KisSimulatorSettings } from './settings.ts'
import type { KisTokenRegistry } from './tokens.ts'
import { kisJson, tokenError } from './wire.ts'

export interface TokenRouteContext {
  settings: KisSimulatorSettings
  tokens: KisTokenRegistry
  recordings: KisRecordings
  now: () => number
}

const ADVERTISED_LIFETIME_SECONDS = 86_400

/**
 * `POST /oauth2/tokenP` with a JSON body `{grant_type: "client_credentials", appkey, appsecret}`.
 * Errors come as `{error_description, error_code}` with HTTP 403, like KIS; a second issuance for
 * an app key within `tokenIssueIntervalMs` answers EGW00133. The recorded example's (masked) key
 * and secret get the recorded answer, and its token is then accepted like any other.
 */
export function answerTokenRequest(request: ParsedRequest, context: TokenRouteContext): SimulatorResponse {
  if (request.method !== 'POST') return kisJson(405, { error_description: 'Method Not Allowed', error_code: 'EGW00002' })
  const body = parseJsonObject(request.body)
  const appKey = typeof body.appkey === 'string' ? body.appkey : undefined
  const recording = context.recordings.find(RECORDED_FILES.token, stringFields(body))
  const apps = recording ? { ...context.settings.apps, [String(recording.request.APPKEY)]: String(recording.request.APPSECRET) } : context.settings.apps

  if (body.grant_type !== 'client_credentials') return tokenError(403, 'invalidGrantType')
  if (appKey === undefined || apps[appKey] === undefined) return tokenError(403, 'invalidAppKey')
  if (body.appsecret !== apps[appKey]) return tokenError(403, 'invalidAppSecret')

  const now = context.now()
  const last = context.tokens.lastIssuedFor(appKey)
  if (last !== undefined && now - last.issuedAt < context.settings.tokenIssueIntervalMs) return tokenError(403, 'tokenRateLimited')

  if (recording) {
    const recorded = recording.response as { access_token: string }
    context.tokens.issue(appKey, context.settings.tokenTtlMs, now, recorded.access_token)
    return kisJson(200, recording.response)
  }
  const token = context.tokens.issue(appKey, context.settings.tokenTtlMs, now)
  return kisJson(200, {
    access_token: token.accessToken,
    access_token_token_expired: kstDateTime(now + ADVERTISED_LIFETIME_SECONDS * 1_000),
    token_type: 'Bearer',
    expires_in: ADVERTISED_LIFETIME_SECONDS,
  })
}

function parseJsonObject(text: string | undefined): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text ?? '')
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function stringFields(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
}

/** `2023-12-22 08:16:59`, Korean time, as in `access_token_token_expired`. */
function kstDateTime(ms: number): string {
  return new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ')
}
