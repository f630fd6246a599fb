import { compactDateNumber } from '../params.ts'
import { MARKET_CODES, type Endpoint, type Row } from './types.ts'

/**
 * `/api/stock/code?search=&code=&name=&market=&type=`: the master of listed securities, the
 * synthetic stocks (equity_type ST) and ETFs (EF). `code`, `name` and `search` match anywhere in
 * the text (a public client filters prefix queries itself, which suggests so). At most
 * `codeListCap` rows are answered, in code order: a client that asks for more loses the rest
 * without being told, as one public client reports.
 */
export const stockCode: Endpoint = (query, context) => {
  const { market } = context
  const rows: Row[] = [
    ...market.stocks.map((stock) => ({
      code: stock.code,
      kr_name: stock.name,
      market: MARKET_CODES[stock.market],
      equity_type: 'ST',
      isin: stock.isin,
      listed_date: compactDateNumber(market.listingDate(stock.key)),
    })),
    ...market.etfs.map((etf, number) => ({
      code: etf.code,
      kr_name: etf.name,
      market: MARKET_CODES.STK,
      equity_type: 'EF',
      isin: etf.isin,
      listed_date: compactDateNumber(market.listingDate(100_000 + number)),
    })),
  ]
  const contains = (value: unknown, part: string | undefined) => !part || String(value).includes(part)
  const results = rows
    .filter((row) => contains(row.code, query.code) && contains(row.kr_name, query.name))
    .filter((row) => !query.search || contains(row.code, query.search) || contains(row.kr_name, query.search))
    .filter((row) => !query.market || row.market === query.market)
    .filter((row) => !query.type || row.equity_type === query.type)
    .sort((a, b) => (String(a.code) < String(b.code) ? -1 : 1))
  return { results: results.slice(0, context.codeListCap) }
}
