import { unitHash } from '../krx/random.ts'
import type { StockSession } from './market-view.ts'
import { toMillions } from './wire.ts'

/**
 * KIS's investor cut (FHPTJ04160001) built from the synthetic market's KRX leaf groups, whose
 * flows are laid out per stock as 11 groups × (sell volume, buy volume, sell value, buy value)
 * in KRX order: 금융투자 보험 투신 사모 은행 기타금융 연기금 기타법인 개인 외국인 기타외국인.
 *
 * KIS names them 증권 (scrt), 보험 (insu), 투신 (ivtr), 사모 (pe_fund), 은행 (bank), 종금 (mrbn),
 * 기금 (fund), 개인 (prsn), 외국인 등록 (frgn_reg) and 비등록 (frgn_nreg), and splits KRX's
 * 기타법인 into 기타법인 (etc_corp) and 기타단체 (etc_orgt). The split is a pure function of
 * (seed, stock, session), so 기타법인 + 기타단체 is exactly KRX's 기타법인 and both cuts sum to
 * zero. Sums: 외국인 (frgn) = 등록 + 비등록, 기관계 (orgn) = the seven institutions, 기타 (etc) =
 * 기타법인 + 기타단체.
 */

export interface Legs {
  sellVolume: number
  buyVolume: number
  /** Won, exact. */
  sellValue: number
  buyValue: number
}

export type KisGroup =
  | 'scrt' | 'insu' | 'ivtr' | 'pe_fund' | 'bank' | 'mrbn' | 'fund' | 'etc_corp' | 'etc_orgt' | 'prsn' | 'frgn_reg' | 'frgn_nreg'
  | 'frgn' | 'orgn' | 'etc'

const LEAVES = 11
const OTHER_CORPORATION_LEAF = 7
const ORGANISATION_SHARE_SALT = 470
const LEAF_GROUPS: ReadonlyArray<[KisGroup, number]> = [
  ['scrt', 0],
  ['insu', 1],
  ['ivtr', 2],
  ['pe_fund', 3],
  ['bank', 4],
  ['mrbn', 5],
  ['fund', 6],
  ['prsn', 8],
  ['frgn_reg', 9],
  ['frgn_nreg', 10],
]
const SUMS: ReadonlyArray<[KisGroup, readonly KisGroup[]]> = [
  ['frgn', ['frgn_reg', 'frgn_nreg']],
  ['orgn', ['scrt', 'insu', 'ivtr', 'pe_fund', 'bank', 'mrbn', 'fund']],
  ['etc', ['etc_corp', 'etc_orgt']],
]

/** Every KIS group's buy and sell legs for one stock and session, in won and shares. */
export function kisGroupLegs(flows: Float64Array, { quote, index, session }: StockSession, seed: number): Record<KisGroup, Legs> {
  const leaf = (g: number): Legs => {
    const at = (index * LEAVES + g) * 4
    return { sellVolume: flows[at]!, buyVolume: flows[at + 1]!, sellValue: flows[at + 2]!, buyValue: flows[at + 3]! }
  }
  const legs = {} as Record<KisGroup, Legs>
  for (const [group, g] of LEAF_GROUPS) legs[group] = leaf(g)

  const corporations = leaf(OTHER_CORPORATION_LEAF)
  const share = 0.15 * unitHash(seed, quote.stock.key, ORGANISATION_SHARE_SALT, session.n)
  const part = (amount: number) => Math.floor(amount * share)
  legs.etc_orgt = {
    sellVolume: part(corporations.sellVolume),
    buyVolume: part(corporations.buyVolume),
    sellValue: part(corporations.sellValue),
    buyValue: part(corporations.buyValue),
  }
  legs.etc_corp = {
    sellVolume: corporations.sellVolume - legs.etc_orgt.sellVolume,
    buyVolume: corporations.buyVolume - legs.etc_orgt.buyVolume,
    sellValue: corporations.sellValue - legs.etc_orgt.sellValue,
    buyValue: corporations.buyValue - legs.etc_orgt.buyValue,
  }
  for (const [total, parts] of SUMS) {
    legs[total] = parts.reduce<Legs>(
      (sum, name) => ({
        sellVolume: sum.sellVolume + legs[name].sellVolume,
        buyVolume: sum.buyVolume + legs[name].buyVolume,
        sellValue: sum.sellValue + legs[name].sellValue,
        buyValue: sum.buyValue + legs[name].buyValue,
      }),
      { sellVolume: 0, buyVolume: 0, sellValue: 0, buyValue: 0 },
    )
  }
  return legs
}

