import { SchemaViolationError } from '@kmd/core'
import type { KisAnswer } from './client.ts'
import type { KisApi } from './endpoints.ts'
import type { KisRow } from './parse.ts'

/** The rows under an answer's output key; anything else is a change in KIS's answer format. */
export function outputRows(answer: KisAnswer, key: string, api: KisApi): KisRow[] {
  const rows = answer.body[key]
  if (!Array.isArray(rows)) {
    const keys = Object.keys(answer.body).join(', ') || 'none'
    throw new SchemaViolationError(`kis ${api.trId}: answer has no "${key}" array (keys present: ${keys})`)
  }
  if (!rows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))) {
    throw new SchemaViolationError(`kis ${api.trId}: "${key}" holds something other than row objects`)
  }
  return rows as KisRow[]
}

const STOCK_CODE = /^[0-9A-Z]{6}$/

/** KRX's six-character stock codes (`005930`, `0041B0`); anything else is the caller's mistake. */
export function checkStockCodes(stockCodes: readonly string[]): void {
  const bad = stockCodes.filter((code) => !STOCK_CODE.test(code))
  if (bad.length > 0) throw new RangeError(`stock codes must be six characters 0-9/A-Z, got ${bad.slice(0, 5).map((code) => JSON.stringify(code)).join(', ')}`)
}
