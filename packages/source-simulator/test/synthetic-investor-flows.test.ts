import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '../src/index.ts'
import { INVESTOR_BLD, krxBigInt, krxNumber, loggedInClient, type KrxTestClient, type Row } from './krx-test-client.ts'

const LEAF_GROUPS = ['1000', '2000', '3000', '3100', '4000', '5000', '6000', '7100', '8000', '9000', '9001']
const INSTITUTIONS = LEAF_GROUPS.slice(0, 7)
const FIELDS = ['ISU_SRT_CD', 'ISU_NM', 'ASK_TRDVOL', 'BID_TRDVOL', 'NETBID_TRDVOL', 'ASK_TRDVAL', 'BID_TRDVAL', 'NETBID_TRDVAL']
const DAY = '20240305'

let simulator: RunningSimulator
let client: KrxTestClient

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5 })
  client = await loggedInClient(simulator.url)
})
afterAll(() => simulator.stop())

const byCode = (rows: Row[]) => new Map(rows.map((row) => [row.ISU_SRT_CD!, row]))

describe('investor flows of one session (MDCSTAT02401, strtDd = endDd)', () => {
  test.each(['STK', 'KSQ', 'KNX'])('on %s the eleven leaf groups net to exactly zero per stock, in volume and value', async (market) => {
    const totals = new Map<string, { volume: number; value: bigint; sellVolume: number; buyVolume: number }>()
    for (const group of LEAF_GROUPS) {
      for (const row of await client.investorRows(DAY, DAY, market, group)) {
        const total = totals.get(row.ISU_SRT_CD!) ?? { volume: 0, value: 0n, sellVolume: 0, buyVolume: 0 }
        total.volume += krxNumber(row.NETBID_TRDVOL)
        total.value += krxBigInt(row.NETBID_TRDVAL)
        total.sellVolume += krxNumber(row.ASK_TRDVOL)
        total.buyVolume += krxNumber(row.BID_TRDVOL)
        totals.set(row.ISU_SRT_CD!, total)
      }
    }
    const prices = byCode(await client.dayPrices(DAY, market))
    expect(totals.size).toBeGreaterThan(50)
    for (const [code, total] of totals) {
      expect(total.volume, code).toBe(0)
      expect(total.value, code).toBe(0n)
      // Everyone's sells and buys are the session's volume.
      expect(total.sellVolume).toBe(krxNumber(prices.get(code)!.ACC_TRDVOL))
      expect(total.buyVolume).toBe(krxNumber(prices.get(code)!.ACC_TRDVOL))
    }
  })

  test('기관합계 (7050) is the sum of the seven institutional groups', async () => {
    const sums = new Map<string, bigint[]>()
    for (const group of INSTITUTIONS) {
      for (const row of await client.investorRows(DAY, DAY, 'STK', group)) {
        const sum = sums.get(row.ISU_SRT_CD!) ?? FIELDS.slice(2).map(() => 0n)
        FIELDS.slice(2).forEach((field, i) => (sum[i]! += krxBigInt(row[field])))
        sums.set(row.ISU_SRT_CD!, sum)
      }
    }
    const institutions = await client.investorRows(DAY, DAY, 'STK', '7050')
    expect(institutions).toHaveLength(sums.size)
    for (const row of institutions) {
      expect(FIELDS.slice(2).map((field) => krxBigInt(row[field]))).toEqual(sums.get(row.ISU_SRT_CD!))
    }
  })

  test('전체 (9999) has ask = bid = the session\'s volume and value, and zero net', async () => {
    const prices = byCode(await client.dayPrices(DAY, 'STK'))
    const everyone = await client.investorRows(DAY, DAY, 'STK', '9999')
    expect(everyone.length).toBeGreaterThan(800)
    for (const row of everyone) {
      const price = prices.get(row.ISU_SRT_CD!)!
      expect(row.ASK_TRDVOL).toBe(price.ACC_TRDVOL)
      expect(row.BID_TRDVOL).toBe(price.ACC_TRDVOL)
      expect(row.ASK_TRDVAL).toBe(price.ACC_TRDVAL)
      expect(row.BID_TRDVAL).toBe(price.ACC_TRDVAL)
      expect([row.NETBID_TRDVOL, row.NETBID_TRDVAL]).toEqual(['0', '0'])
    }
  })

  test('rows have the KRX fields, net = bid - ask, and come largest net value first', async () => {
    const rows = await client.investorRows(DAY, DAY, 'KSQ', '8000')
    let previous: bigint | undefined
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(FIELDS)
      expect(krxNumber(row.NETBID_TRDVOL)).toBe(krxNumber(row.BID_TRDVOL) - krxNumber(row.ASK_TRDVOL))
      const net = krxBigInt(row.NETBID_TRDVAL)
      expect(net).toBe(krxBigInt(row.BID_TRDVAL) - krxBigInt(row.ASK_TRDVAL))
      if (previous !== undefined) expect(net <= previous).toBe(true)
      previous = net
    }
    expect(rows.some((row) => row.NETBID_TRDVAL!.startsWith('-'))).toBe(true)
  })

  test('stocks that did not trade that session are left out', async () => {
    const halted = (await client.dayPrices(DAY, 'STK')).filter((row) => row.FLUC_TP_CD === '0').map((row) => row.ISU_SRT_CD)
    expect(halted.length).toBeGreaterThan(0)
    const listed = new Set((await client.investorRows(DAY, DAY, 'STK', '9000')).map((row) => row.ISU_SRT_CD))
    for (const code of halted) expect(listed.has(code)).toBe(false)
  })
})

describe('investor flows over a period', () => {
  test('a period is the sum of its sessions, and the closed days in it add nothing', async () => {
    // 2024-02-29 (Thu), 03-01 holiday, 03-02/03 weekend, 03-04 (Mon)
    const period = byCode(await client.investorRows('20240229', '20240304', 'STK', '9000'))
    const first = byCode(await client.investorRows('20240229', '20240229', 'STK', '9000'))
    const second = byCode(await client.investorRows('20240304', '20240304', 'STK', '9000'))
    expect(period.size).toBeGreaterThan(800)
    for (const [code, row] of period) {
      for (const field of FIELDS.slice(2)) {
        const sum = (first.get(code) ? krxBigInt(first.get(code)![field]) : 0n) + (second.get(code) ? krxBigInt(second.get(code)![field]) : 0n)
        expect(krxBigInt(row[field]), `${code} ${field}`).toBe(sum)
      }
    }
  })

  test('a period of closed days only has no rows', async () => {
    expect(await client.investorRows('20240301', '20240303', 'STK', '8000')).toEqual([])
  })

  test.each([
    ['an unknown investor type', { strtDd: DAY, endDd: DAY, mktId: 'STK', invstTpCd: '1234' }],
    ['the ALL market', { strtDd: DAY, endDd: DAY, mktId: 'ALL', invstTpCd: '8000' }],
    ['a reversed period', { strtDd: '20240306', endDd: '20240305', mktId: 'STK', invstTpCd: '8000' }],
  ])('%s answers an empty block1', async (_, form) => {
    const body = JSON.parse(await (await client.data({ bld: INVESTOR_BLD, ...form })).text())
    expect(body.block1).toEqual([])
    expect(body.output).toBeUndefined()
  })
})
