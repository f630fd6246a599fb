import type { TradeDate } from '@kmd/core'
import type { SimulatorResponse } from '../http-io.ts'

/**
 * How KIS writes its answers: JSON (`application/json; charset=UTF-8`) with the envelope
 * `rt_cd` ("0" success), `msg_cd`, `msg1`; numbers as plain strings without separators
 * ("-800", "0.14"); dates as YYYYMMDD; paging state in the `tr_cont` response header.
 */

export const KIS_JSON = 'application/json; charset=UTF-8'
export const OK_ENVELOPE = { rt_cd: '0', msg_cd: 'MCA00000', msg1: '정상처리 되었습니다.' } as const

/** FID_COND_MRKT_DIV_CODE: J KRX, NX Nextrade, UN both combined. */
export const KIS_MARKET_CODES: ReadonlySet<string> = new Set(['J', 'NX', 'UN'])

/** The KIS messages the simulator sends. Codes and texts marked (sim) are this simulator's choice. */
export const KIS_MESSAGES = {
  invalidAppKey: ['EGW00103', '유효하지 않은 AppKey입니다.'],
  invalidAppSecret: ['EGW00105', '유효하지 않은 AppSecret입니다.'],
  invalidToken: ['EGW00121', '유효하지 않은 token 입니다.'],
  expiredToken: ['EGW00123', '기간이 만료된 token 입니다.'],
  tokenRateLimited: ['EGW00133', '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)'],
  rateLimited: ['EGW00201', '초당 거래건수를 초과하였습니다.'],
  // (sim) the code and text KIS sends for a wrong grant_type or a tr_id that does not fit the path.
  invalidGrantType: ['EGW00205', 'grant_type이 유효하지 않습니다.'],
  unknownTrId: ['OPSQ0002', '없는 서비스 코드 입니다'],
  // (sim) a query field that is missing or malformed.
  invalidInput: ['OPSQ2001', 'ERROR INPUT FIELD'],
} as const satisfies Record<string, readonly [string, string]>

export type KisMessage = keyof typeof KIS_MESSAGES

export function kisJson(status: number, body: unknown, headers: Record<string, string> = {}): SimulatorResponse {
  return { status, headers: { 'content-type': KIS_JSON, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) }
}

/** A data-endpoint error: `{"rt_cd":"1","msg_cd":…,"msg1":…}`. */
export function kisError(status: number, message: KisMessage, detail?: string): SimulatorResponse {
  const [msgCd, msg1] = KIS_MESSAGES[message]
  return kisJson(status, { rt_cd: '1', msg_cd: msgCd, msg1: detail === undefined ? msg1 : `${msg1} (${detail})` })
}

/** A token-endpoint error, which KIS writes differently: `{"error_description":…,"error_code":…}`. */
export function tokenError(status: number, message: KisMessage): SimulatorResponse {
  const [code, description] = KIS_MESSAGES[message]
  return kisJson(status, { error_description: description, error_code: code })
}

/** `2025-08-11` → `20250811`. */
export function compactDate(date: TradeDate): string {
  return date.replace(/-/g, '')
}


/** Won to KIS's 백만원 units, rounded half away from zero. */
export function toMillions(won: number): number {
  const millions = Math.round(Math.abs(won) / 1_000_000)
  return won < 0 && millions !== 0 ? -millions : millions
}

/** `prdy_vrss_sign`: 1 상한, 2 상승, 3 보합, 4 하한, 5 하락, from KRX's FLUC_TP_CD (0 no trade, 1 up, 2 down, 3 flat, 4 upper, 5 lower limit). */
export function changeSignCode(krxFluctuation: string): string {
  return ({ '4': '1', '1': '2', '0': '3', '3': '3', '5': '4', '2': '5' } as Record<string, string>)[krxFluctuation] ?? '3'
}

/** KIS query fields are matched without regard to case (KIS's own examples use both). */
export function upperKeys(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name.toUpperCase(), value]))
}
