import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CASH_LINE, INFOMAX_PATHS, startSimulator, type RunningSimulator } from '../src/index.ts'
import { infomaxRows, type InfomaxRow } from './infomax-test-client.ts'
import { krxNumber, loggedInClient, type KrxTestClient, type Row } from './krx-test-client.ts'

const DAY = '20250304'
const SATURDAY = '20250308'
const NOW = new Date('2025-06-30T09:00:00Z')
const LEAVES = ['금융투자', '보험', '투신', '사모', '은행', '기타금융', '기금공제', '기타법인', '개인', '외국인', '기타외국인']
const KRX_LEAF_CODE: Record<string, string> = { 개인: '8000', 외국인: '9000', 금융투자: '1000', 기금공제: '6000' }

let simulator: RunningSimulator
let krx: KrxTestClient
let krxDay: Map<string, Row>
let master: InfomaxRow[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 800, clock: () => NOW, infomax: { rateLimit: false } })
  krx = await loggedInClient(simulator.url)
  krxDay = new Map((await krx.dayPrices(DAY)).map((row) => [row.ISU_SRT_CD!, row]))
  master = await infomaxRows(simulator.url, INFOMAX_PATHS.stockCode)
})
afterAll(() => simulator.stop())

const stocks = () => master.filter((row) => row.equity_type === 'ST')
const rowsOfDay = (codes: string[], path = INFOMAX_PATHS.stockHist) => infomaxRows(simulator.url, path, { code: codes.join(','), startDate: DAY, endDate: DAY })

describe('/api/stock/hist agrees with the KRX routes', () => {
  test('every stock’s prices, volume, value and listed shares equal MDCSTAT01501 of the same day', async () => {
    const codes = stocks().map((row) => String(row.code))
    const rows = await rowsOfDay(codes)
    expect(rows).toHaveLength(krxDay.size)
    for (const row of rows) {
      const krxRow = krxDay.get(String(row.code))!
      expect(row, String(row.code)).toMatchObject({
        date: 20250304,
        open_price: krxNumber(krxRow.TDD_OPNPRC),
        high_price: krxNumber(krxRow.TDD_HGPRC),
        low_price: krxNumber(krxRow.TDD_LWPRC),
        close_price: krxNumber(krxRow.TDD_CLSPRC),
        trading_volume: krxNumber(krxRow.ACC_TRDVOL),
        trading_value: krxNumber(krxRow.ACC_TRDVAL),
        listed_shares: krxNumber(krxRow.LIST_SHRS),
        change: krxNumber(krxRow.CMPPREVDD_PRC),
      })
      expect(row.base_price).toBe((row.close_price as number) - (row.change as number))
      expect(row.change_rate).toBeCloseTo(krxNumber(krxRow.FLUC_RT), 2)
    }
  })

  test('a range answers one row per trading day, none for the weekend, in the JSON types public clients read', async () => {
    const [code] = stocks().map((row) => String(row.code))
    const rows = await infomaxRows(simulator.url, INFOMAX_PATHS.stockHist, { code: code!, startDate: '20250303', endDate: '20250310' })
    // 3 March 2025 was a substitute holiday; 8-9 March a weekend.
    expect(rows.map((row) => row.date)).toEqual([20250304, 20250305, 20250306, 20250307, 20250310])
    for (const field of ['open_price', 'close_price', 'trading_volume', 'trading_value', 'listed_shares', 'change_rate']) {
      expect(typeof rows[0]![field], field).toBe('number')
    }
    expect(typeof rows[0]!.code).toBe('string')
  })
})

