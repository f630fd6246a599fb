import type { ParsedRequest, SimulatorResponse } from '../http-io.ts'
import type { PerSecondLimit } from './rate-limit.ts'
import type { KisSimulatorSettings } from './settings.ts'
import type { KisTokenRegistry } from './tokens.ts'
import { kisError } from './wire.ts'

export interface GatewayContext {
  settings: KisSimulatorSettings
  tokens: KisTokenRegistry
  limit: PerSecondLimit
  now: () => number
}

/**
 * What the KIS gateway checks before a `/uapi/` request reaches its service, in this order:
 * the app key and its secret, the bearer token (known, issued to this app key, not expired),
 * the per-second limit, then that `tr_id` is the one the path serves. Returns the error answer,
 * or the app key the request runs under.
 */
export function passGateway(request: ParsedRequest, trId: string, context: GatewayContext): SimulatorResponse | { appKey: string } {
  const appKey = header(request, 'appkey')
  const secret = appKey === undefined ? undefined : context.settings.apps[appKey]
  if (appKey === undefined || secret === undefined) return kisError(403, 'invalidAppKey')
  if (header(request, 'appsecret') !== secret) return kisError(403, 'invalidAppSecret')

  const bearer = /^Bearer\s+(\S+)$/i.exec(header(request, 'authorization') ?? '')?.[1]
  const token = bearer === undefined ? undefined : context.tokens.find(bearer)
  if (token === undefined || token.appKey !== appKey) return kisError(401, 'invalidToken')
  const now = context.now()
  if (token.expiresAt <= now) return kisError(context.settings.expiredTokenStatus, 'expiredToken')

  // KIS reports EGW00201 alongside HTTP 500.
  if (!context.limit.tryAccept(appKey, context.settings.requestsPerSecond, now)) return kisError(500, 'rateLimited')
  if (header(request, 'tr_id') !== trId) return kisError(200, 'unknownTrId', `tr_id ${JSON.stringify(header(request, 'tr_id') ?? '')}`)
  return { appKey }
}

export function header(request: ParsedRequest, name: string): string | undefined {
  const value = request.headers[name]
  const text = Array.isArray(value) ? value[0] : value
  return text === undefined || text.trim() === '' ? undefined : text.trim()
}