// KIS's field names are irregular (…_ntby_qty or …_ntby_vol; the registered/non-registered
// foreigners' legs are askp/bidp and their net value …_ntby_pbmn). Listed in KIS's order.
const NET_VOLUME_FIELDS: ReadonlyArray<[string, KisGroup]> = [
  ['frgn_ntby_qty', 'frgn'],
  ['frgn_reg_ntby_qty', 'frgn_reg'],
  ['frgn_nreg_ntby_qty', 'frgn_nreg'],
  ['prsn_ntby_qty', 'prsn'],
  ['orgn_ntby_qty', 'orgn'],
  ['scrt_ntby_qty', 'scrt'],
  ['ivtr_ntby_qty', 'ivtr'],
  ['pe_fund_ntby_vol', 'pe_fund'],
  ['bank_ntby_qty', 'bank'],
  ['insu_ntby_qty', 'insu'],
  ['mrbn_ntby_qty', 'mrbn'],
  ['fund_ntby_qty', 'fund'],
  ['etc_ntby_qty', 'etc'],
  ['etc_corp_ntby_vol', 'etc_corp'],
  ['etc_orgt_ntby_vol', 'etc_orgt'],
]
const NET_VALUE_FIELDS: ReadonlyArray<[string, KisGroup]> = [
  ['frgn_reg_ntby_pbmn', 'frgn_reg'],
  ['frgn_ntby_tr_pbmn', 'frgn'],
  ['frgn_nreg_ntby_pbmn', 'frgn_nreg'],
  ['prsn_ntby_tr_pbmn', 'prsn'],
  ['orgn_ntby_tr_pbmn', 'orgn'],
  ['scrt_ntby_tr_pbmn', 'scrt'],
  ['pe_fund_ntby_tr_pbmn', 'pe_fund'],
  ['ivtr_ntby_tr_pbmn', 'ivtr'],
  ['bank_ntby_tr_pbmn', 'bank'],
  ['insu_ntby_tr_pbmn', 'insu'],
  ['mrbn_ntby_tr_pbmn', 'mrbn'],
  ['fund_ntby_tr_pbmn', 'fund'],
  ['etc_ntby_tr_pbmn', 'etc'],
  ['etc_corp_ntby_tr_pbmn', 'etc_corp'],
  ['etc_orgt_ntby_tr_pbmn', 'etc_orgt'],
]
const LEG_GROUPS: readonly KisGroup[] = ['frgn', 'frgn_reg', 'frgn_nreg', 'prsn', 'orgn', 'scrt', 'ivtr', 'pe_fund', 'bank', 'insu', 'mrbn', 'fund', 'etc', 'etc_orgt', 'etc_corp']

/**
 * The flow fields of one output2 row. Volumes in shares; values in 백만원, each rounded from the
 * exact won amount (a net from the exact net), so like KIS's own figures the legs of a group
 * need not subtract to its net exactly and the groups' net values need not sum to zero.
 */
export function flowFields(legs: Record<KisGroup, Legs>): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const [name, group] of NET_VOLUME_FIELDS) fields[name] = String(legs[group].buyVolume - legs[group].sellVolume)
  for (const [name, group] of NET_VALUE_FIELDS) fields[name] = String(toMillions(legs[group].buyValue - legs[group].sellValue))
  for (const group of LEG_GROUPS) {
    const { sellVolume, buyVolume, sellValue, buyValue } = legs[group]
    if (group === 'frgn_reg' || group === 'frgn_nreg') {
      fields[`${group}_askp_qty`] = String(sellVolume)
      fields[`${group}_bidp_qty`] = String(buyVolume)
      fields[`${group}_askp_pbmn`] = String(toMillions(sellValue))
      fields[`${group}_bidp_pbmn`] = String(toMillions(buyValue))
    } else {
      fields[`${group}_seln_vol`] = String(sellVolume)
      fields[`${group}_shnu_vol`] = String(buyVolume)
      fields[`${group}_seln_tr_pbmn`] = String(toMillions(sellValue))
      fields[`${group}_shnu_tr_pbmn`] = String(toMillions(buyValue))
    }
  }
  fields.bold_yn = 'N'
  return fields
}
