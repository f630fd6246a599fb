import { isinCheckDigit } from '../isin.ts'
import type { ListedStock } from '../universe.ts'

/**
 * A handful of ETFs over the synthetic stocks, for MDCSTAT04301 (the day's ETF prices) and
 * MDCSTAT05001 (portfolio deposit files). ARIRANG 200 keeps its real code and ISIN so the
 * recorded PDF of 2021-04-02 is the one served for it that day; the others use codes
 * 510000-519990, never drawn for stocks (universe.ts) nor used by the Infomax routes.
 */
export interface EtfDefinition {
  code: string
  isin: string
  name: string
  /** KRX index id the ETF tracks (its PDF holds that index's members, or futures on it). */
  indexId: string
  kind: 'equity' | 'inverse'
  /** Won per creation unit at the ETF's launch. */
  cuValue: number
  /** ETF units per creation unit. */
  unitsPerCu: number
  listedShares: number
}

const DEFINITIONS: ReadonlyArray<Omit<EtfDefinition, 'isin'>> = [
  { code: '152100', name: 'ARIRANG 200', indexId: '1/028', kind: 'equity', cuValue: 2_100_000_000, unitsPerCu: 50_000, listedShares: 14_450_000 },
  { code: '510000', name: 'KODEX 200', indexId: '1/028', kind: 'equity', cuValue: 3_400_000_000, unitsPerCu: 100_000, listedShares: 179_250_000 },
  { code: '510010', name: 'KODEX 인버스', indexId: '1/028', kind: 'inverse', cuValue: 950_000_000, unitsPerCu: 200_000, listedShares: 211_000_000 },
  { code: '510020', name: 'TIGER 코스닥150', indexId: '2/203', kind: 'equity', cuValue: 1_300_000_000, unitsPerCu: 100_000, listedShares: 16_100_000 },
  { code: '510030', name: 'KODEX 코스피50', indexId: '1/035', kind: 'equity', cuValue: 1_800_000_000, unitsPerCu: 50_000, listedShares: 3_250_000 },
  { code: '510040', name: 'KBSTAR KRX300', indexId: '5/300', kind: 'equity', cuValue: 1_100_000_000, unitsPerCu: 100_000, listedShares: 5_600_000 },
]

/** The ETFs listed next to these stocks; one whose code a stock already uses is left out. */
export function buildEtfs(stocks: readonly ListedStock[]): EtfDefinition[] {
  const taken = new Set(stocks.map((stock) => stock.code))
  return DEFINITIONS.filter((definition) => !taken.has(definition.code)).map((definition) => {
    const body = `KR7${definition.code}00`
    return { ...definition, isin: body + isinCheckDigit(body) }
  })
}

/** Lines of KRX PDFs that are not securities. */
export const CASH_LINES = {
  deposit: { code: 'KRD010010001', name: '원화예금' },
  creationCash: { code: 'CASH00000001', name: '설정현금액' },
} as const

// KOSPI 200 futures: KRX year letters (I, O and U skipped) and month codes (C = December).
const YEAR_LETTERS = 'KLMNPQRSTVWXYZ'
const FIRST_LETTER_YEAR = 2015
const QUARTER_MONTHS = [3, 6, 9, 12] as const

export interface FuturesContract {
  isin: string
  name: string
}

/** The front-quarter KOSPI 200 future on a date (expiry: second Thursday of Mar/Jun/Sep/Dec). */
export function frontKospi200Future(date: string): FuturesContract {
  let year = Number(date.slice(0, 4))
  let month: number = QUARTER_MONTHS.find((quarter) => `${year}-${String(quarter).padStart(2, '0')}-${secondThursday(year, quarter)}` >= date) ?? 0
  if (month === 0) {
    year += 1
    month = 3
  }
  const letter = YEAR_LETTERS[(year - FIRST_LETTER_YEAR) % YEAR_LETTERS.length]!
  const body = `KR4101${letter}${month === 12 ? 'C' : String(month)}000`
  return { isin: body + isinCheckDigit(body), name: `코스피200 F ${year}${String(month).padStart(2, '0')}` }
}

function secondThursday(year: number, month: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay()
  const firstThursday = 1 + ((4 - first + 7) % 7)
  return String(firstThursday + 7).padStart(2, '0')
}
