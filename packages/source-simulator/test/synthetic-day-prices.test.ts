import { previousTradingDay, type Market } from '@kmd/core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '../src/index.ts'
import { isinCheckDigit } from '../src/krx/isin.ts'
import { SessionGrid } from '../src/krx/session-grid.ts'
import { DAY_PRICES_BLD, krxNumber, loggedInClient, type KrxTestClient, type Row } from './krx-test-client.ts'

const FIELDS = [
  'ISU_SRT_CD', 'ISU_CD', 'ISU_ABBRV', 'MKT_NM', 'SECT_TP_NM', 'TDD_CLSPRC', 'FLUC_TP_CD', 'CMPPREVDD_PRC', 'FLUC_RT',
  'TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'ACC_TRDVOL', 'ACC_TRDVAL', 'MKTCAP', 'LIST_SHRS', 'MKT_ID',
]
// 2024-03-04 is a Monday after the 삼일절 holiday: its previous trading day is Thursday 2024-02-29.
const SESSIONS = ['20240229', '20240304', '20240305', '20240306', '20240307', '20240308', '20240311', '20240312']
// Sessions under the older rules: the KOSPI and KOSDAQ tick tables, and the ±15% limit before
// 2015-06-15 up to the day it became ±30%. (2021-01-04 is the recorded real answer, not synthetic.)
const SESSIONS_2022 = ['20220404', '20220405', '20220406', '20220407', '20220408', '20220411', '20220412', '20220413']
const SESSIONS_2015 = ['20150609', '20150610', '20150611', '20150612', '20150615', '20150616', '20150617', '20150618']
const PINNED_CLOCK = () => new Date('2026-01-25T11:27:14Z')

let simulator: RunningSimulator
let client: KrxTestClient
const days = new Map<string, Row[]>()

beforeAll(async () => {
  simulator = await startSimulator({ seed: 11, clock: PINNED_CLOCK })
  client = await loggedInClient(simulator.url)
  for (const day of [...SESSIONS, ...SESSIONS_2022, ...SESSIONS_2015]) days.set(day, await client.dayPrices(day))
})
afterAll(() => simulator.stop())

const byCode = (rows: Row[]) => new Map(rows.map((row) => [row.ISU_SRT_CD!, row]))
const traded = (row: Row) => row.FLUC_TP_CD !== '0'
/** The KRX price rules of a row's stock on a session (`YYYYMMDD`). */
const gridOf = (row: Row, day: string) => new SessionGrid(row.MKT_NM as Market, `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`)

describe('the synthetic listing', () => {
  test('a trading day lists about 2,700 stocks: ~950 KOSPI, ~1,650 KOSDAQ, ~120 KONEX, with unique codes', () => {
    const rows = days.get('20240304')!
    expect(rows.length).toBeGreaterThanOrEqual(2_650)
    expect(rows.length).toBeLessThanOrEqual(2_750)
    const count = (id: string) => rows.filter((row) => row.MKT_ID === id).length
    expect(count('STK')).toBeGreaterThan(900)
    expect(count('KSQ')).toBeGreaterThan(1_550)
    expect(count('KNX')).toBeGreaterThan(100)
    expect(new Set(rows.map((row) => row.ISU_SRT_CD)).size).toBe(rows.length)
    expect(new Set(rows.map((row) => row.ISU_ABBRV)).size).toBe(rows.length)
  })

  test('rows carry exactly the KRX fields in KRX order, with market names and 소속부 like the real answer', () => {
    for (const row of days.get('20240304')!) {
      expect(Object.keys(row)).toEqual(FIELDS)
      expect(row.MKT_NM).toBe({ STK: 'KOSPI', KSQ: 'KOSDAQ', KNX: 'KONEX' }[row.MKT_ID!])
      if (row.MKT_ID === 'STK') expect(row.SECT_TP_NM).toBe('')
      else expect(row.SECT_TP_NM).not.toBe('')
    }
  })

  test('some codes are alphanumeric and every ISIN is well formed with a valid check digit', () => {
    const rows = days.get('20240304')!
    const alphanumeric = rows.filter((row) => /[A-Z]/.test(row.ISU_SRT_CD!))
    expect(alphanumeric.length).toBeGreaterThan(10)
    for (const row of rows) {
      expect(row.ISU_SRT_CD).toMatch(/^[0-9A-Z]{6}$/)
      expect(row.ISU_CD).toMatch(/^[A-Z]{2}[0-9A-Z]{9}[0-9]$/)
      expect(isinCheckDigit(row.ISU_CD!.slice(0, 11))).toBe(row.ISU_CD!.slice(11))
    }
  })

  test('rows are sorted by name, as KRX sorts them', () => {
    const names = days.get('20240304')!.map((row) => row.ISU_ABBRV!)
    expect(names).toEqual([...names].sort())
  })
})

