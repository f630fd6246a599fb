/**
 * KRX `invstTpCd` codes of the eleven leaf investor groups, with the canonical names of the
 * `investor_types` table. 7050 (기관합계) and 9999 (전체) are not here on purpose: they are sums
 * of the leaves, derived downstream, never collected.
 */
export const KRX_INVESTOR_TYPES = [
  { krxCode: '1000', investorType: 'financial_investment', nameKo: '금융투자' },
  { krxCode: '2000', investorType: 'insurance', nameKo: '보험' },
  { krxCode: '3000', investorType: 'investment_trust', nameKo: '투신' },
  { krxCode: '3100', investorType: 'private_equity', nameKo: '사모' },
  { krxCode: '4000', investorType: 'bank', nameKo: '은행' },
  { krxCode: '5000', investorType: 'other_financial', nameKo: '기타금융' },
  { krxCode: '6000', investorType: 'pension_fund', nameKo: '연기금 등' },
  { krxCode: '7100', investorType: 'other_corporation', nameKo: '기타법인' },
  { krxCode: '8000', investorType: 'individual', nameKo: '개인' },
  { krxCode: '9000', investorType: 'foreign', nameKo: '외국인' },
  { krxCode: '9001', investorType: 'other_foreign', nameKo: '기타외국인' },
] as const

export type KrxInvestorType = (typeof KRX_INVESTOR_TYPES)[number]
