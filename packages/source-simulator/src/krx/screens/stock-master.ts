import type { ReferenceMarket } from '../reference/reference-market.ts'
import type { MarketId } from '../universe.ts'
import { formatNumber } from '../wire-format.ts'

/** MDCSTAT01901 (12005 전종목 기본정보): every listed stock's master data; the screen has no date. */
export const STOCK_MASTER_BLD = 'dbms/MDC/STAT/standard/MDCSTAT01901'
export const STOCK_MASTER_KEY = 'OutBlock_1'
export const STOCK_MASTER_MARKETS = ['ALL', 'STK', 'KSQ', 'KNX'] as const

/** The rows as JSON text, in the listing's (name) order. `segTpCd=1` with KSQ keeps KOSDAQ GLOBAL only. */
export function stockMasterRows(reference: ReferenceMarket, marketId: 'ALL' | MarketId, segment: string | undefined): string {
  const rows = reference.market.stocks
    .filter((stock) => marketId === 'ALL' || stock.market === marketId)
    .map((stock) => reference.profile(stock))
    .filter((profile) => !(marketId === 'KSQ' && segment === '1') || profile.marketTypeName === 'KOSDAQ GLOBAL')
    .map((profile) => ({
      ISU_CD: profile.stock.isin,
      ISU_SRT_CD: profile.stock.code,
      ISU_NM: profile.fullName,
      ISU_ABBRV: profile.stock.name,
      ISU_ENG_NM: profile.englishName,
      LIST_DD: profile.listingDate.replace(/-/g, '/'),
      MKT_TP_NM: profile.marketTypeName,
      SECUGRP_NM: profile.securityGroup,
      SECT_TP_NM: profile.stock.section,
      KIND_STKCERT_TP_NM: profile.shareClass,
      PARVAL: profile.parValue,
      LIST_SHRS: formatNumber(profile.stock.listedShares),
    }))
  return JSON.stringify(rows)
}
