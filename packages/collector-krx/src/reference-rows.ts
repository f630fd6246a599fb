import type { CanonicalRecord, EtfPortfolioValues, IndexComponentValues, SectorMembershipValues, TradeDate } from '@kmd/core'
import type { KrxRow } from './client.ts'
import { KRX_INDEX_NAMES, type KrxIndexId } from './indexes.ts'
import { marketOfId } from './markets.ts'
import { ReferenceRowReader } from './reference-reader.ts'
import { KRX_SCREENS } from './screens.ts'

/**
 * Rows of the reference screens → canonical records. Rows that do not say which request they
 * answer (market, index, ETF) get it in `raw` too, so a rejected row can be traced.
 */

/**
 * MDCSTAT03901 (12025 업종분류 현황) → sectors: the stock's 업종 (IDX_IND_NM). The market is the
 * request's `mktId`: MKT_TP_NM may say "KOSDAQ GLOBAL", which is no market of its own.
 */
export function sectorRecordOf(row: KrxRow, request: { mktId: string }): CanonicalRecord<SectorMembershipValues> {
  const read = new ReferenceRowReader(row)
  const market = marketOfId(request.mktId)
  if (!market) read.problem('market', `unknown mktId (${JSON.stringify(request.mktId)})`)
  const values: SectorMembershipValues = {
    market: market ?? null,
    name: read.text('IDX_IND_NM', 'name'),
    stock_code: read.text('ISU_SRT_CD', 'stock_code'),
  }
  return { values, raw: { ...row, mktId: request.mktId }, parseErrors: read.parseErrors }
}

/** MDCSTAT00601 (11006 지수구성종목) → index_components: one member on the snapshot date. */
export function indexComponentRecordOf(row: KrxRow, index: KrxIndexId, snapshotDate: TradeDate): CanonicalRecord<IndexComponentValues> {
  const read = new ReferenceRowReader(row)
  const values: IndexComponentValues = {
    index_code: index.id,
    index_name: KRX_INDEX_NAMES[index.id] ?? null,
    stock_code: read.text('ISU_SRT_CD', 'stock_code'),
    snapshot_date: snapshotDate,
  }
  return { values, raw: { ...row, indIdx: index.indIdx, indIdx2: index.indIdx2 }, parseErrors: read.parseErrors }
}

/**
 * MDCSTAT05001 (13108 PDF) → etf_portfolios: one line of an ETF's portfolio deposit file, kept
 * as KRX sends it. COMPST_ISU_CD is a six-character code for stocks and an ISIN or KRX's own id
 * for everything else (futures KR4…, cash KRD010010001 원화예금 and CASH00000001 설정현금액);
 * cash lines have no shares ("-" → null); inverse ETFs hold negative shares of futures.
 */
export function etfPortfolioRecordOf(row: KrxRow, etf: { code: string; isin: string }, tradeDate: TradeDate): CanonicalRecord<EtfPortfolioValues> {
  const read = new ReferenceRowReader(row)
  const values: EtfPortfolioValues = {
    etf_code: etf.code,
    base_date: tradeDate,
    component_code: read.text('COMPST_ISU_CD', 'component_code'),
    component_isin: read.optionalText('COMPST_ISU_CD2'),
    component_name: read.text('COMPST_ISU_NM', 'component_name'),
    component_market: read.optionalText('MKT_ID'),
    security_group: read.optionalText('SECUGRP_ID'),
    shares: read.decimal('COMPST_ISU_CU1_SHRS', 'shares'),
    valuation_amount: read.decimal('VALU_AMT', 'valuation_amount'),
    component_amount: read.decimal('COMPST_AMT', 'component_amount'),
    weight: read.decimal('COMPST_RTO', 'weight'),
  }
  return { values, raw: { ...row, etfCode: etf.code, isuCd: etf.isin }, parseErrors: read.parseErrors }
}

/**
 * A row of the day's ETF list (MDCSTAT04301) that was not an object names no ETF, so no PDF
 * could be asked for: it becomes one etf_portfolios record, values null but the trade date,
 * with the row's parse error and one saying what it cost, so the day is seen to be incomplete.
 */
export function unreadableEtfListRecordOf(row: KrxRow, tradeDate: TradeDate): CanonicalRecord<EtfPortfolioValues> {
  const read = new ReferenceRowReader(row)
  read.problem('etf_code', `unreadable row of the ETF list (${KRX_SCREENS.etfPrices}); its portfolio was not asked for`)
  const values: EtfPortfolioValues = {
    etf_code: null,
    base_date: tradeDate,
    component_code: null,
    component_isin: null,
    component_name: null,
    component_market: null,
    security_group: null,
    shares: null,
    valuation_amount: null,
    component_amount: null,
    weight: null,
  }
  return { values, raw: { ...row, bld: KRX_SCREENS.etfPrices }, parseErrors: read.parseErrors }
}
