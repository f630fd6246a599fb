import { readFileSync } from 'node:fs'
import { previousTradingDay, type TradeDate } from '@kmd/core'

/**
 * The recorded day the campaign corrupts: the real MDCSTAT01501 answer of 2021-01-04 (every
 * stock of KOSPI, KOSDAQ and KONEX), and what production needs before it can judge that day:
 * the previous trading day and the stock master, both derived from the recording so they agree
 * with it (previous close = close - change; the master lists every stock of the day).
 */

const FIXTURES = new URL('../../../../../shared/fixtures/krx/', import.meta.url)

export type KrxRow = Record<string, unknown>

interface Recording {
  request: { form: Record<string, string> }
  response: { status: number; contentType: string; body: string }
}

export interface RecordedDay {
  tradeDate: TradeDate
  previousDay: TradeDate
  /** The recorded rows, in the recorded order; never mutated (mutations copy). */
  rows: readonly Readonly<KrxRow>[]
  /** The recorded answer's CURRENT_DATETIME. */
  currentDatetime: string
  /** An honest MDCSTAT01501 answer for the previous trading day, derived from the recording. */
  previousDayRows: KrxRow[]
  /** An MDCSTAT01901 answer listing every stock of the day. */
  masterRows: KrxRow[]
}

function readRecording(name: string): Recording {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Recording
}

const number = (text: unknown): number => Number(String(text).replace(/,/g, ''))
const grouped = (value: number): string => value.toLocaleString('en-US', { maximumFractionDigits: 2 })

export function loadRecordedDay(): RecordedDay {
  const recording = readRecording('mdcstat01501-all-20210104-00')
  const answer = JSON.parse(recording.response.body) as { OutBlock_1: KrxRow[]; CURRENT_DATETIME: string }
  const form = recording.request.form
  const tradeDate = `${form.trdDd!.slice(0, 4)}-${form.trdDd!.slice(4, 6)}-${form.trdDd!.slice(6, 8)}`
  const rows = answer.OutBlock_1.map((row) => Object.freeze({ ...row }))
  return {
    tradeDate,
    previousDay: previousTradingDay(tradeDate),
    rows,
    currentDatetime: answer.CURRENT_DATETIME,
    previousDayRows: rows.map(previousDayRowOf),
    masterRows: masterRowsFor(rows, tradeDate),
  }
}

/** The day before as an honest source would send it: one price all day (the previous close). */
function previousDayRowOf(row: Readonly<KrxRow>): KrxRow {
  const close = number(row.TDD_CLSPRC)
  // CMPPREVDD_PRC is signed ("-3,500" on a fall).
  const change = number(row.CMPPREVDD_PRC)
  const previousClose = close - change
  const volume = number(row.ACC_TRDVOL)
  const traded = volume > 0
  const price = grouped(previousClose)
  return {
    ...row,
    TDD_CLSPRC: price,
    FLUC_TP_CD: '3',
    CMPPREVDD_PRC: '0',
    FLUC_RT: '0.00',
    TDD_OPNPRC: traded ? price : '0',
    TDD_HGPRC: traded ? price : '0',
    TDD_LWPRC: traded ? price : '0',
    ACC_TRDVOL: grouped(volume),
    ACC_TRDVAL: grouped(volume * previousClose),
    MKTCAP: grouped(previousClose * number(row.LIST_SHRS)),
  }
}

/**
 * The recorded master (a later listing) for the stocks it knows, and a row built from the day's
 * answer for the ones delisted since, so every stock of the day is known and listed that day.
 */
function masterRowsFor(rows: readonly Readonly<KrxRow>[], tradeDate: TradeDate): KrxRow[] {
  const recording = readRecording('mdcstat01901-master-all-00')
  const master = (JSON.parse(recording.response.body) as { OutBlock_1: KrxRow[] }).OutBlock_1
  const byCode = new Map(master.map((row) => [String(row.ISU_SRT_CD), row]))
  const listedBy = tradeDate.replace(/-/g, '/')
  return rows.map((row) => {
    const known = byCode.get(String(row.ISU_SRT_CD))
    if (known && String(known.LIST_DD) <= listedBy) return { ...known, LIST_SHRS: row.LIST_SHRS }
    return {
      ISU_CD: row.ISU_CD,
      ISU_SRT_CD: row.ISU_SRT_CD,
      ISU_NM: row.ISU_ABBRV,
      ISU_ABBRV: row.ISU_ABBRV,
      ISU_ENG_NM: '',
      LIST_DD: known?.LIST_DD && String(known.LIST_DD) <= listedBy ? known.LIST_DD : '2000/01/04',
      MKT_TP_NM: row.MKT_NM,
      SECUGRP_NM: '주권',
      SECT_TP_NM: row.SECT_TP_NM ?? '',
      KIND_STKCERT_TP_NM: '보통주',
      PARVAL: known?.PARVAL ?? '500',
      LIST_SHRS: row.LIST_SHRS,
    }
  })
}
