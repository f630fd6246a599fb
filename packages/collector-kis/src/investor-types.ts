import type { InvestorType } from '@kmd/core'

/**
 * KIS's investor cut (FHPTJ04160001) mapped onto KRX's eleven leaf groups, the codes of the
 * `investor_types` table. The README explains each choice.
 *
 * KIS splits KRX's 기타법인 into 기타법인 (etc_corp) and 기타단체 (etc_orgt): the ten other groups
 * match KRX's one to one and both cuts sum to zero, so etc_corp + etc_orgt is KRX's 기타법인. It
 * is read from KIS's own 기타 (etc_*) fields, which are that sum, rounded to 백만원 once.
 */

/** The field names of one KIS group: buy and sell legs and net, in shares and in 백만원. */
export interface KisGroupFields {
  sellVolume: string
  buyVolume: string
  netVolume: string
  sellValue: string
  buyValue: string
  netValue: string
}

// KIS's names are irregular: most nets are …_ntby_qty, some …_ntby_vol; the foreigners'
// registered/non-registered legs are askp (sell) / bidp (buy) and their net value …_ntby_pbmn.
const group = (prefix: string, netVolume = `${prefix}_ntby_qty`): KisGroupFields => ({
  sellVolume: `${prefix}_seln_vol`,
  buyVolume: `${prefix}_shnu_vol`,
  netVolume,
  sellValue: `${prefix}_seln_tr_pbmn`,
  buyValue: `${prefix}_shnu_tr_pbmn`,
  netValue: `${prefix}_ntby_tr_pbmn`,
})
const foreignGroup = (prefix: string): KisGroupFields => ({
  sellVolume: `${prefix}_askp_qty`,
  buyVolume: `${prefix}_bidp_qty`,
  netVolume: `${prefix}_ntby_qty`,
  sellValue: `${prefix}_askp_pbmn`,
  buyValue: `${prefix}_bidp_pbmn`,
  netValue: `${prefix}_ntby_pbmn`,
})

export interface KisInvestorMapping {
  investorType: InvestorType
  /** KIS's group(s), as named in its field prefixes. */
  kisGroup: string
  nameKo: string
  fields: KisGroupFields
}

export const KIS_INVESTOR_MAPPING: readonly KisInvestorMapping[] = [
  { investorType: 'financial_investment', kisGroup: 'scrt', nameKo: '증권 (= 금융투자)', fields: group('scrt') },
  { investorType: 'insurance', kisGroup: 'insu', nameKo: '보험', fields: group('insu') },
  { investorType: 'investment_trust', kisGroup: 'ivtr', nameKo: '투자신탁', fields: group('ivtr') },
  { investorType: 'private_equity', kisGroup: 'pe_fund', nameKo: '사모펀드', fields: group('pe_fund', 'pe_fund_ntby_vol') },
  { investorType: 'bank', kisGroup: 'bank', nameKo: '은행', fields: group('bank') },
  { investorType: 'other_financial', kisGroup: 'mrbn', nameKo: '종금 (= 기타금융)', fields: group('mrbn') },
  { investorType: 'pension_fund', kisGroup: 'fund', nameKo: '기금 (= 연기금 등)', fields: group('fund') },
  { investorType: 'other_corporation', kisGroup: 'etc (= etc_corp + etc_orgt)', nameKo: '기타 (= 기타법인 + 기타단체)', fields: group('etc') },
  { investorType: 'individual', kisGroup: 'prsn', nameKo: '개인', fields: group('prsn') },
  { investorType: 'foreign', kisGroup: 'frgn_reg', nameKo: '외국인 등록', fields: foreignGroup('frgn_reg') },
  { investorType: 'other_foreign', kisGroup: 'frgn_nreg', nameKo: '외국인 비등록 (= 기타외국인)', fields: foreignGroup('frgn_nreg') },
]
