import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '../src/index.ts'
import { krxNumber, loggedInClient, type KrxTestClient, type Row } from './krx-test-client.ts'

const FIXTURES = new URL('../../../../shared/fixtures/krx/', import.meta.url)
const recordedBody = (name: string): string => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')).response.body

const BLD = {
  master: 'dbms/MDC/STAT/standard/MDCSTAT01901',
  delisted: 'dbms/MDC/STAT/issue/MDCSTAT23801',
  sectors: 'dbms/MDC/STAT/standard/MDCSTAT03901',
  index: 'dbms/MDC/STAT/standard/MDCSTAT00601',
  etfPrices: 'dbms/MDC/STAT/standard/MDCSTAT04301',
  etfPdf: 'dbms/MDC/STAT/standard/MDCSTAT05001',
} as const
const DAY = '20250304'

let simulator: RunningSimulator
let client: KrxTestClient
let prices: Row[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 400 })
  client = await loggedInClient(simulator.url)
  prices = await client.dayPrices(DAY)
})
afterAll(() => simulator.stop())

const indexMembers = async (indexId: string, trdDd: string) => {
  const [indIdx, indIdx2] = indexId.split('/')
  return client.rows({ bld: BLD.index, indIdx: indIdx!, indIdx2: indIdx2!, trdDd }, 'output')
}

describe('recorded reference answers', () => {
  test('the all-market master (when asked for), the KOSPI constituents and the ARIRANG 200 PDF are served byte for byte', async () => {
    const recordedMaster = await startSimulator({ stockCount: 400, datelessRecordings: true })
    try {
      const recordedClient = await loggedInClient(recordedMaster.url)
      expect(await (await recordedClient.data({ bld: BLD.master, mktId: 'ALL', share: '1' })).text()).toBe(recordedBody('mdcstat01901-master-all-00.json'))
    } finally {
      await recordedMaster.stop()
    }
    // By default the master is the synthetic market's own, so its stocks are the ones its days trade.
    const master = await client.rows({ bld: BLD.master, mktId: 'ALL', share: '1' }, 'OutBlock_1')
    expect(master.map((row) => row.ISU_SRT_CD).sort()).toEqual(prices.map((row) => row.ISU_SRT_CD).sort())
    expect(await (await client.data({ bld: BLD.index, indIdx: '1', indIdx2: '001', trdDd: '20140502' })).text()).toBe(
      recordedBody('mdcstat00601-index-kospi-01.json'),
    )
    expect(await (await client.data({ bld: BLD.etfPdf, trdDd: '20210402', isuCd: 'KR7152100004' })).text()).toBe(
      recordedBody('mdcstat05001-etf-pdf-152100-00.json'),
    )
  })
})

describe('synthetic stock master (MDCSTAT01901)', () => {
  test('lists each market’s stocks with the codes, ISINs and shares of the price screen', async () => {
    const master = (await Promise.all(['STK', 'KSQ', 'KNX'].map((mktId) => client.rows({ bld: BLD.master, mktId }, 'OutBlock_1')))).flat()
    expect(master).toHaveLength(prices.length)
    const byCode = new Map(prices.map((row) => [row.ISU_SRT_CD, row]))
    for (const row of master) {
      const price = byCode.get(row.ISU_SRT_CD)!
      expect([row.ISU_CD, row.LIST_SHRS, row.ISU_ABBRV]).toEqual([price.ISU_CD, price.LIST_SHRS, price.ISU_ABBRV])
      expect(row.LIST_DD).toMatch(/^(19|20)\d\d\/\d\d\/\d\d$/)
      expect(row.LIST_DD! < '2015/01/01').toBe(true)
    }
    expect(new Set(master.map((row) => row.MKT_TP_NM))).toEqual(new Set(['KOSPI', 'KOSDAQ', 'KOSDAQ GLOBAL', 'KONEX']))
    expect(master.some((row) => row.KIND_STKCERT_TP_NM !== '보통주')).toBe(true)
    expect(master.every((row) => row.PARVAL === '무액면' || /^[\d,]+(\.\d+)?$/.test(row.PARVAL!))).toBe(true)
  })

  test('KOSDAQ with segTpCd=1 keeps the KOSDAQ GLOBAL stocks only', async () => {
    const global = await client.rows({ bld: BLD.master, mktId: 'KSQ', segTpCd: '1' }, 'OutBlock_1')
    expect(global.length).toBeGreaterThan(0)
    expect(new Set(global.map((row) => row.MKT_TP_NM))).toEqual(new Set(['KOSDAQ GLOBAL']))
  })
})