describe.each([
  ['2024 (one tick table, ±30%)', SESSIONS],
  ['2022 (KOSPI and KOSDAQ tick tables)', SESSIONS_2022],
  ['2015 (±15% until 2015-06-15)', SESSIONS_2015],
])('synthetic prices across sessions of %s', (_, sessions) => {
  test('every close is on the tick grid of its market and day and within the day\'s limit of the previous trading day\'s close', () => {
    const problems: string[] = []
    for (let i = 1; i < sessions.length; i++) {
      const previous = byCode(days.get(sessions[i - 1]!)!)
      for (const row of days.get(sessions[i]!)!) {
        const grid = gridOf(row, sessions[i]!)
        const close = krxNumber(row.TDD_CLSPRC)
        const previousClose = krxNumber(previous.get(row.ISU_SRT_CD!)!.TDD_CLSPRC)
        const change = traded(row) ? close - previousClose : 0
        const rate = ((100 * change) / previousClose).toFixed(2).replace(/^-0\.00$/, '0.00')
        const limit = grid.limitPercent / 100
        if (!grid.isOnGrid(close)) problems.push(`${sessions[i]} ${row.ISU_SRT_CD}: ${close} is off the grid`)
        if (close > previousClose * (1 + limit) || close < previousClose * (1 - limit)) problems.push(`${sessions[i]} ${row.ISU_SRT_CD}: ${previousClose} -> ${close}`)
        if (krxNumber(row.CMPPREVDD_PRC) !== change || row.FLUC_RT !== rate) problems.push(`${sessions[i]} ${row.ISU_SRT_CD}: change ${row.CMPPREVDD_PRC} ${row.FLUC_RT}`)
      }
    }
    expect(problems).toEqual([])
  })

  test('FLUC_TP_CD follows the change: 1 up, 2 down, 3 flat, 4 and 5 exactly at the limits', () => {
    const seen = new Set<string>()
    for (let i = 1; i < sessions.length; i++) {
      const previous = byCode(days.get(sessions[i - 1]!)!)
      for (const row of days.get(sessions[i]!)!) {
        if (!traded(row)) continue
        const grid = gridOf(row, sessions[i]!)
        const close = krxNumber(row.TDD_CLSPRC)
        const previousClose = krxNumber(previous.get(row.ISU_SRT_CD!)!.TDD_CLSPRC)
        const expected =
          close > previousClose ? (close === grid.upperLimit(previousClose) ? '4' : '1') : close < previousClose ? (close === grid.lowerLimit(previousClose) ? '5' : '2') : '3'
        expect(row.FLUC_TP_CD).toBe(expected)
        seen.add(row.FLUC_TP_CD!)
      }
    }
    expect([...seen].sort()).toEqual(['1', '2', '3', '4', '5'])
  })

  test('open, high, low and close are consistent and the value lies within volume × [low, high]', () => {
    const problems: string[] = []
    for (const day of sessions) {
      for (const row of days.get(day)!.filter(traded)) {
        const grid = gridOf(row, day)
        const [open, high, low, close, volume, value] = [
          row.TDD_OPNPRC, row.TDD_HGPRC, row.TDD_LWPRC, row.TDD_CLSPRC, row.ACC_TRDVOL, row.ACC_TRDVAL,
        ].map(krxNumber) as [number, number, number, number, number, number]
        const where = `${day} ${row.ISU_SRT_CD} o${open} h${high} l${low} c${close} v${volume} ${value}`
        if (!(low > 0 && low <= Math.min(open, close) && high >= Math.max(open, close))) problems.push(`OHLC ${where}`)
        if (![open, high, low].every((price) => grid.isOnGrid(price))) problems.push(`grid ${where}`)
        if (!(volume > 0 && value >= volume * low && value <= volume * high)) problems.push(`value ${where}`)
      }
    }
    expect(problems).toEqual([])
  })
})