describe('/api/stock/investor', () => {
  let rows: InfomaxRow[]
  const byLabel = (code: string) => new Map(rows.filter((row) => row.code === code).map((row) => [String(row.investor), row]))

  beforeAll(async () => {
    const codes = stocks().slice(0, 40).map((row) => String(row.code))
    rows = (await Promise.all(codes.map((code) => infomaxRows(simulator.url, INFOMAX_PATHS.stockInvestor, { code, startDate: DAY, endDate: DAY })))).flat()
  })

  test('the eleven leaf labels net to zero in volume per stock, and each side sums to the day’s volume', () => {
    for (const code of new Set(rows.map((row) => String(row.code)))) {
      const labels = byLabel(code)
      const leaves = LEAVES.map((label) => labels.get(label)!)
      const sells = leaves.reduce((sum, row) => sum + (row.ask_volume as number), 0)
      const buys = leaves.reduce((sum, row) => sum + (row.bid_volume as number), 0)
      expect(buys - sells, code).toBe(0)
      expect(buys, code).toBe(krxNumber(krxDay.get(code)!.ACC_TRDVOL))
    }
  })

  test('기관계 and 외국인합 are sums of their leaves; 정부 is a part of 기금공제', () => {
    for (const code of new Set(rows.map((row) => String(row.code)))) {
      const labels = byLabel(code)
      const sum = (names: string[], field: string) => names.reduce((total, name) => total + (labels.get(name)![field] as number), 0)
      expect(labels.get('기관계')!.bid_volume).toBe(sum(LEAVES.slice(0, 7), 'bid_volume'))
      expect(labels.get('외국인합')!.ask_volume).toBe(sum(['외국인', '기타외국인'], 'ask_volume'))
      expect(labels.get('정부')!.bid_volume as number).toBeLessThanOrEqual(labels.get('기금공제')!.bid_volume as number)
    }
  })

  test('values are in 천원: KRX’s won divided by 1,000 and rounded', async () => {
    let compared = 0
    for (const [label, krxCode] of Object.entries(KRX_LEAF_CODE)) {
      const krxRows = new Map((await krx.investorRows(DAY, DAY, 'STK', krxCode)).map((row) => [row.ISU_SRT_CD!, row]))
      for (const row of rows.filter((candidate) => candidate.investor === label && krxRows.has(String(candidate.code)))) {
        compared++
        const krxRow = krxRows.get(String(row.code))!
        expect(row.bid_value, `${label} ${row.code}`).toBe(Math.round(krxNumber(krxRow.BID_TRDVAL) / 1000))
        expect(row.ask_value).toBe(Math.round(krxNumber(krxRow.ASK_TRDVAL) / 1000))
        expect(row.bid_volume).toBe(krxNumber(krxRow.BID_TRDVOL))
      }
    }
    expect(compared).toBeGreaterThan(20)
  })

  test('the investor filter takes labels and the summary’s aliases, and refuses unknown ones', async () => {
    const code = String(rows[0]!.code)
    const some = await infomaxRows(simulator.url, INFOMAX_PATHS.stockInvestor, { code, investor: '개인,연기금', startDate: DAY, endDate: DAY })
    expect(some.map((row) => row.investor)).toEqual(['기금공제', '개인'])
    await expect(infomaxRows(simulator.url, INFOMAX_PATHS.stockInvestor, { code, investor: '외계인', startDate: DAY, endDate: DAY })).rejects.toThrow('error params')
  })
})

