import { SchemaViolationError } from '@kmd/core'
import type { KisAnswer } from './client.ts'
import type { KisApi } from './endpoints.ts'
import type { KisRow } from './parse.ts'
import { standInRowFor } from '@kmd/core'

/**
 * The rows under an answer's output key. An answer without that array is a change in KIS's
 * answer format and fails whole; an element that is not an object fails its row only, as a
 * stand-in row whose records carry `row 3: not an object (got string "row")`.
 */
export function outputRows(answer: KisAnswer, key: string, api: KisApi): KisRow[] {
  const rows = answer.body[key]
  if (!Array.isArray(rows)) {
    const keys = Object.keys(answer.body).join(', ') || 'none'
    throw new SchemaViolationError(`kis ${api.trId}: answer has no "${key}" array (keys present: ${keys})`)
  }
  return rows.map((row: unknown, index) => (isRowObject(row) ? (row as KisRow) : standInRowFor(row, index)))
}

const isRowObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value)

const STOCK_CODE = /^[0-9A-Z]{6}$/

/** KRX's six-character stock codes (`005930`, `0041B0`); anything else is the caller's mistake. */
export function checkStockCodes(stockCodes: readonly string[]): void {
  const bad = stockCodes.filter((code) => !STOCK_CODE.test(code))
  if (bad.length > 0) throw new RangeError(`stock codes must be six characters 0-9/A-Z, got ${bad.slice(0, 5).map((code) => JSON.stringify(code)).join(', ')}`)
}
