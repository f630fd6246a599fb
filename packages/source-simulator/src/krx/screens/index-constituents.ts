import type { TradeDate } from '@kmd/core'
import type { ReferenceMarket } from '../reference/reference-market.ts'
import { formatNumber, formatRate, NO_VALUE } from '../wire-format.ts'

/**
 * MDCSTAT00601 (11006 지수구성종목): an index's members on a date with their closes, largest
 * market cap first. Unknown indexes answer no rows. No weights: KRX shows none here either.
 */
export const INDEX_CONSTITUENTS_BLD = 'dbms/MDC/STAT/standard/MDCSTAT00601'
export const INDEX_CONSTITUENTS_KEY = 'output'

export function indexConstituentsRows(reference: ReferenceMarket, indexId: string, date: TradeDate): string {
  const members = reference.indexes.members(indexId, date) ?? []
  const quotes = reference.quotes(date)
  const rows = members
    .map((stock) => ({ stock, quote: quotes?.get(stock.key) }))
    .sort((a, b) => (b.quote ? b.quote.close * b.stock.listedShares : 0) - (a.quote ? a.quote.close * a.stock.listedShares : 0))
    .map(({ stock, quote }) => {
      const change = quote ? quote.close - quote.previousClose : 0
      return {
        ISU_SRT_CD: stock.code,
        ISU_ABBRV: stock.name,
        TDD_CLSPRC: quote ? formatNumber(quote.close) : NO_VALUE,
        FLUC_TP_CD: quote ? quote.fluctuation : '3',
        STR_CMP_PRC: quote ? formatNumber(change) : NO_VALUE,
        FLUC_RT: quote ? formatRate((100 * change) / quote.previousClose) : NO_VALUE,
        MKTCAP: quote ? formatNumber(quote.close * stock.listedShares) : NO_VALUE,
        IDX_ID: '',
      }
    })
  return JSON.stringify(rows)
}