describe('/api/stock/code and /api/stock/expired', () => {
  test('list every synthetic stock as ST with its ISIN and market code (1 KOSPI, 7 KOSDAQ, 8 KONEX), plus ETFs as EF', () => {
    const marketCode: Record<string, string> = { STK: '1', KSQ: '7', KNX: '8' }
    expect(stocks()).toHaveLength(krxDay.size)
    for (const row of stocks()) {
      const krxRow = krxDay.get(String(row.code))!
      expect(row).toMatchObject({ kr_name: krxRow.ISU_ABBRV, isin: krxRow.ISU_CD, market: marketCode[krxRow.MKT_ID!] })
      expect(String(row.listed_date)).toMatch(/^(19|20)\d{6}$/)
    }
    expect(master.filter((row) => row.equity_type === 'EF').length).toBeGreaterThan(3)
  })

  test('cut the list at the cap and match code and name anywhere in the text', async () => {
    const capped = await startSimulator({ stockCount: 800, infomax: { rateLimit: false, codeListCap: 100 } })
    try {
      expect(await infomaxRows(capped.url, INFOMAX_PATHS.stockCode, { market: '7' })).toHaveLength(100)
      const withFive = await infomaxRows(capped.url, INFOMAX_PATHS.stockCode, { code: '55', type: 'ST' })
      expect(withFive.length).toBeGreaterThan(0)
      expect(withFive.every((row) => String(row.code).includes('55'))).toBe(true)
    } finally {
      await capped.stop()
    }
  })

  test('list delisted securities by delisting date, the last 365 days by default', async () => {
    const lastYear = await infomaxRows(simulator.url, INFOMAX_PATHS.stockExpired)
    expect(lastYear.length).toBeGreaterThan(0)
    for (const row of lastYear) expect(row.delisted_date as number).toBeGreaterThanOrEqual(20240630)
    const all = await infomaxRows(simulator.url, INFOMAX_PATHS.stockExpired, { startDate: '20000101', endDate: '20301231' })
    expect(all.length).toBeGreaterThan(lastYear.length)
    expect(all.some((row) => row.equity_type === 'EF')).toBe(true)
    expect(all.every((row) => !krxDay.has(String(row.code)))).toBe(true)
  })
})

describe('/api/stock/etf/port, /api/index/constituents, /api/stock/info', () => {
  test('an ETF’s lines are shares per CU valued at the day’s KRX close, then the cash line; etf_value is their sum', async () => {
    const etf = master.find((row) => row.equity_type === 'EF')!
    const lines = await infomaxRows(simulator.url, INFOMAX_PATHS.etfPort, { code: String(etf.code), date: DAY })
    expect(lines.length).toBeGreaterThan(10)
    expect(lines.at(-1)).toMatchObject({ port_code: CASH_LINE.code, port_name: CASH_LINE.name })
    for (const line of lines.slice(0, -1)) {
      expect(line.port_value).toBe((line.port_volume as number) * krxNumber(krxDay.get(String(line.port_code))!.TDD_CLSPRC))
    }
    expect(lines[0]!.etf_value).toBe(lines.reduce((sum, line) => sum + (line.port_value as number), 0))
    expect(await infomaxRows(simulator.url, INFOMAX_PATHS.etfPort, { code: String(etf.code), date: SATURDAY })).toEqual([])
  })

  test('KOSPI 200 holds the 200 largest KOSPI common shares and KOSPI their whole market', async () => {
    const kospi200 = await infomaxRows(simulator.url, INFOMAX_PATHS.indexConstituents, { code: 'K2G01P' })
    const kospi = await infomaxRows(simulator.url, INFOMAX_PATHS.indexConstituents, { code: 'KGG01P' })
    expect(kospi200).toHaveLength(200)
    expect(kospi.length).toBeGreaterThan(200)
    const kospiIsins = new Set(kospi.map((row) => row.isin))
    expect(kospi200.every((row) => kospiIsins.has(row.isin))).toBe(true)
    expect(Object.keys(kospi200[0]!).sort()).toEqual(['isin', 'kr_name'])
    expect(await infomaxRows(simulator.url, INFOMAX_PATHS.indexConstituents, { code: 'XXX01P' })).toEqual([])
  })

  test('the one-day snapshot repeats the day’s prices and carries floating shares within 30-95% of listed shares', async () => {
    const codes = stocks().slice(0, 30).map((row) => String(row.code))
    const info = await infomaxRows(simulator.url, INFOMAX_PATHS.stockInfo, { code: codes.join(','), date: DAY })
    expect(info).toHaveLength(30)
    for (const row of info) {
      expect(row.close_price).toBe(krxNumber(krxDay.get(String(row.code))!.TDD_CLSPRC))
      const ratio = (row.floating_shares as number) / (row.listed_shares as number)
      expect(ratio).toBeGreaterThanOrEqual(0.3)
      expect(ratio).toBeLessThanOrEqual(0.95)
    }
  })
})
