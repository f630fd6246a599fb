import { INFOMAX_ERRORS } from '../envelope.ts'
import { compactDateNumber, dateFilter } from '../params.ts'
import { MARKET_CODES, type Endpoint } from './types.ts'

const DEFAULT_LOOKBACK_DAYS = 365

/**
 * `/api/stock/expired?name=&type=&code=&startDate=&endDate=`: securities delisted between the
 * two dates (default: the last 365 days). `market_type` uses the same codes as the master's
 * `market`.
 */
export const stockExpired: Endpoint = (query, context) => {
  const window = dateFilter(query, context.now, DEFAULT_LOOKBACK_DAYS)
  if (!window) return { error: INFOMAX_ERRORS.params }
  const results = context.market.delisted
    .filter((stock) => stock.delistedDate >= window.from && stock.delistedDate <= window.to)
    .filter((stock) => (!query.type || stock.equityType === query.type) && (!query.code || stock.code.includes(query.code)))
    .filter((stock) => !query.name || stock.name.includes(query.name))
    .map((stock) => ({
      isin: stock.isin,
      code: stock.code,
      market_type: MARKET_CODES[stock.market],
      equity_type: stock.equityType,
      kr_name: stock.name,
      listed_date: compactDateNumber(stock.listedDate),
      delisted_date: compactDateNumber(stock.delistedDate),
    }))
  return { results }
}
