import type { TradeDate } from '@kmd/core'
import { KRX_INDEXES } from '../reference/index-membership.ts'
import type { EtfDefinition } from '../reference/etfs.ts'
import type { ReferenceMarket } from '../reference/reference-market.ts'
import { textUnit } from '../reference/text-hash.ts'
import { formatNumber, formatRate, NO_VALUE } from '../wire-format.ts'

/**
 * MDCSTAT04301 (13101 ETF 전종목 시세): every ETF's prices, NAV and tracked index on a day. As
 * KRX does on ETF screens, CMPPREVDD_PRC and CMPPREVDD_IDX are unsigned: FLUC_TP_CD (FLUC_TP_CD1
 * for the index) gives the direction. On a closed day every ETF is listed with "-" and
 * FLUC_TP_CD "0".
 */
export const ETF_PRICES_BLD = 'dbms/MDC/STAT/standard/MDCSTAT04301'
export const ETF_PRICES_KEY = 'output'

const ETF_TICK = 5
const SALT = { premium: 21, open: 22, high: 23, low: 24, volume: 25 } as const

export function etfPricesRows(reference: ReferenceMarket, date: TradeDate): string {
  return JSON.stringify(reference.etfs.map((etf) => etfRow(reference, etf, date)))
}

function etfRow(reference: ReferenceMarket, etf: EtfDefinition, date: TradeDate): Record<string, string> {
  const identity = { ISU_SRT_CD: etf.code, ISU_CD: etf.isin, SECUGRP_ID: 'EF', ISU_ABBRV: etf.name }
  const indexName = KRX_INDEXES[etf.indexId]?.name ?? ''
  const day = reference.etfDay(etf, date)
  if (!day) {
    return {
      ...identity,
      ...Object.fromEntries(PRICE_FIELDS.map((field) => [field, NO_VALUE])),
      FLUC_TP_CD: '0',
      LIST_SHRS: formatNumber(etf.listedShares),
      IDX_IND_NM: indexName,
      FLUC_TP_CD1: '0',
    }
  }
  const n = Number(date.replace(/-/g, ''))
  const unit = (salt: number) => textUnit(etf.code, salt, n)
  // Units trade within a small premium or discount to NAV.
  const close = toTick(day.nav * (1 + 0.002 * (unit(SALT.premium) - 0.5)))
  const previousClose = toTick(day.previousNav)
  const open = toTick(previousClose + (close - previousClose) * unit(SALT.open))
  const high = Math.max(open, close) + ETF_TICK * Math.floor(3 * unit(SALT.high))
  const low = Math.max(ETF_TICK, Math.min(open, close) - ETF_TICK * Math.floor(3 * unit(SALT.low)))
  const volume = Math.max(1, Math.round(etf.listedShares * 0.01 * (0.3 + unit(SALT.volume))))
  return {
    ...identity,
    TDD_CLSPRC: formatNumber(close),
    CMPPREVDD_PRC: formatNumber(Math.abs(close - previousClose)),
    FLUC_TP_CD: direction(close, previousClose),
    FLUC_RT: formatRate((100 * (close - previousClose)) / previousClose),
    NAV: day.nav.toFixed(2),
    TDD_OPNPRC: formatNumber(open),
    TDD_HGPRC: formatNumber(high),
    TDD_LWPRC: formatNumber(low),
    ACC_TRDVOL: formatNumber(volume),
    ACC_TRDVAL: formatNumber(Math.round((volume * (open + high + low + close)) / 4)),
    MKTCAP: formatNumber(close * etf.listedShares),
    INVSTASST_NETASST_TOTAMT: formatNumber(Math.round(day.nav * etf.listedShares)),
    LIST_SHRS: formatNumber(etf.listedShares),
    IDX_IND_NM: indexName,
    OBJ_STKPRC_IDX: day.indexLevel.toFixed(2),
    CMPPREVDD_IDX: Math.abs(day.indexLevel - day.previousIndexLevel).toFixed(2),
    FLUC_TP_CD1: direction(day.indexLevel, day.previousIndexLevel),
    FLUC_RT1: formatRate((100 * (day.indexLevel - day.previousIndexLevel)) / day.previousIndexLevel),
  }
}

const PRICE_FIELDS = [
  'TDD_CLSPRC', 'CMPPREVDD_PRC', 'FLUC_RT', 'NAV', 'TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'ACC_TRDVOL', 'ACC_TRDVAL',
  'MKTCAP', 'INVSTASST_NETASST_TOTAMT', 'OBJ_STKPRC_IDX', 'CMPPREVDD_IDX', 'FLUC_RT1',
] as const

function toTick(price: number): number {
  return Math.max(ETF_TICK, Math.round(price / ETF_TICK) * ETF_TICK)
}

function direction(now: number, before: number): string {
  return now > before ? '1' : now < before ? '2' : '3'
}
