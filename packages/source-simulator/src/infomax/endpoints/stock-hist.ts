import { tradingDaysBetween } from '@kmd/core'
import { INFOMAX_ERRORS } from '../envelope.ts'
import { codeList, compactDateNumber, historyWindow } from '../params.ts'
import { percent, type Endpoint, type Row } from './types.ts'

/**
 * `/api/stock/hist?code=005930,000660&startDate=&endDate=`: one row per stock and trading day,
 * prices in won, volume in shares, value in won, from the same quotes MDCSTAT01501 serves. A
 * halted day has open/high/low 0, like KRX. Unknown codes add no rows.
 */
export const stockHist: Endpoint = (query, context) => {
  const codes = codeList(query.code)
  const window = historyWindow(query, context.now, context.maxHistoryDays)
  if (!codes || !window) return { error: INFOMAX_ERRORS.params }
  const results: Row[] = []
  for (const code of codes) {
    const stock = context.market.stock(code)
    if (!stock) continue
    for (const date of tradingDaysBetween(window.from, window.to)) {
      const found = context.market.quote(stock, date)
      if (!found) continue
      const { quote } = found
      const change = quote.close - quote.previousClose
      results.push({
        date: compactDateNumber(date),
        code: stock.code,
        open_price: quote.open,
        high_price: quote.high,
        low_price: quote.low,
        close_price: quote.close,
        trading_volume: quote.volume,
        trading_value: quote.value,
        base_price: quote.previousClose,
        change,
        change_rate: percent(change, quote.previousClose),
        listed_shares: stock.listedShares,
      })
    }
  }
  return { results }
}
