import type { TradeDate } from '@kmd/core'
import type { PortfolioLine, ReferenceMarket } from '../reference/reference-market.ts'
import { formatNumber, NO_VALUE } from '../wire-format.ts'

/**
 * MDCSTAT05001 (13108 PDF): one ETF's portfolio deposit file on a date, asked for by the ETF's
 * ISIN. Stocks by their six-character code, futures and cash lines by ISIN or KRX id in the same
 * COMPST_ISU_CD column; shares per CU with two decimals, "-" for cash. No rows on a closed day
 * or for an ISIN that is no ETF here.
 */
export const ETF_PORTFOLIO_BLD = 'dbms/MDC/STAT/standard/MDCSTAT05001'
export const ETF_PORTFOLIO_KEY = 'output'

export function etfPortfolioRows(reference: ReferenceMarket, isin: string, date: TradeDate): string {
  const etf = reference.etfs.find((candidate) => candidate.isin === isin)
  const lines = etf ? (reference.portfolio(etf, date) ?? []) : []
  return JSON.stringify(lines.map(portfolioRow))
}

function portfolioRow(line: PortfolioLine): Record<string, string> {
  return {
    COMPST_ISU_CD: line.code,
    COMPST_ISU_CD2: line.isin,
    MKT_ID: line.marketId,
    SECUGRP_ID: line.securityGroupId,
    COMPST_ISU_NM: line.name,
    COMPST_ISU_CU1_SHRS: line.sharesPerCu === null ? NO_VALUE : `${formatNumber(line.sharesPerCu)}.00`,
    VALU_AMT: line.valuationAmount === null ? NO_VALUE : formatNumber(line.valuationAmount),
    COMPST_AMT: formatNumber(line.amount),
    COMPST_RTO: line.weight === null ? NO_VALUE : line.weight.toFixed(2),
  }
}
