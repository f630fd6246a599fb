import type { TradeDate } from '@kmd/core'
import type { ReferenceMarket } from '../reference/reference-market.ts'
import { formatNumber, formatRate, NO_VALUE } from '../wire-format.ts'

/**
 * MDCSTAT03901 (12025 업종분류 현황): every stock of KOSPI or KOSDAQ with its sector and the
 * day's close, by sector then name. On a closed day the prices are "-", as on MDCSTAT01501.
 */
export const SECTOR_CLASSIFICATION_BLD = 'dbms/MDC/STAT/standard/MDCSTAT03901'
export const SECTOR_CLASSIFICATION_KEY = 'block1'
export const SECTOR_CLASSIFICATION_MARKETS = ['STK', 'KSQ'] as const

export function sectorClassificationRows(reference: ReferenceMarket, date: TradeDate, marketId: 'STK' | 'KSQ'): string {
  const quotes = reference.quotes(date)
  const rows = reference.market.stocks
    .filter((stock) => stock.market === marketId)
    .map((stock) => reference.profile(stock))
    .sort((a, b) => (a.sector < b.sector ? -1 : a.sector > b.sector ? 1 : a.stock.name < b.stock.name ? -1 : 1))
    .map((profile) => {
      const quote = quotes?.get(profile.stock.key)
      const change = quote ? quote.close - quote.previousClose : 0
      return {
        ISU_SRT_CD: profile.stock.code,
        ISU_ABBRV: profile.stock.name,
        MKT_TP_NM: profile.marketTypeName,
        IDX_IND_NM: profile.sector,
        TDD_CLSPRC: quote ? formatNumber(quote.close) : NO_VALUE,
        CMPPREVDD_PRC: quote ? formatNumber(change) : NO_VALUE,
        FLUC_RT: quote ? formatRate((100 * change) / quote.previousClose) : NO_VALUE,
        MKTCAP: quote ? formatNumber(quote.close * profile.stock.listedShares) : NO_VALUE,
        FLUC_TP_CD: quote ? quote.fluctuation : '3',
      }
    })
  return JSON.stringify(rows)
}
