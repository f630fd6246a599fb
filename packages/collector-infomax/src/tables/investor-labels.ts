import type { InvestorType } from '@kmd/core'

/**
 * Infomax's investor labels → the eleven leaf groups of KRX (`investor_types`). Labels that
 * are sums of others are not stored: institution totals and the like are derived downstream
 * from the leaves (DESIGN.md), never kept as a second truth.
 *
 * 정부 (government) is not stored either. KRX's leaf 연기금 등 (6000) covers pension funds,
 * mutual-aid funds *and* the state and local governments (국가·지자체), so we read 정부 as a
 * breakdown inside 연기금/기금공제, as KRX has no separate government group. If the live API
 * shows otherwise (the eleven leaves net to a non-zero sum that 정부 accounts for, which the
 * investor_zero_sum validator would reject), fold 정부 into pension_fund here instead.
 */
export type InvestorLabelMeaning = { store: InvestorType } | { skip: string }

export const INFOMAX_INVESTOR_LABELS: Readonly<Record<string, InvestorLabelMeaning>> = {
  금융투자: { store: 'financial_investment' },
  보험: { store: 'insurance' },
  투신: { store: 'investment_trust' },
  사모: { store: 'private_equity' },
  은행: { store: 'bank' },
  // The public summary names 종금저축; the group is KRX's 기타금융 (merchant banks, savings banks, …).
  기타금융: { store: 'other_financial' },
  종금저축: { store: 'other_financial' },
  // The summary says 연기금; one client found the API answers 기금공제. Either is KRX's 연기금 등.
  연기금: { store: 'pension_fund' },
  기금공제: { store: 'pension_fund' },
  기타법인: { store: 'other_corporation' },
  개인: { store: 'individual' },
  외국인: { store: 'foreign' },
  기타외국인: { store: 'other_foreign' },
  기관계: { skip: 'aggregate of the institutional groups' },
  외국인합: { skip: 'aggregate of 외국인 and 기타외국인' },
  정부: { skip: 'breakdown inside 연기금 등 (KRX counts 국가·지자체 there)' },
}