describe('synthetic prices of single sessions', () => {
  test('before 2023-01-25 KOSDAQ prices above 200,000 move in steps of 100, KOSPI prices in steps of 500', () => {
    const high = (market: string) => SESSIONS_2022.flatMap((day) => days.get(day)!)
      .filter((row) => row.MKT_NM === market && traded(row))
      .map((row) => krxNumber(row.TDD_CLSPRC))
      .filter((close) => close >= 200_000 && close < 500_000)
    expect(high('KOSDAQ').some((close) => close % 500 !== 0)).toBe(true)
    expect(high('KOSPI').length).toBeGreaterThan(0)
    expect(high('KOSPI').every((close) => close % 500 === 0)).toBe(true)
  })

  test('market cap is close × listed shares', () => {
    for (const row of days.get('20240305')!) {
      expect(krxNumber(row.MKTCAP)).toBe(krxNumber(row.TDD_CLSPRC) * krxNumber(row.LIST_SHRS))
    }
  })

  test('halted stocks keep the previous close and report open/high/low 0, volume 0 and FLUC_TP_CD 0', () => {
    const halted = days.get('20240305')!.filter((row) => row.FLUC_TP_CD === '0')
    expect(halted.length).toBeGreaterThan(5)
    const previous = byCode(days.get('20240304')!)
    for (const row of halted) {
      expect([row.TDD_OPNPRC, row.TDD_HGPRC, row.TDD_LWPRC, row.ACC_TRDVOL, row.ACC_TRDVAL, row.CMPPREVDD_PRC]).toEqual(['0', '0', '0', '0', '0', '0'])
      expect(row.FLUC_RT).toBe('0.00')
      expect(row.TDD_CLSPRC).toBe(previous.get(row.ISU_SRT_CD!)!.TDD_CLSPRC)
    }
  })

  test('the fixed sessions used here follow the core calendar', () => {
    expect(previousTradingDay('2024-03-04')).toBe('2024-02-29')
  })
})

describe('closed days and request forms', () => {
  test('a holiday and a weekend list every stock with "-" values, FLUC_TP_CD 3 and listed shares', async () => {
    const open = byCode(days.get('20240304')!)
    for (const closedDay of ['20240301', '20240302']) {
      const rows = await client.dayPrices(closedDay)
      expect(rows).toHaveLength(open.size)
      for (const row of rows) {
        for (const field of ['TDD_CLSPRC', 'CMPPREVDD_PRC', 'FLUC_RT', 'TDD_OPNPRC', 'TDD_HGPRC', 'TDD_LWPRC', 'ACC_TRDVOL', 'ACC_TRDVAL', 'MKTCAP']) {
          expect(row[field]).toBe('-')
        }
        expect(row.FLUC_TP_CD).toBe('3')
        expect(row.LIST_SHRS).toBe(open.get(row.ISU_SRT_CD!)!.LIST_SHRS)
      }
    }
  })

  test('one market on its own is that market\'s part of the all-markets answer', async () => {
    const kosdaq = await client.dayPrices('20240304', 'KSQ')
    expect(kosdaq).toEqual(days.get('20240304')!.filter((row) => row.MKT_ID === 'KSQ'))
  })

  test('answers are JSON served as text/html with KRX\'s CURRENT_DATETIME', async () => {
    const response = await client.data({ bld: DAY_PRICES_BLD, trdDd: '20240304', mktId: 'KNX' })
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const body = JSON.parse(await response.text())
    expect(Object.keys(body)).toEqual(['OutBlock_1', 'CURRENT_DATETIME'])
    expect(body.CURRENT_DATETIME).toBe('2026.01.25 PM 08:27:14')
  })

  test.each([
    ['an unknown bld', { bld: 'dbms/MDC/STAT/standard/MDCSTAT99999', trdDd: '20240304' }],
    ['a date not in YYYYMMDD form', { bld: DAY_PRICES_BLD, trdDd: '2024-03-04', mktId: 'ALL' }],
    ['an impossible date', { bld: DAY_PRICES_BLD, trdDd: '20240230', mktId: 'ALL' }],
    ['an unknown market', { bld: DAY_PRICES_BLD, trdDd: '20240304', mktId: 'NYSE' }],
  ])('%s answers an empty block1, as KRX does for wrong requests', async (_, form) => {
    const response = await client.data(form)
    expect(response.status).toBe(200)
    expect(JSON.parse(await response.text())).toEqual({ block1: [], CURRENT_DATETIME: '2026.01.25 PM 08:27:14' })
  })
})

describe('determinism', () => {
  test('the same seed gives the same body; another seed gives another market', async () => {
    const form = { bld: DAY_PRICES_BLD, trdDd: '20240306', mktId: 'ALL' }
    const first = await (await client.data(form)).text()
    const twin = await startSimulator({ seed: 11, clock: PINNED_CLOCK })
    const other = await startSimulator({ seed: 12, clock: PINNED_CLOCK })
    try {
      const twinBody = await (await (await loggedInClient(twin.url)).data(form)).text()
      const otherBody = await (await (await loggedInClient(other.url)).data(form)).text()
      expect(twinBody).toBe(first)
      expect(otherBody).not.toBe(first)
    } finally {
      await Promise.all([twin.stop(), other.stop()])
    }
  })

  test('a day answers the same whatever was asked before it', async () => {
    const fresh = await startSimulator({ seed: 11, clock: PINNED_CLOCK })
    try {
      // No earlier days requested on this instance: the price path does not depend on history served.
      const rows = await (await loggedInClient(fresh.url)).dayPrices('20240312')
      expect(rows).toEqual(days.get('20240312'))
    } finally {
      await fresh.stop()
    }
  })
})
