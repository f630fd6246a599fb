import { unitHash } from '../krx/random.ts'

/**
 * The investor rows `/api/stock/investor` answers per stock and day, built from the synthetic
 * market's eleven KRX leaf groups (金融투자 … 기타외국인, in KRX order, see
 * krx/investor-flows.ts) so that Infomax and KRX agree.
 *
 * Labels follow the public summary, with two choices where public clients disagree:
 *   - 기금공제 where the summary says 연기금 (one client found the API answers 기금공제);
 *   - 기타금융 where the summary says 종금저축.
 * Aggregates: 기관계 = the seven institutional groups, 외국인합 = 외국인 + 기타외국인.
 * 정부 is modelled as a breakdown *inside* 기금공제 (KRX's 연기금 등 includes 국가·지자체), so it
 * is never a leaf and the leaves alone net to zero. That is this simulator's reading; the
 * vendor's is not on record.
 */

export interface LabelDefinition {
  label: string
  /** Leaf group indexes (0 = 금융투자 … 10 = 기타외국인) summed into this row. */
  leaves: readonly number[]
  /** For 정부: the share of its one leaf it reports. */
  governmentPart?: true
}

const PENSION_LEAF = 6

export const INFOMAX_INVESTOR_LABELS: readonly LabelDefinition[] = [
  { label: '기관계', leaves: [0, 1, 2, 3, 4, 5, 6] },
  { label: '금융투자', leaves: [0] },
  { label: '보험', leaves: [1] },
  { label: '투신', leaves: [2] },
  { label: '사모', leaves: [3] },
  { label: '은행', leaves: [4] },
  { label: '기타금융', leaves: [5] },
  { label: '기금공제', leaves: [PENSION_LEAF] },
  { label: '정부', leaves: [PENSION_LEAF], governmentPart: true },
  { label: '기타법인', leaves: [7] },
  { label: '개인', leaves: [8] },
  { label: '외국인합', leaves: [9, 10] },
  { label: '외국인', leaves: [9] },
  { label: '기타외국인', leaves: [10] },
]

/** Labels a request's `investor=` filter may name, with the summary's spellings as aliases. */
export const INVESTOR_LABEL_ALIASES: Readonly<Record<string, string>> = { 연기금: '기금공제', 종금저축: '기타금융' }

const GOVERNMENT_SALT = 470

/** The government's part of the pension group's flows for a stock on a day: 10-40%. */
export function governmentShare(seed: number, stockKey: number, n: number): number {
  return 0.1 + 0.3 * unitHash(seed, stockKey, GOVERNMENT_SALT, n)
}
