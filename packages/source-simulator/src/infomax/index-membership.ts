import type { ListedStock } from '../krx/universe.ts'

/**
 * Index constituents of the synthetic market, by Infomax index code. Membership is fixed per
 * seed: an index holds the common shares (codes ending in 0) of its market, the KOSPI 200 and
 * KOSDAQ 150 the largest of them by listed shares × base price. Preferred shares and SPACs
 * are left out, as the real rules do.
 */
export const INFOMAX_INDEXES = {
  KGG01P: { name: '코스피', market: 'STK', size: Infinity },
  K2G01P: { name: '코스피 200', market: 'STK', size: 200 },
  QGG01P: { name: '코스닥', market: 'KSQ', size: Infinity },
  Q5G01P: { name: '코스닥 150', market: 'KSQ', size: 150 },
} as const

export type InfomaxIndexCode = keyof typeof INFOMAX_INDEXES

export function isInfomaxIndexCode(code: string): code is InfomaxIndexCode {
  return Object.hasOwn(INFOMAX_INDEXES, code)
}

export function indexMembers(stocks: readonly ListedStock[], code: InfomaxIndexCode): ListedStock[] {
  const index = INFOMAX_INDEXES[code]
  const eligible = stocks.filter((stock) => stock.market === index.market && stock.code.endsWith('0') && !stock.section.startsWith('SPAC'))
  const bySize = eligible.sort((a, b) => b.listedShares * b.basePrice - a.listedShares * a.basePrice || (a.code < b.code ? -1 : 1))
  return bySize.slice(0, Math.min(bySize.length, index.size))
}
