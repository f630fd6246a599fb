import type { CanonicalRecord, StockValues } from '@kmd/core'
import type { KrxRow } from './client.ts'
import { marketOfName } from './markets.ts'
import { ReferenceRowReader } from './reference-reader.ts'
import { isStockCode } from '@kmd/core'
import { isIsin, stockCodeFromIsin } from './stock-codes.ts'

/**
 * MDCSTAT01901 (12005 전종목 기본정보) → stocks: one listed stock. LIST_SHRS is in shares, PARVAL
 * in the issuer's currency (won for Korean issuers; foreign issuers' par values such as "0.5"
 * are in their own currency), "무액면" meaning no par value.
 */
export function stockRecordOf(row: KrxRow): CanonicalRecord<StockValues> {
  const read = new ReferenceRowReader(row)
  const market = readMarket(read, 'MKT_TP_NM')
  const values: StockValues = {
    stock_code: read.text('ISU_SRT_CD', 'stock_code'),
    isin: read.text('ISU_CD', 'isin'),
    name: read.text('ISU_NM', 'name'),
    short_name: read.optionalText('ISU_ABBRV'),
    english_name: read.optionalText('ISU_ENG_NM'),
    market: market.market,
    // KOSDAQ GLOBAL is the segment where KRX names one; otherwise 소속부 (empty on KOSPI).
    market_segment: market.segment ?? read.optionalText('SECT_TP_NM'),
    security_group: read.optionalText('SECUGRP_NM'),
    share_class: read.optionalText('KIND_STKCERT_TP_NM'),
    par_value: read.parValue('PARVAL', 'par_value'),
    listed_shares: read.integer('LIST_SHRS', 'listed_shares'),
    listing_date: read.date('LIST_DD', 'listing_date'),
    delisting_date: null,
    delisting_reason: null,
    sector_name: null,
  }
  return { values, raw: row, parseErrors: read.parseErrors }
}

/**
 * `dbms/MDC/STAT/issue/MDCSTAT23801` (상장폐지현황) → stocks: one delisted stock. The screen has
 * no short-code column: ISU_CD carries the ISIN, and the code is read from it where it can be
 * (common shares, see stock-codes.ts). A preferred share, a DR or a foreign issuer keeps
 * stock_code null with a parse error rather than a guessed code. Should KRX send the short code
 * in ISU_CD instead (some clients read it so), it is taken as the code and the ISIN stays null.
 */
export function delistedStockRecordOf(row: KrxRow): CanonicalRecord<StockValues> {
  const read = new ReferenceRowReader(row)
  const market = readMarket(read, 'MKT_NM')
  const { stockCode, isin } = readDelistedIdentity(read, row)
  const values: StockValues = {
    stock_code: stockCode,
    isin,
    name: read.text('ISU_NM', 'name'),
    short_name: null,
    english_name: null,
    market: market.market,
    market_segment: market.segment,
    security_group: read.optionalText('SECUGRP_NM'),
    share_class: read.optionalText('KIND_STKCERT_TP_NM'),
    par_value: read.parValue('PARVAL', 'par_value'),
    listed_shares: read.integer('LIST_SHRS', 'listed_shares'),
    listing_date: read.date('LIST_DD', 'listing_date'),
    delisting_date: read.date('DELIST_DD', 'delisting_date') ?? missing(read, 'delisting_date', row.DELIST_DD),
    delisting_reason: read.optionalText('DELIST_RSN_DSC'),
    sector_name: read.optionalText('IDX_IND_NM'),
  }
  return { values, raw: row, parseErrors: read.parseErrors }
}

function readDelistedIdentity(read: ReferenceRowReader, row: KrxRow): { stockCode: string | null; isin: string | null } {
  const identifier = read.text('ISU_CD', 'stock_code')
  if (identifier === null) return { stockCode: null, isin: null }
  const shortCode = typeof row.ISU_SRT_CD === 'string' ? row.ISU_SRT_CD.trim() : ''
  if (isIsin(identifier)) {
    if (isStockCode(shortCode)) return { stockCode: shortCode, isin: identifier }
    const derived = stockCodeFromIsin(identifier)
    if (!derived.ok) read.problem('stock_code', derived.problem)
    return { stockCode: derived.ok ? derived.value : null, isin: identifier }
  }
  if (isStockCode(identifier)) return { stockCode: identifier, isin: null }
  read.problem('stock_code', `ISU_CD is neither an ISIN nor a stock code (${JSON.stringify(identifier)})`)
  return { stockCode: null, isin: null }
}

function readMarket(read: ReferenceRowReader, field: string): { market: string | null; segment: string | null } {
  const name = read.text(field, 'market')
  if (name === null) return { market: null, segment: null }
  const known = marketOfName(name)
  if (!known) read.problem('market', `unknown market name (${JSON.stringify(name)})`)
  return { market: known?.market ?? null, segment: known?.segment ?? null }
}

// A delisted row without its delisting date would read as a listed stock: say so.
function missing(read: ReferenceRowReader, name: string, value: unknown): null {
  if (read.notARow) return null
  if (value === undefined || value === null || value === '' || value === '-') read.problem(name, `missing (${JSON.stringify(value) ?? 'absent'})`)
  return null
}
