import type { TradeDate } from '@kmd/core'
import { isinCheckDigit } from '../isin.ts'
import { koreanCompanyName } from '../korean-names.ts'
import { createRandom } from '../random.ts'
import type { ListedStock, MarketId } from '../universe.ts'
import { sectorOf } from './sectors.ts'
import { textHash } from './text-hash.ts'

/**
 * Stocks that left the market, for MDCSTAT23801 (상장폐지현황). They are never in the listing
 * the price screens serve. Codes 500000-509990 are never drawn for listed stocks (universe.ts)
 * nor used by the Infomax routes, so they cannot collide. One is a preferred share, whose
 * ISIN does not contain its code (as with real preferred shares), and one was merged into a
 * listed stock, named as its successor.
 */
export interface DelistedStock {
  code: string
  isin: string
  name: string
  market: MarketId
  shareClass: string
  listingDate: TradeDate
  delistingDate: TradeDate
  reason: string
  /** Start and end of the liquidation sale (정리매매); none after a merger. */
  liquidationSale: { from: TradeDate; to: TradeDate } | undefined
  sector: string
  parValue: string
  listedShares: number
  successor: ListedStock | undefined
}

const CODE_BASE = 500_000

interface Plan {
  delisted: TradeDate
  market: MarketId
  reason: string
  kind?: 'preferred' | 'spac' | 'merged'
}

const PLANS: readonly Plan[] = [
  { delisted: '2016-03-29', market: 'KSQ', reason: '감사의견 거절(의견거절)' },
  { delisted: '2017-07-14', market: 'STK', reason: '피흡수합병', kind: 'merged' },
  { delisted: '2018-11-20', market: 'KSQ', reason: '존속기간 만료', kind: 'spac' },
  { delisted: '2019-05-03', market: 'KNX', reason: '상장폐지 신청' },
  { delisted: '2020-08-27', market: 'STK', reason: '완전자회사화(지주회사 편입)' },
  { delisted: '2021-04-19', market: 'STK', reason: '상장폐지 신청', kind: 'preferred' },
  { delisted: '2022-12-26', market: 'KSQ', reason: '기업의 계속성 및 경영의 투명성 등 종합적 고려' },
  { delisted: '2023-10-05', market: 'KSQ', reason: '피흡수합병', kind: 'merged' },
  { delisted: '2024-06-28', market: 'STK', reason: '감사의견 거절(의견거절)' },
  { delisted: '2025-03-31', market: 'KSQ', reason: '감사범위 제한으로 인한 한정의견' },
  { delisted: '2025-11-18', market: 'KNX', reason: '상장폐지 신청' },
  { delisted: '2026-07-22', market: 'STK', reason: '피흡수합병', kind: 'merged' },
]

export function buildDelistedStocks(listed: readonly ListedStock[]): DelistedStock[] {
  const random = createRandom(textHash(listed.map((stock) => stock.code).join()) ^ 0xde715ed)
  const survivors = listed.filter((stock) => stock.market === 'STK' && stock.code.endsWith('0'))
  return PLANS.map((plan, number) => {
    const code = String(CODE_BASE + 10 * number).padStart(6, '0')
    const preferred = plan.kind === 'preferred'
    // A preferred share's code ends in 5, while its ISIN has the issuer code and a class digit.
    const shortCode = preferred ? `${code.slice(0, 5)}5` : code
    const isinBody = preferred ? `KR7${code.slice(0, 5)}100` : `KR7${code}00`
    const baseName = plan.kind === 'spac' ? `엔에이치스팩${3 + number}호` : koreanCompanyName(random)
    const listedYears = 2 + Math.floor(random() * 20)
    const delisted = new Date(`${plan.delisted}T00:00:00Z`)
    const listing = new Date(delisted.getTime() - Math.round(listedYears * 365.25 + random() * 200) * 86_400_000)
    const sale = plan.kind === 'merged' ? undefined : { from: shiftDays(plan.delisted, -11), to: shiftDays(plan.delisted, -1) }
    return {
      code: shortCode,
      isin: isinBody + isinCheckDigit(isinBody),
      name: preferred ? `${baseName}우` : baseName,
      market: plan.market,
      shareClass: preferred ? '구형우선주' : '보통주',
      listingDate: listing.toISOString().slice(0, 10),
      delistingDate: plan.delisted,
      reason: plan.reason,
      liquidationSale: sale,
      sector: sectorOf(baseName, plan.market),
      parValue: plan.market === 'STK' ? '5,000' : '500',
      listedShares: 1_000_000 + Math.floor(random() * 60_000_000),
      successor: plan.kind === 'merged' && survivors.length > 0 ? survivors[Math.floor(random() * survivors.length)] : undefined,
    }
  })
}

function shiftDays(date: TradeDate, days: number): TradeDate {
  const shifted = new Date(`${date}T00:00:00Z`)
  shifted.setUTCDate(shifted.getUTCDate() + days)
  return shifted.toISOString().slice(0, 10)
}
