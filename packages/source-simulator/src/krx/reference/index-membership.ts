import type { TradeDate } from '@kmd/core'
import type { ListedStock, MarketId } from '../universe.ts'

/**
 * Index constituents of the synthetic market by KRX index id (`indIdx/indIdx2`). The broad
 * indexes hold every stock of their market; the size indexes (KOSPI 200, KOSDAQ 150, …) hold
 * the largest eligible stocks by listed shares × base price, except that the last two seats
 * rotate through the next few candidates at each semi-annual rebalance (effective from June 15
 * and December 15): from one period to the next exactly one stock leaves and one joins, so
 * successive snapshots give the promoter intervals to derive.
 */
export interface IndexDefinition {
  name: string
  markets: readonly MarketId[]
  /** Infinity: every stock of the markets, preferred shares included. */
  size: number
}

export const KRX_INDEXES: Readonly<Record<string, IndexDefinition>> = {
  '1/001': { name: '코스피', markets: ['STK'], size: Infinity },
  '1/028': { name: '코스피 200', markets: ['STK'], size: 200 },
  '1/034': { name: '코스피 100', markets: ['STK'], size: 100 },
  '1/035': { name: '코스피 50', markets: ['STK'], size: 50 },
  '2/001': { name: '코스닥', markets: ['KSQ'], size: Infinity },
  '2/203': { name: '코스닥 150', markets: ['KSQ'], size: 150 },
  '5/300': { name: 'KRX 300', markets: ['STK', 'KSQ'], size: 300 },
}

const ROTATING_SEATS = 2
const CANDIDATES = 5
const INELIGIBLE_SECTIONS = ['SPAC', '관리종목', '투자주의환기종목', '외국기업']

/** Rebalance period of a date: two per year, counted without gaps across years. */
export function rebalancePeriod(date: TradeDate): number {
  const year = Number(date.slice(0, 4))
  const monthDay = date.slice(5)
  return 2 * year + (monthDay >= '06-15' ? 1 : 0) + (monthDay >= '12-15' ? 1 : 0)
}

export class IndexMembership {
  private readonly ranked = new Map<string, readonly ListedStock[]>()

  constructor(private readonly stocks: readonly ListedStock[]) {}

  /** Members of an index on a date, largest first; undefined for an index this market does not compute. */
  members(indexId: string, date: TradeDate): ListedStock[] | undefined {
    const index = KRX_INDEXES[indexId]
    if (!index) return undefined
    if (index.size === Infinity) return this.stocks.filter((stock) => index.markets.includes(stock.market))
    const eligible = this.eligible(indexId, index)
    const size = Math.min(index.size, Math.max(0, eligible.length - CANDIDATES + ROTATING_SEATS))
    if (size <= ROTATING_SEATS) return eligible.slice(0, size)
    const core = eligible.slice(0, size - ROTATING_SEATS)
    const pool = eligible.slice(size - ROTATING_SEATS, size - ROTATING_SEATS + CANDIDATES)
    const period = rebalancePeriod(date)
    const rotating = Array.from({ length: ROTATING_SEATS }, (_, seat) => pool[(period + seat) % pool.length]!)
    return [...core, ...rotating.sort((a, b) => capOf(b) - capOf(a))]
  }

  private eligible(indexId: string, index: IndexDefinition): readonly ListedStock[] {
    let ranked = this.ranked.get(indexId)
    if (!ranked) {
      ranked = this.stocks
        .filter((stock) => index.markets.includes(stock.market) && stock.code.endsWith('0') && !stock.suspended)
        .filter((stock) => !INELIGIBLE_SECTIONS.some((section) => stock.section.startsWith(section)))
        .sort((a, b) => capOf(b) - capOf(a) || a.key - b.key)
      this.ranked.set(indexId, ranked)
    }
    return ranked
  }
}

function capOf(stock: ListedStock): number {
  return stock.listedShares * stock.basePrice
}
