import { INVESTOR_TYPE_DEFINITIONS, type InvestorTypeDefinition } from '@kmd/core'
import type { DailyQuote } from './daily-quote.ts'
import { apportion } from './apportion.ts'
import { unitHash } from './random.ts'
import type { MarketId } from './universe.ts'

/**
 * Who bought and sold each stock in one session, by KRX investor type. Every share traded has
 * one buyer and one seller, so per stock the eleven leaf groups' buys and sells each add up to
 * the session's volume and value: their net volumes and net values sum to exactly zero.
 */

type LeafCode = InvestorTypeDefinition['krxCode']
/** The eleven leaf groups' KRX codes, in KRX order (the vocabulary is core's). */
export const LEAF_INVESTOR_TYPES: readonly LeafCode[] = INVESTOR_TYPE_DEFINITIONS.map((type) => type.krxCode)
/** The seven groups that make up 기관합계 (7050). */
export const INSTITUTIONAL_TYPES: readonly LeafCode[] = INVESTOR_TYPE_DEFINITIONS.filter((type) => type.isInstitution).map((type) => type.krxCode)
export const INSTITUTIONS_TOTAL = '7050'
export const ALL_INVESTORS = '9999'
/** The `invstTpCd` values the screen answers: the leaves and the two sums. */
export type InvestorType = LeafCode | typeof INSTITUTIONS_TOTAL | typeof ALL_INVESTORS
export const INVESTOR_TYPES: readonly InvestorType[] = [...LEAF_INVESTOR_TYPES, INSTITUTIONS_TOTAL, ALL_INVESTORS]

// Typical shares of turnover per market; individuals dominate KOSDAQ and KONEX.
const BASE_WEIGHTS: Record<MarketId, readonly number[]> = {
  STK: [0.06, 0.01, 0.02, 0.012, 0.003, 0.002, 0.03, 0.03, 0.55, 0.28, 0.005],
  KSQ: [0.03, 0.004, 0.01, 0.01, 0.001, 0.001, 0.01, 0.03, 0.78, 0.1, 0.004],
  KNX: [0.01, 0.002, 0.005, 0.02, 0.001, 0.001, 0.002, 0.05, 0.85, 0.05, 0.009],
}
const BUY_SALT = 400
const SELL_SALT = 450
const LEAVES = LEAF_INVESTOR_TYPES.length

/**
 * Flows of one session for a list of quotes, laid out flat: for quote q and leaf group g,
 * index (q * 11 + g) * 4 holds sell volume, buy volume, sell value, buy value.
 */
export function sessionFlows(seed: number, n: number, quotes: readonly DailyQuote[]): Float64Array {
  const flows = new Float64Array(quotes.length * LEAVES * 4)
  quotes.forEach((quote, q) => {
    if (quote.volume === 0) return
    const key = quote.stock.key
    const base = BASE_WEIGHTS[quote.stock.market]
    const buyWeights = base.map((weight, g) => weight * Math.exp(1.2 * (2 * unitHash(seed, key, BUY_SALT + g, n) - 1)))
    const sellWeights = base.map((weight, g) => weight * Math.exp(1.2 * (2 * unitHash(seed, key, SELL_SALT + g, n) - 1)))
    const buyVolumes = apportion(quote.volume, buyWeights)
    const sellVolumes = apportion(quote.volume, sellWeights)
    const buyValues = apportion(quote.value, buyVolumes)
    const sellValues = apportion(quote.value, sellVolumes)
    for (let g = 0; g < LEAVES; g++) {
      const at = (q * LEAVES + g) * 4
      flows[at] = sellVolumes[g]!
      flows[at + 1] = buyVolumes[g]!
      flows[at + 2] = sellValues[g]!
      flows[at + 3] = buyValues[g]!
    }
  })
  return flows
}

export interface FlowTotals {
  sellVolume: number
  buyVolume: number
  sellValue: bigint
  buyValue: bigint
}

/** Adds quote q's flows for one investor type (leaf, 기관합계 or 전체) into `into`. */
export function addFlows(into: FlowTotals, flows: Float64Array, quote: DailyQuote, q: number, investor: InvestorType): void {
  if (investor === ALL_INVESTORS) {
    // 전체: every trade is one sell and one buy.
    into.sellVolume += quote.volume
    into.buyVolume += quote.volume
    into.sellValue += BigInt(quote.value)
    into.buyValue += BigInt(quote.value)
    return
  }
  const groups = investor === INSTITUTIONS_TOTAL ? INSTITUTIONAL_TYPES : [investor]
  for (const group of groups) {
    const at = (q * LEAVES + LEAF_INVESTOR_TYPES.indexOf(group as (typeof LEAF_INVESTOR_TYPES)[number])) * 4
    into.sellVolume += flows[at]!
    into.buyVolume += flows[at + 1]!
    into.sellValue += BigInt(flows[at + 2]!)
    into.buyValue += BigInt(flows[at + 3]!)
  }
}