describe('synthetic delisted stocks (MDCSTAT23801)', () => {
  const delisted = (strtDd: string, endDd: string, mktId = 'ALL') => client.rows({ bld: BLD.delisted, mktId, isuCd: 'ALL', isuCd2: 'ALL', strtDd, endDd }, 'output')

  test('lists the stocks delisted in the period, latest first, none of them still listed', async () => {
    const rows = await delisted('20150101', '20261231')
    expect(rows.length).toBeGreaterThanOrEqual(10)
    expect(rows.map((row) => row.DELIST_DD)).toEqual(rows.map((row) => row.DELIST_DD).sort().reverse())
    const listedIsins = new Set(prices.map((row) => row.ISU_CD))
    expect(rows.every((row) => !listedIsins.has(row.ISU_CD) && row.DELIST_RSN_DSC !== '' && row.LIST_DD! < row.DELIST_DD!)).toBe(true)
    expect(rows.every((row) => /^KR7[0-9A-Z]{9}$/.test(row.ISU_CD!))).toBe(true)
    expect(rows.filter((row) => row.DELIST_RSN_DSC === '피흡수합병').every((row) => /^[0-9A-Z]{6}$/.test(row.TO_ISU_SRT_CD!))).toBe(true)
  })

  test('filters by period and market', async () => {
    expect((await delisted('20240101', '20241231')).map((row) => row.DELIST_DD)).toEqual(['2024/06/28'])
    expect((await delisted('20150101', '20261231', 'KNX')).every((row) => row.MKT_NM === 'KONEX')).toBe(true)
    expect(await delisted('20000101', '20101231')).toEqual([])
  })
})

describe('synthetic sectors (MDCSTAT03901)', () => {
  test('gives every KOSPI stock one sector under block1, with the day’s close of the price screen', async () => {
    const rows = await client.rows({ bld: BLD.sectors, trdDd: DAY, mktId: 'STK' }, 'block1')
    const kospi = prices.filter((row) => row.MKT_ID === 'STK')
    expect(rows.map((row) => row.ISU_SRT_CD).sort()).toEqual(kospi.map((row) => row.ISU_SRT_CD).sort())
    const closes = new Map(kospi.map((row) => [row.ISU_SRT_CD, row.TDD_CLSPRC]))
    expect(rows.every((row) => row.TDD_CLSPRC === closes.get(row.ISU_SRT_CD) && row.IDX_IND_NM !== '')).toBe(true)
  })

  test('lists prices as "-" on a closed day', async () => {
    const rows = await client.rows({ bld: BLD.sectors, trdDd: '20250308', mktId: 'KSQ' }, 'block1')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((row) => row.TDD_CLSPRC === '-' && row.IDX_IND_NM !== '')).toBe(true)
  })
})

describe('synthetic index constituents (MDCSTAT00601)', () => {
  test('KOSPI 200 changes at the rebalance: one stock leaves and one joins', async () => {
    const before = new Set((await indexMembers('1/028', '20241213')).map((row) => row.ISU_SRT_CD))
    const after = new Set((await indexMembers('1/028', '20241216')).map((row) => row.ISU_SRT_CD))
    expect([...before].filter((code) => !after.has(code))).toHaveLength(1)
    expect([...after].filter((code) => !before.has(code))).toHaveLength(1)
    // Within a period the membership stands still.
    const later = new Set((await indexMembers('1/028', '20250304')).map((row) => row.ISU_SRT_CD))
    expect(later).toEqual(after)
  })

  test('members are listed common shares, largest market cap first, and the broad index holds the whole market', async () => {
    const rows = await indexMembers('2/203', DAY)
    const byCode = new Map(prices.map((row) => [row.ISU_SRT_CD, row]))
    expect(rows.every((row) => byCode.get(row.ISU_SRT_CD)?.MKT_ID === 'KSQ' && row.ISU_SRT_CD!.endsWith('0'))).toBe(true)
    const caps = rows.map((row) => krxNumber(row.MKTCAP))
    expect(caps).toEqual([...caps].sort((a, b) => b - a))
    expect(await indexMembers('1/001', DAY)).toHaveLength(prices.filter((row) => row.MKT_ID === 'STK').length)
    expect(await indexMembers('9/999', DAY)).toEqual([])
  })
})

