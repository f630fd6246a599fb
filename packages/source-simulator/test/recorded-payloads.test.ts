import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '../src/index.ts'
import { DAY_PRICES_BLD, INVESTOR_BLD, loggedInClient, type KrxTestClient } from './krx-test-client.ts'

const FIXTURES = new URL('../../../../shared/fixtures/krx/', import.meta.url)

function recording(name: string): { response: { status: number; contentType: string; body: string } } {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'))
}

let simulator: RunningSimulator
let client: KrxTestClient

beforeAll(async () => {
  simulator = await startSimulator()
  client = await loggedInClient(simulator.url)
})
afterAll(() => simulator.stop())

describe('recorded KRX answers', () => {
  test('MDCSTAT01501 for 20210104 (all markets) is served byte for byte with its status and content type', async () => {
    const expected = recording('mdcstat01501-all-20210104-00.json').response
    const response = await client.data({ bld: DAY_PRICES_BLD, trdDd: '20210104', mktId: 'ALL' })
    expect(response.status).toBe(expected.status)
    expect(response.headers.get('content-type')).toBe(expected.contentType)
    expect(await response.text()).toBe(expected.body)
  })

  test('MDCSTAT02401 for 개인 on KOSPI, 20210115-20210122, is served byte for byte', async () => {
    const expected = recording('mdcstat02401-netbuy-0-00.json').response
    const response = await client.data({ bld: INVESTOR_BLD, strtDd: '20210115', endDd: '20210122', mktId: 'STK', invstTpCd: '8000' })
    expect(await response.text()).toBe(expected.body)
  })

  test('presentation fields (locale, share, money) do not stop a recording from matching', async () => {
    const expected = recording('mdcstat01501-all-20210104-00.json').response
    const response = await client.data({ bld: DAY_PRICES_BLD, locale: 'ko_KR', trdDd: '20210104', mktId: 'ALL', share: '1', money: '1', csvxls_isNo: 'false' })
    expect(await response.text()).toBe(expected.body)
  })

  test('one market of a recorded day is that market\'s part of the recording', async () => {
    const rows = await client.dayPrices('20210104', 'STK')
    expect(rows).toHaveLength(917)
    expect(new Set(rows.map((row) => row.MKT_ID))).toEqual(new Set(['STK']))
    expect(rows.find((row) => row.ISU_SRT_CD === '095570')?.TDD_CLSPRC).toBe('4,580')
  })

  test('a request that differs from every recording is answered by the synthetic market', async () => {
    const rows = await client.dayPrices('20210105')
    expect(rows.find((row) => row.ISU_SRT_CD === '095570' && row.ISU_ABBRV === 'AJ네트웍스')).toBeUndefined()
    expect(rows.length).toBeGreaterThan(2_600)
  })

  test('an explicit fixtures folder that does not exist is an error', async () => {
    await expect(startSimulator({ fixturesDir: '/nonexistent/fixtures' })).rejects.toThrow(/fixtures directory not found/)
  })
})
