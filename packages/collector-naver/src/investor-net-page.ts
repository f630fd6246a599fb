import { ParseErrors } from '@kmd/core'
import type { CanonicalRecord, Decimal, TradeDate } from '@kmd/core'
import { dataRows, lastPageOf, loadPage, requireTable, type PageRow } from './page-structure.ts'
import { parseNaverDate, parseNaverInteger, parseNaverPercent } from './values.ts'

/**
 * What Naver's frgn.naver says about a stock and a day: only two investor groups' net volumes,
 * 기관 (all institutions together, = KRX 기관합계) and 외국인, plus foreign holdings. These are
 * totals, not KRX's eleven leaf investor groups, so they are not investor_trading rows: they
 * serve cross-source checks (KRX's seven institutional groups should sum to the 기관 figure).
 * Naver's 외국인 is taken to include 기타외국인, as brokers report it; KRX reports the two apart.
 */
export interface NaverInvestorNetValues {
  stock_code: string | null
  time: TradeDate | null
  /** Shares; institutions bought more than they sold when positive. */
  institution_net_volume: number | null
  foreign_net_volume: number | null
  foreign_holding_shares: number | null
  /** Percent of listed shares. */
  foreign_holding_ratio: Decimal | null
}

export interface InvestorNetPage {
  records: Array<CanonicalRecord<NaverInvestorNetValues>>
  lastPage: number
}

const COLUMNS = ['date', 'close', 'change', 'change_rate', 'volume', 'institution_net', 'foreign_net', 'foreign_holding', 'foreign_ratio'] as const
const CHANGE_COLUMN = COLUMNS.indexOf('change')
// The page's first table.type2 is 거래원 정보 (broker ranking); the day table is named by its summary.
const TABLE = 'table.type2[summary*="외국인 기관 순매매"]'

/** Parses a decoded frgn page (20 days, newest first). */
export function parseInvestorNetPage(html: string, stockCode: string): InvestorNetPage {
  const $ = loadPage(html)
  const named = $(TABLE).first()
  const table = requireTable(named.length > 0 ? named : $('table.type2').eq(1), 'foreign/institution table (second table.type2)')
  const records = dataRows($, table, COLUMNS.length, CHANGE_COLUMN).map((row) => investorNetRecordOf(row, stockCode))
  return { records, lastPage: lastPageOf($) }
}

export function investorNetRecordOf(row: PageRow, stockCode: string): CanonicalRecord<NaverInvestorNetValues> {
  const raw = Object.fromEntries(COLUMNS.map((name, index) => [name, row.cells[index] ?? '']))
  const errors = new ParseErrors()
  errors.screenText(raw)
  const keep = errors.keep.bind(errors)
  const values: NaverInvestorNetValues = {
    stock_code: stockCode,
    time: keep('time', parseNaverDate(raw.date!)),
    institution_net_volume: keep('institution_net_volume', parseNaverInteger(raw.institution_net!)),
    foreign_net_volume: keep('foreign_net_volume', parseNaverInteger(raw.foreign_net!)),
    foreign_holding_shares: keep('foreign_holding_shares', parseNaverInteger(raw.foreign_holding!)),
    foreign_holding_ratio: keep('foreign_holding_ratio', parseNaverPercent(raw.foreign_ratio!)),
  }
  return { values, raw: { ...raw, direction: row.direction ?? null, stockCode }, parseErrors: errors.messages }
}
