import { INFOMAX_ERRORS } from '../envelope.ts'
import { CASH_LINE } from '../etf-universe.ts'
import { seoulDate } from '@kmd/core'
import { compactDateNumber, singleDate } from '../params.ts'
import type { Endpoint, Row } from './types.ts'

/**
 * `/api/stock/etf/port?code=&date=&sort=value|volume`: an ETF's portfolio deposit file on a
 * trading day, per creation unit. `port_volume` is shares per CU (won for the cash line),
 * `port_value` their value at that day's close, `etf_value` the sum of all lines and
 * `constituents` the number of lines (the summary does not say what the vendor means by it).
 * A closed day, or an ETF it does not know, answers no rows.
 */
export const etfPort: Endpoint = (query, context) => {
  const date = query.date ? singleDate(query.date, context.now) : seoulDate(context.now)
  const sort = query.sort ?? 'value'
  if (!query.code || !date || (sort !== 'value' && sort !== 'volume')) return { error: INFOMAX_ERRORS.params }
  const etf = context.market.etfs.find((candidate) => candidate.code === query.code)
  if (!etf || !context.market.market.session(date)) return { results: [] }

  const lines = etf.holdings.map(({ stock, sharesPerCu }) => {
    const close = context.market.quote(stock, date)!.quote.close
    return { code: stock.code, name: stock.name, volume: sharesPerCu, value: sharesPerCu * close }
  })
  lines.sort((a, b) => (sort === 'value' ? b.value - a.value : b.volume - a.volume) || (a.code < b.code ? -1 : 1))
  lines.push({ code: CASH_LINE.code, name: CASH_LINE.name, volume: etf.cashPerCu, value: etf.cashPerCu })
  const etfValue = lines.reduce((sum, line) => sum + line.value, 0)

  const results: Row[] = lines.map((line) => ({
    date: compactDateNumber(date),
    code: etf.code,
    kr_name: etf.name,
    constituents: lines.length,
    etf_value: etfValue,
    port_code: line.code,
    port_name: line.name,
    port_value: line.value,
    port_volume: line.volume,
  }))
  return { results }
}
