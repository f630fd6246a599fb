import type { TradeDate } from '@kmd/core'
import { isinCheckDigit } from '../krx/isin.ts'
import { koreanCompanyName } from '../krx/korean-names.ts'
import { createRandom, pick } from '../krx/random.ts'
import type { MarketId } from '../krx/universe.ts'

/**
 * Stocks that left the market, for `/api/stock/expired`. They never appear in the listing the
 * KRX routes serve, which holds the same stocks on every date. Codes 480000-489990 are never
 * drawn for listed stocks, so they cannot collide. One in eight is an ETF (EF), so a client
 * has something to filter out.
 */
export interface DelistedStock {
  code: string
  isin: string
  name: string
  market: MarketId
  equityType: 'ST' | 'EF'
  listedDate: TradeDate
  delistedDate: TradeDate
}

const COUNT = 64
const CODE_BASE = 480_000
const FIRST_DELISTING = Date.UTC(2016, 0, 4)
const LAST_DELISTING = Date.UTC(2026, 11, 28)
const MARKETS: readonly MarketId[] = ['STK', 'KSQ', 'KSQ', 'KNX']

export function buildDelistedStocks(seed: number): DelistedStock[] {
  const random = createRandom(seed ^ 0xde1157ed)
  const stocks: DelistedStock[] = []
  for (let i = 0; i < COUNT; i++) {
    const code = String(CODE_BASE + 10 * i).padStart(6, '0')
    const body = `KR7${code}00`
    const delisted = FIRST_DELISTING + Math.floor(random() * ((LAST_DELISTING - FIRST_DELISTING) / 86_400_000)) * 86_400_000
    const listed = delisted - Math.floor((1 + random() * 25) * 365) * 86_400_000
    stocks.push({
      code,
      isin: body + isinCheckDigit(body),
      name: koreanCompanyName(random),
      market: pick(random, MARKETS),
      equityType: i % 8 === 7 ? 'EF' : 'ST',
      listedDate: new Date(listed).toISOString().slice(0, 10),
      delistedDate: new Date(delisted).toISOString().slice(0, 10),
    })
  }
  return stocks
}
