import type { TradeDate } from '@kmd/core'
import { MARKET_NAMES, type MarketId } from '../universe.ts'
import type { ReferenceMarket } from '../reference/reference-market.ts'
import { formatNumber, NO_VALUE } from '../wire-format.ts'

/**
 * `dbms/MDC/STAT/issue/MDCSTAT23801` (상장폐지현황): stocks delisted between strtDd and endDd,
 * latest first. ISU_CD is the ISIN; the screen has no short-code column.
 */
export const DELISTED_STOCKS_BLD = 'dbms/MDC/STAT/issue/MDCSTAT23801'
export const DELISTED_STOCKS_KEY = 'output'
export const DELISTED_STOCKS_MARKETS = ['ALL', 'STK', 'KSQ', 'KNX'] as const

const slashed = (date: TradeDate) => date.replace(/-/g, '/')

export function delistedStocksRows(reference: ReferenceMarket, from: TradeDate, to: TradeDate, marketId: 'ALL' | MarketId): string {
  const rows = reference.delisted
    .filter((stock) => stock.delistingDate >= from && stock.delistingDate <= to && (marketId === 'ALL' || stock.market === marketId))
    .sort((a, b) => (a.delistingDate < b.delistingDate ? 1 : a.delistingDate > b.delistingDate ? -1 : 0))
    .map((stock) => ({
      ISU_CD: stock.isin,
      ISU_NM: stock.name,
      MKT_NM: MARKET_NAMES[stock.market],
      SECUGRP_NM: '주권',
      KIND_STKCERT_TP_NM: stock.shareClass,
      LIST_DD: slashed(stock.listingDate),
      DELIST_DD: slashed(stock.delistingDate),
      DELIST_RSN_DSC: stock.reason,
      ARRANTRD_MKTACT_ENFORCE_DD: stock.liquidationSale ? slashed(stock.liquidationSale.from) : NO_VALUE,
      ARRANTRD_END_DD: stock.liquidationSale ? slashed(stock.liquidationSale.to) : NO_VALUE,
      IDX_IND_NM: stock.sector,
      PARVAL: stock.parValue,
      LIST_SHRS: formatNumber(stock.listedShares),
      TO_ISU_SRT_CD: stock.successor?.code ?? '',
      TO_ISU_ABBRV: stock.successor?.name ?? '',
    }))
  return JSON.stringify(rows)
}
