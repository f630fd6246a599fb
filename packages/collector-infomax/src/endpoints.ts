/**
 * Infomax endpoints this package reads. The paths are those public clients use (the public
 * summary writes the ETF ones as `/api/etf/...`; working code uses `/api/stock/etf/...`).
 */
export const INFOMAX_ENDPOINTS = {
  stockHist: '/api/stock/hist',
  stockInvestor: '/api/stock/investor',
  stockCode: '/api/stock/code',
  stockExpired: '/api/stock/expired',
  stockInfo: '/api/stock/info',
  etfPort: '/api/stock/etf/port',
  indexConstituents: '/api/index/constituents',
} as const

/** The longest span of one history request, in calendar days, both ends counted. */
export const MAX_HISTORY_DAYS = 30
