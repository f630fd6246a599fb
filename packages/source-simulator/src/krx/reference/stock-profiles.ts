import type { TradeDate } from '@kmd/core'
import type { ListedStock } from '../universe.ts'
import { sectorOf } from './sectors.ts'
import { textUnit } from './text-hash.ts'

/**
 * What the stock master says about a synthetic stock beyond what the price screens show: full
 * and English names, listing date, share class, par value, KOSDAQ GLOBAL membership, sector.
 * Each is a pure function of the stock's ISIN, so it never changes between requests.
 */
export interface StockProfile {
  stock: ListedStock
  fullName: string
  englishName: string
  /** KOSPI | KOSDAQ | KOSDAQ GLOBAL | KONEX, as MKT_TP_NM writes it. */
  marketTypeName: string
  securityGroup: string
  shareClass: string
  /** As KRX writes it: "5,000", "0.5", "무액면". */
  parValue: string
  listingDate: TradeDate
  sector: string
  isPreferred: boolean
}

const PREFERRED_NAME = /[0-9]?우B?$/
const FIRST_LISTING = Date.UTC(1975, 5, 12)
// Every synthetic stock trades on every simulated date (from 2015), so it was listed before.
const LAST_LISTING = Date.UTC(2014, 11, 30)
const KOSPI_PAR_VALUES = ['5,000', '5,000', '5,000', '2,500', '1,000', '500', '500', '100']
const KOSDAQ_PAR_VALUES = ['500', '500', '500', '100', '100', '200', '1,000', '5,000']
const FOREIGN_PAR_VALUES = ['0.5', '1.5', '0.25', '무액면']
const SALT = { listing: 11, par: 12, noPar: 13, global: 14 } as const

export function stockProfileOf(stock: ListedStock): StockProfile {
  const foreign = stock.section.startsWith('외국기업')
  const isPreferred = stock.market === 'STK' && PREFERRED_NAME.test(stock.name)
  const unit = (salt: number) => textUnit(stock.isin, salt)
  const listed = FIRST_LISTING + Math.floor(unit(SALT.listing) * ((LAST_LISTING - FIRST_LISTING) / 86_400_000)) * 86_400_000
  return {
    stock,
    fullName: stock.market === 'STK' && !isPreferred ? `${stock.name}보통주` : stock.name,
    englishName: `${stock.code} ${isPreferred ? 'Preferred' : 'Common'} Co., Ltd. (simulated)`,
    marketTypeName:
      stock.market === 'STK' ? 'KOSPI' : stock.market === 'KNX' ? 'KONEX' : stock.section === '우량기업부' && unit(SALT.global) < 0.12 ? 'KOSDAQ GLOBAL' : 'KOSDAQ',
    securityGroup: foreign ? '외국주권' : '주권',
    shareClass: isPreferred ? preferredClass(stock.code) : '보통주',
    parValue: parValueOf(stock, foreign, unit(SALT.par), unit(SALT.noPar)),
    listingDate: new Date(listed).toISOString().slice(0, 10),
    sector: sectorOf(stock.name, stock.market),
    isPreferred,
  }
}

// Old-style preferred codes end in 5, later issues in 7 or a letter (see universe.ts).
function preferredClass(code: string): string {
  if (code.endsWith('5')) return '구형우선주'
  if (code.endsWith('7')) return '신형우선주'
  return '종류주권'
}

function parValueOf(stock: ListedStock, foreign: boolean, u: number, noPar: number): string {
  if (foreign) return FOREIGN_PAR_VALUES[Math.floor(u * FOREIGN_PAR_VALUES.length)]!
  // A few Korean issuers (REITs, infrastructure funds) have no par value either.
  if (noPar < 0.005) return '무액면'
  const values = stock.market === 'STK' ? KOSPI_PAR_VALUES : KOSDAQ_PAR_VALUES
  return values[Math.floor(u * values.length)]!
}
