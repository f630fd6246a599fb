/**
 * Infomax's market codes (`market` of `/api/stock/code`, `market_type` of `/api/stock/expired`)
 * → the canonical market. From the public summary: 1 거래소, 2 거래소기타, 5 KRX, 7 코스닥,
 * 8 코스닥기타. Where KONEX stocks are filed is not documented: we read 코스닥기타 as KONEX
 * (KONEX is run by KRX's KOSDAQ division; KOSDAQ's other securities are ETFs, ETNs and the
 * like, which are not equity type ST and so never reach the stock master). Unverified. 5 (KRX)
 * has no canonical market: a stock filed there is a parse error, not a guess. Korean names are
 * accepted too, as one public client found names where codes were expected.
 */
export type CanonicalMarket = 'KOSPI' | 'KOSDAQ' | 'KONEX'

export const INFOMAX_MARKETS: Readonly<Record<string, CanonicalMarket>> = {
  '1': 'KOSPI',
  '2': 'KOSPI',
  '7': 'KOSDAQ',
  '8': 'KONEX',
  거래소: 'KOSPI',
  '거래소(코스피)': 'KOSPI',
  거래소기타: 'KOSPI',
  코스닥: 'KOSDAQ',
  코스닥기타: 'KONEX',
}

/** The market codes the stock master is listed by, one request (or more) each. */
export const STOCK_MASTER_MARKETS = ['1', '2', '7', '8'] as const

/** `equity_type` of ordinary shares; ETFs (EF), ETNs (EN), funds (MF), REITs (RT) … are left out of the stock master. */
export const STOCK_EQUITY_TYPE = 'ST'

/** KRX's name of the security group of ordinary shares. */
export const STOCK_SECURITY_GROUP = '주권'
