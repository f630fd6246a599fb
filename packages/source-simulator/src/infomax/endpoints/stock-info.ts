import { INFOMAX_ERRORS } from '../envelope.ts'
import { codeList, compactDateNumber, singleDate } from '../params.ts'
import { MARKET_CODES, type Endpoint, type Row } from './types.ts'

/**
 * `/api/stock/info?code=005930,000660&date=`: one day's snapshot of many stocks. The public
 * summary lists date, code, kr_name, market, prices, volume, value and listed shares; the
 * `floating_shares` field is this simulator's guess at where the vendor keeps free-float shares
 * (unverified), 30-95% of listed shares, fixed per stock. A closed day answers no rows.
 */
export const stockInfo: Endpoint = (query, context) => {
  const codes = codeList(query.code)
  const date = singleDate(query.date, context.now)
  if (!codes || !date) return { error: INFOMAX_ERRORS.params }
  const results: Row[] = []
  for (const code of codes) {
    const stock = context.market.stock(code)
    const found = stock && context.market.quote(stock, date)
    if (!stock || !found) continue
    const { quote } = found
    results.push({
      date: compactDateNumber(date),
      code: stock.code,
      kr_name: stock.name,
      market: MARKET_CODES[stock.market],
      open_price: quote.open,
      high_price: quote.high,
      low_price: quote.low,
      close_price: quote.close,
      trading_volume: quote.volume,
      trading_value: quote.value,
      listed_shares: stock.listedShares,
      floating_shares: context.market.floatingShares(stock),
    })
  }
  return { results }
}
