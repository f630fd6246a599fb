/**
 * KRX names its markets differently per screen: `KOSPI`/`KOSDAQ`/`KOSDAQ GLOBAL`/`KONEX` in the
 * master and price screens, `mktId` codes in requests, and Korean names in some issue screens.
 * The canonical market is one of KOSPI, KOSDAQ, KONEX; KOSDAQ GLOBAL is a KOSDAQ segment.
 */
export type CanonicalMarket = 'KOSPI' | 'KOSDAQ' | 'KONEX'

export interface MarketName {
  market: CanonicalMarket
  /** Set where the market name itself names a segment (KOSDAQ GLOBAL). */
  segment: string | null
}

const MARKET_NAMES: Readonly<Record<string, MarketName>> = {
  KOSPI: { market: 'KOSPI', segment: null },
  유가증권: { market: 'KOSPI', segment: null },
  KOSDAQ: { market: 'KOSDAQ', segment: null },
  코스닥: { market: 'KOSDAQ', segment: null },
  'KOSDAQ GLOBAL': { market: 'KOSDAQ', segment: 'KOSDAQ GLOBAL' },
  코스닥글로벌: { market: 'KOSDAQ', segment: 'KOSDAQ GLOBAL' },
  KONEX: { market: 'KONEX', segment: null },
  코넥스: { market: 'KONEX', segment: null },
}

/** The canonical market of a KRX market name, or undefined for a name KRX has not used so far. */
export function marketOfName(name: string): MarketName | undefined {
  return MARKET_NAMES[name.trim()]
}

const MARKET_BY_ID: Readonly<Record<string, CanonicalMarket>> = { STK: 'KOSPI', KSQ: 'KOSDAQ', KNX: 'KONEX' }

/** `STK` → KOSPI, `KSQ` → KOSDAQ, `KNX` → KONEX. */
export function marketOfId(mktId: string): CanonicalMarket | undefined {
  return MARKET_BY_ID[mktId]
}
