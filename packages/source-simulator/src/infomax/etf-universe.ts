import { isinCheckDigit } from '../krx/isin.ts'
import { unitHash } from '../krx/random.ts'
import type { ListedStock } from '../krx/universe.ts'
import { indexMembers, type InfomaxIndexCode } from './index-membership.ts'

/**
 * A handful of ETFs over the synthetic stocks, for `/api/stock/code` (equity_type EF) and
 * `/api/stock/etf/port`. Each holds a fixed number of shares of each constituent per creation
 * unit (CU) plus cash; a portfolio's value on a date is those shares at that day's closes.
 * Codes 490000-499990 are never drawn for stocks (see universe.ts), so they cannot collide.
 */

export interface EtfHolding {
  stock: ListedStock
  sharesPerCu: number
}

export interface SyntheticEtf {
  code: string
  isin: string
  name: string
  holdings: readonly EtfHolding[]
  /** Won of cash per CU (원화예금 line). */
  cashPerCu: number
}

/** KRX's code for the won-deposit line of a portfolio deposit file. */
export const CASH_LINE = { code: 'KRD010010001', name: '원화예금' } as const

const CU_VALUE_WON = 2_500_000_000
const CODE_BASE = 490_000
const WEIGHT_SALT = 520

const ETF_DEFINITIONS: ReadonlyArray<{ name: string; index: InfomaxIndexCode; take: number }> = [
  { name: 'KODEX 200', index: 'K2G01P', take: 200 },
  { name: 'TIGER 200', index: 'K2G01P', take: 200 },
  { name: 'KBSTAR 200', index: 'K2G01P', take: 200 },
  { name: 'KODEX 코스닥150', index: 'Q5G01P', take: 150 },
  { name: 'TIGER 코스닥150', index: 'Q5G01P', take: 150 },
  { name: 'ARIRANG 고배당주', index: 'K2G01P', take: 30 },
  { name: 'HANARO 대형주', index: 'K2G01P', take: 20 },
  { name: 'KOSEF 코스닥 대형', index: 'Q5G01P', take: 25 },
]

export function buildEtfs(seed: number, stocks: readonly ListedStock[]): SyntheticEtf[] {
  const taken = new Set(stocks.map((stock) => stock.code))
  return ETF_DEFINITIONS.flatMap((definition, number) => {
    const code = String(CODE_BASE + 10 * number).padStart(6, '0')
    if (taken.has(code)) return []
    const members = indexMembers(stocks, definition.index).slice(0, definition.take)
    const weights = members.map((stock) => stock.listedShares * stock.basePrice * (0.8 + 0.4 * unitHash(seed, stock.key, WEIGHT_SALT, number)))
    const total = weights.reduce((sum, weight) => sum + weight, 0)
    const holdings = members.map((stock, i) => ({ stock, sharesPerCu: Math.max(1, Math.round((CU_VALUE_WON * weights[i]!) / total / stock.basePrice)) }))
    const body = `KR7${code}00`
    return [{ code, isin: body + isinCheckDigit(body), name: definition.name, holdings, cashPerCu: 1_000_000 + Math.round(9_000_000 * unitHash(seed, number, WEIGHT_SALT, 0)) }]
  })
}
