import type { Market } from '@kmd/core'
import { createRandom, logUniform, pick } from './random.ts'
import { isinCheckDigit } from './isin.ts'
import { koreanCompanyName, spacName } from './korean-names.ts'

/**
 * The synthetic listing: which stocks exist, with their codes, names, markets, shares and the
 * parameters that drive their price paths. A pure function of (seed, stockCount); the same
 * stocks are listed on every date.
 */

export type MarketId = 'STK' | 'KSQ' | 'KNX'

export const MARKET_NAMES: Record<MarketId, Market> = { STK: 'KOSPI', KSQ: 'KOSDAQ', KNX: 'KONEX' }

export interface ListedStock {
  /** Stable key of the stock in every hash that concerns it. */
  key: number
  code: string
  isin: string
  name: string
  market: MarketId
  /** 소속부; "" on KOSPI, like KRX. */
  section: string
  listedShares: number
  /** Price level the path wanders around (won, off the grid). */
  basePrice: number
  /** Scales the stock's own moves, 0.5..1. */
  volatility: number
  /** Exposure to the market-wide moves, 0.6..1.4. */
  beta: number
  /** Typical share of listed shares traded per day. */
  turnover: number
  /** Suspended for the whole simulated history: never trades. */
  suspended: boolean
}

// Shares of the real 2021-2026 listing: ~950 KOSPI, ~1,650 KOSDAQ, ~120 KONEX.
const MARKET_SHARES: Record<MarketId, number> = { STK: 950 / 2720, KSQ: 1650 / 2720, KNX: 120 / 2720 }
const PREFERRED_SHARE_OF_KOSPI = 0.1
const NEW_STYLE_CODE_SHARE = 0.02

const KOSDAQ_SECTIONS: ReadonlyArray<readonly [name: string, weight: number]> = [
  ['중견기업부', 510],
  ['우량기업부', 377],
  ['벤처기업부', 284],
  ['기술성장기업부', 111],
  ['관리종목(소속부없음)', 61],
  ['투자주의환기종목(소속부없음)', 59],
  ['SPAC(소속부없음)', 52],
  ['외국기업(소속부없음)', 17],
]
const TROUBLED_SECTIONS = new Set(['관리종목(소속부없음)', '투자주의환기종목(소속부없음)'])

const FOREIGN_ISIN_COUNTRIES = ['HK', 'KY', 'US', 'JP', 'CN', 'VG']
const CODE_LETTERS = [...'ABCDEFGHJKLMNPQRSTUVWXYZ']
const ISIN_CHARS = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ']

interface Draft {
  code: string
  isin: string
  name: string
  market: MarketId
  section: string
  marketCap: number
  suspended: boolean
}