describe('synthetic ETFs (MDCSTAT04301, MDCSTAT05001)', () => {
  test('lists the ETFs with ISINs and an unsigned change whose direction is in FLUC_TP_CD', async () => {
    const etfs = await client.rows({ bld: BLD.etfPrices, trdDd: DAY }, 'output')
    expect(etfs.map((row) => row.ISU_SRT_CD)).toContain('152100')
    expect(etfs.find((row) => row.ISU_SRT_CD === '152100')!.ISU_CD).toBe('KR7152100004')
    for (const row of etfs) {
      expect(row.CMPPREVDD_PRC).toMatch(/^[\d,]+$/)
      expect(row.FLUC_TP_CD === '2').toBe(row.FLUC_RT!.startsWith('-'))
    }
    const closed = await client.rows({ bld: BLD.etfPrices, trdDd: '20250308' }, 'output')
    expect(closed.every((row) => row.TDD_CLSPRC === '-' && row.FLUC_TP_CD === '0' && row.LIST_SHRS !== '-')).toBe(true)
  })

  test('an equity ETF’s PDF holds its index’s members and a cash line, weights summing to 100, valued at the day’s closes', async () => {
    const etfs = await client.rows({ bld: BLD.etfPrices, trdDd: DAY }, 'output')
    const kosdaq150 = etfs.find((row) => row.IDX_IND_NM === '코스닥 150')!
    const lines = await client.rows({ bld: BLD.etfPdf, trdDd: DAY, isuCd: kosdaq150.ISU_CD! }, 'output')
    const members = new Set((await indexMembers('2/203', DAY)).map((row) => row.ISU_SRT_CD))
    const stocks = lines.filter((row) => row.SECUGRP_ID === 'ST')
    expect(new Set(stocks.map((row) => row.COMPST_ISU_CD))).toEqual(members)
    const closes = new Map(prices.map((row) => [row.ISU_SRT_CD, krxNumber(row.TDD_CLSPRC)]))
    for (const row of stocks) expect(krxNumber(row.COMPST_AMT)).toBe(krxNumber(row.COMPST_ISU_CU1_SHRS) * closes.get(row.COMPST_ISU_CD)!)
    expect(lines.at(-1)).toMatchObject({ COMPST_ISU_CD: 'KRD010010001', COMPST_ISU_NM: '원화예금', COMPST_ISU_CU1_SHRS: '-', VALU_AMT: '-', MKT_ID: '' })
    expect(lines.reduce((sum, row) => sum + Number(row.COMPST_RTO), 0)).toBeCloseTo(100, 0)
    // The ETF's NAV is its PDF's value per unit.
    const total = lines.reduce((sum, row) => sum + krxNumber(row.COMPST_AMT), 0)
    expect(Number(kosdaq150.NAV)).toBeCloseTo(total / 100_000, 1)
  })

  test('the inverse ETF holds a short KOSPI 200 future (ISIN in the code column) and two cash lines', async () => {
    const etfs = await client.rows({ bld: BLD.etfPrices, trdDd: DAY }, 'output')
    const inverse = etfs.find((row) => row.ISU_ABBRV!.includes('인버스'))!
    const lines = await client.rows({ bld: BLD.etfPdf, trdDd: DAY, isuCd: inverse.ISU_CD! }, 'output')
    expect(lines.map((row) => row.COMPST_ISU_CD)).toEqual([expect.stringMatching(/^KR4101/), 'KRD010010001', 'CASH00000001'])
    const [future, deposit, creationCash] = lines as [Row, Row, Row]
    expect(future).toMatchObject({ MKT_ID: 'DRV', SECUGRP_ID: 'FU', COMPST_ISU_NM: '코스피200 F 202503' })
    expect(future.COMPST_ISU_CD2).toBe(future.COMPST_ISU_CD)
    expect(future.COMPST_ISU_CU1_SHRS).toMatch(/^-[\d,]+\.00$/)
    expect(krxNumber(future.COMPST_AMT)).toBeLessThan(0)
    expect(Number(future.COMPST_RTO)).toBeCloseTo(-100, -1)
    expect([deposit.COMPST_ISU_CU1_SHRS, creationCash.COMPST_ISU_CU1_SHRS, creationCash.COMPST_RTO]).toEqual(['-', '-', '-'])
  })

  test('rolls the future to the next quarter after expiry and answers no PDF on a closed day or for an unknown ISIN', async () => {
    const etfs = await client.rows({ bld: BLD.etfPrices, trdDd: DAY }, 'output')
    const inverse = etfs.find((row) => row.ISU_ABBRV!.includes('인버스'))!.ISU_CD!
    const [afterExpiry] = await client.rows({ bld: BLD.etfPdf, trdDd: '20250314', isuCd: inverse }, 'output')
    expect(afterExpiry!.COMPST_ISU_NM).toBe('코스피200 F 202506')
    expect(await client.rows({ bld: BLD.etfPdf, trdDd: '20250308', isuCd: inverse }, 'output')).toEqual([])
    expect(await client.rows({ bld: BLD.etfPdf, trdDd: DAY, isuCd: 'KR7000000000' }, 'output')).toEqual([])
  })

  test('a form that makes no sense gets KRX’s empty block1', async () => {
    expect(await client.rows({ bld: BLD.delisted, mktId: 'ALL', strtDd: '20250101' }, 'block1')).toEqual([])
    expect(await client.rows({ bld: BLD.sectors, trdDd: DAY, mktId: 'KNX' }, 'block1')).toEqual([])
  })
})
