import type { InfomaxMarket } from '../infomax-market.ts'

export type Row = Record<string, unknown>

/** What an endpoint answers: rows for the `results` array, or a vendor error text. */
export type EndpointAnswer = { results: Row[] } | { error: string }

export interface EndpointContext {
  market: InfomaxMarket
  now: Date
  maxHistoryDays: number
  codeListCap: number
}

export type Endpoint = (query: Record<string, string>, context: EndpointContext) => EndpointAnswer

/** Infomax's market codes: 1 거래소, 7 코스닥, 8 코스닥기타 (the simulator lists KONEX there; unverified). */
export const MARKET_CODES = { STK: '1', KSQ: '7', KNX: '8' } as const

/** Rates as the vendor's JSON numbers: percent with two decimals. */
export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((10_000 * part) / whole) / 100
}