/** Builds the listing for a seed: `stockCount` stocks split over the three markets, sorted by name like KRX. */
export function buildUniverse(seed: number, stockCount: number): ListedStock[] {
  const random = createRandom(seed ^ 0x5eed1157)
  const codes = new Set<string>()
  const names = new Set<string>()
  const drafts: Draft[] = []

  const kospi = Math.round(stockCount * MARKET_SHARES.STK)
  const konex = Math.round(stockCount * MARKET_SHARES.KNX)
  const kosdaq = stockCount - kospi - konex
  const kospiPreferred = Math.round(kospi * PREFERRED_SHARE_OF_KOSPI)

  const uniqueCode = (make: () => string): string => {
    for (;;) {
      const code = make()
      if (!codes.has(code)) {
        codes.add(code)
        return code
      }
    }
  }
  const uniqueName = (make: () => string): string => {
    for (let attempt = 0; ; attempt++) {
      // After many collisions a numeral keeps names unique without looping forever.
      const name = attempt < 20 ? make() : `${make()}${attempt}`
      if (!names.has(name)) {
        names.add(name)
        return name
      }
    }
  }
  const companyName = () => koreanCompanyName(random)
  const commonCode = (low: number, high: number) => () =>
    random() < NEW_STYLE_CODE_SHARE
      ? // Codes issued since 2024 carry a letter, e.g. 0041B0.
        `00${10 + Math.floor(random() * 90)}${pick(random, CODE_LETTERS)}0`
      : String(10 * Math.floor(low / 10 + random() * ((high - low) / 10))).padStart(6, '0')
  const addCommon = (market: MarketId, section: string, code: string, name: string, capRange: [number, number]) => {
    const troubled = TROUBLED_SECTIONS.has(section)
    const foreign = section.startsWith('외국기업')
    drafts.push({
      code,
      isin: foreign ? foreignIsin(random) : koreanIsin(code),
      name,
      market,
      section,
      marketCap: logUniform(random() ** 1.6, capRange[0], capRange[1]),
      suspended: random() < (troubled ? 0.3 : 0.01),
    })
  }

  for (let i = 0; i < kospi - kospiPreferred; i++) {
    addCommon('STK', '', uniqueCode(commonCode(1_000, 400_000)), uniqueName(companyName), [2e10, 4e13])
  }
  const kospiCommons = drafts.slice()
  for (let i = 0; i < kospiPreferred; i++) {
    const common = pick(random, kospiCommons)
    const kind = pick(random, PREFERRED_KINDS)
    const code = codes.has(kind.code(common.code)) ? uniqueCode(commonCode(1_000, 400_000)) : uniqueCode(() => kind.code(common.code))
    drafts.push({
      code,
      isin: koreanIsin(code),
      name: uniqueName(() => common.name + kind.suffix),
      market: 'STK',
      section: '',
      marketCap: common.marketCap * (0.02 + random() * 0.1),
      suspended: false,
    })
  }

  const sectionTotal = KOSDAQ_SECTIONS.reduce((sum, [, weight]) => sum + weight, 0)
  let spacNumber = 1
  for (let i = 0; i < kosdaq; i++) {
    const section = weightedSection(random() * sectionTotal)
    if (section.startsWith('SPAC')) {
      const name = uniqueName(() => spacName(random, spacNumber++))
      addCommon('KSQ', section, uniqueCode(commonCode(400_000, 480_000)), name, [5e9, 2e10])
    } else if (section.startsWith('외국기업')) {
      addCommon('KSQ', section, uniqueCode(commonCode(900_010, 950_000)), uniqueName(companyName), [2e10, 5e11])
    } else {
      addCommon('KSQ', section, uniqueCode(commonCode(30_000, 480_000)), uniqueName(companyName), [1e10, 5e12])
    }
  }
  for (let i = 0; i < konex; i++) {
    const section = random() < 0.02 ? '크라우드펀딩기업부' : '일반기업부'
    addCommon('KNX', section, uniqueCode(commonCode(200_000, 480_000)), uniqueName(companyName), [3e9, 1e11])
  }

  return drafts
    .map((draft, key) => withPriceParameters(draft, key, random))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

const PREFERRED_KINDS: ReadonlyArray<{ suffix: string; code: (common: string) => string }> = [
  { suffix: '우', code: (common) => `${common.slice(0, 5)}5` },
  { suffix: '2우B', code: (common) => `${common.slice(0, 5)}7` },
  // Newer preferred issues get a letter in the last place, e.g. 37550L.
  { suffix: '1우', code: (common) => `${common.slice(0, 5)}K` },
  { suffix: '2우B', code: (common) => `${common.slice(0, 5)}L` },
]

function weightedSection(point: number): string {
  let remaining = point
  for (const [name, weight] of KOSDAQ_SECTIONS) {
    if (remaining < weight) return name
    remaining -= weight
  }
  return KOSDAQ_SECTIONS[0]![0]
}

function withPriceParameters(draft: Draft, key: number, random: () => number): ListedStock {
  const basePrice = logUniform(random() ** 1.3, 900, 250_000)
  return {
    key,
    code: draft.code,
    isin: draft.isin,
    name: draft.name,
    market: draft.market,
    section: draft.section,
    listedShares: Math.max(100_000, Math.round(draft.marketCap / basePrice)),
    basePrice,
    volatility: 0.5 + random() * 0.5,
    beta: 0.6 + random() * 0.8,
    turnover: logUniform(random(), 0.0003, 0.012),
    suspended: draft.suspended,
  }
}

function koreanIsin(code: string): string {
  const body = `KR7${code}00`
  return body + isinCheckDigit(body)
}

function foreignIsin(random: () => number): string {
  let body = pick(random, FOREIGN_ISIN_COUNTRIES)
  for (let i = 0; i < 9; i++) body += pick(random, ISIN_CHARS)
  return body + isinCheckDigit(body)
}
