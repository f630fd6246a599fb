import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { isTradingDay, tradingDaysBetween } from '@kmd/core'
import { KIS_ROUTES, startSimulator, type RunningSimulator } from '../src/index.ts'
import { krxNumber, loggedInClient, type KrxTestClient, type Row } from './krx-test-client.ts'
import { kisClientWithToken, rowsOf, type KisRow, type KisTestClient } from './kis-test-client.ts'

const { dailyChart, investorDaily, holidays } = KIS_ROUTES
const DAY = '20250304'

let simulator: RunningSimulator
let kis: KisTestClient
let krx: KrxTestClient
let krxDay: Row[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300 })
  simulator.kis.configure({ requestsPerSecond: Infinity })
  kis = await kisClientWithToken(simulator.url)
  krx = await loggedInClient(simulator.url)
  krxDay = await krx.dayPrices(DAY)
})
afterAll(() => simulator.stop())
// The defaults of the settings the tests change, restored before each.
beforeEach(() => simulator.kis.configure({ requestsPerSecond: Infinity, investorPageSize: 30, investorHistorySessions: 100, holidayHorizonDays: 370 }))

const chartQuery = (code: string, from: string, to: string, extra: Record<string, string> = {}) => ({
  FID_COND_MRKT_DIV_CODE: 'J',
  FID_INPUT_ISCD: code,
  FID_INPUT_DATE_1: from,
  FID_INPUT_DATE_2: to,
  FID_PERIOD_DIV_CODE: 'D',
  FID_ORG_ADJ_PRC: '1',
  ...extra,
})
const investorQuery = (code: string, date: string) => ({ FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: code, FID_INPUT_DATE_1: date, FID_ORG_ADJ_PRC: '', FID_ETC_CLS_CODE: '' })
const num = (text: string | undefined) => {
  if (text === undefined || !/^-?\d+(\.\d+)?$/.test(text)) throw new Error(`not a KIS number: ${JSON.stringify(text)}`)
  return Number(text)
}
const tradedKrxRows = () => krxDay.filter((row) => row.ACC_TRDVOL !== '0')

describe('the KIS daily chart (FHKST03010100)', () => {
  test('agrees with the KRX screen on every price, volume and value of a day', async () => {
    for (const row of krxDay.slice(0, 40)) {
      const [bar] = rowsOf(await kis.get(dailyChart.path, dailyChart.trId, chartQuery(row.ISU_SRT_CD!, DAY, DAY)), 'output2')
      expect(bar).toMatchObject({
        stck_bsop_date: DAY,
        stck_clpr: String(krxNumber(row.TDD_CLSPRC)),
        stck_oprc: String(krxNumber(row.TDD_OPNPRC)),
        stck_hgpr: String(krxNumber(row.TDD_HGPRC)),
        stck_lwpr: String(krxNumber(row.TDD_LWPRC)),
        acml_vol: String(krxNumber(row.ACC_TRDVOL)),
        acml_tr_pbmn: String(krxNumber(row.ACC_TRDVAL)),
        prdy_vrss: String(krxNumber(row.CMPPREVDD_PRC)),
      })
      const sign = { '1': '2', '2': '5', '3': '3', '0': '3', '4': '1', '5': '4' }[row.FLUC_TP_CD!]
      expect(bar!.prdy_vrss_sign).toBe(sign)
    }
  })

  test('answers at most the newest 100 sessions of a window, newest first, without separators', async () => {
    const code = tradedKrxRows()[0]!.ISU_SRT_CD!
    const reply = await kis.get(dailyChart.path, dailyChart.trId, chartQuery(code, '20240101', DAY))
    const rows = rowsOf(reply, 'output2')
    const days = tradingDaysBetween('2024-01-01', '2025-03-04').map((date) => date.replace(/-/g, ''))
    expect(rows.map((row) => row.stck_bsop_date)).toEqual(days.slice(-100).reverse())
    expect(reply.trCont).toBeNull()
    for (const row of rows) for (const field of ['stck_clpr', 'acml_vol', 'acml_tr_pbmn']) expect(row[field]).toMatch(/^\d+$/)
    expect(reply.body.output1).toMatchObject({ stck_shrn_iscd: code, stck_prpr: rows[0]!.stck_clpr })
  })

  test('lists a halted stock’s day with zero open, high, low and volume', async () => {
    const halted = krxDay.find((row) => row.ACC_TRDVOL === '0')
    expect(halted).toBeDefined()
    const [bar] = rowsOf(await kis.get(dailyChart.path, dailyChart.trId, chartQuery(halted!.ISU_SRT_CD!, DAY, DAY)), 'output2')
    expect(bar).toMatchObject({ stck_oprc: '0', stck_hgpr: '0', stck_lwpr: '0', acml_vol: '0', stck_clpr: String(krxNumber(halted!.TDD_CLSPRC)) })
  })

  test('has no row on a closed day and refuses malformed windows', async () => {
    const code = krxDay[0]!.ISU_SRT_CD!
    expect(rowsOf(await kis.get(dailyChart.path, dailyChart.trId, chartQuery(code, '20250308', '20250309')), 'output2')).toEqual([])
    const backwards = await kis.get(dailyChart.path, dailyChart.trId, chartQuery(code, '20250310', DAY))
    expect(backwards.body).toMatchObject({ rt_cd: '1', msg_cd: 'OPSQ2001' })
  })

  test('serves the recorded example for its request', async () => {
    const reply = await kis.get(dailyChart.path, dailyChart.trId, {
      fid_cond_mrkt_div_code: 'J',
      fid_input_date_1: '20220411',
      fid_input_date_2: '20220509',
      fid_input_iscd: '000660',
      fid_org_adj_prc: '0',
      fid_period_div_code: 'D',
    })
    expect(reply.body).toMatchObject({ rt_cd: '0', msg_cd: 'MCA00000', output1: { hts_kor_isnm: 'SK하이닉스' } })
    expect(rowsOf(reply, 'output2')).toEqual([expect.objectContaining({ stck_bsop_date: '20220509', stck_clpr: '107500', acml_tr_pbmn: '237914727500' })])
  })
})

describe('the KIS investor flows (FHPTJ04160001)', () => {
  // KRX investor type of each KIS leaf group; 기타법인 + 기타단체 together are KRX's 기타법인.
  const LEAVES: Array<[string, string]> = [
    ['scrt', '1000'],
    ['insu', '2000'],
    ['ivtr', '3000'],
    ['pe_fund', '3100'],
    ['bank', '4000'],
    ['mrbn', '5000'],
    ['fund', '6000'],
    ['prsn', '8000'],
  ]
  const netQty = (row: KisRow, group: string) => num(row[`${group}_ntby_${['pe_fund', 'etc_corp', 'etc_orgt'].includes(group) ? 'vol' : 'qty'}`])

  test('splits the same flows as the KRX screen, in KIS’s groups', async () => {
    const stock = tradedKrxRows().find((row) => row.MKT_ID === 'STK')!
    const code = stock.ISU_SRT_CD!
    const [kisRow] = rowsOf(await kis.get(investorDaily.path, investorDaily.trId, investorQuery(code, DAY)), 'output2')
    expect(kisRow!.stck_bsop_date).toBe(DAY)
    const krxRow = async (type: string) => (await krx.investorRows(DAY, DAY, 'STK', type)).find((row) => row.ISU_SRT_CD === code)!

    for (const [group, type] of LEAVES) {
      const krx = await krxRow(type)
      expect([group, netQty(kisRow!, group)]).toEqual([group, krxNumber(krx.NETBID_TRDVOL)])
      expect([group, num(kisRow![`${group}_seln_vol`])]).toEqual([group, krxNumber(krx.ASK_TRDVOL)])
      expect([group, num(kisRow![`${group}_shnu_tr_pbmn`])]).toEqual([group, Math.round(krxNumber(krx.BID_TRDVAL) / 1e6)])
    }
    const corporations = await krxRow('7100')
    expect(netQty(kisRow!, 'etc_corp') + netQty(kisRow!, 'etc_orgt')).toBe(krxNumber(corporations.NETBID_TRDVOL))
    expect(num(kisRow!.etc_ntby_qty)).toBe(krxNumber(corporations.NETBID_TRDVOL))
    expect(num(kisRow!.frgn_reg_ntby_qty)).toBe(krxNumber((await krxRow('9000')).NETBID_TRDVOL))
    expect(num(kisRow!.frgn_nreg_ntby_qty)).toBe(krxNumber((await krxRow('9001')).NETBID_TRDVOL))
    expect(num(kisRow!.frgn_reg_askp_qty)).toBe(krxNumber((await krxRow('9000')).ASK_TRDVOL))
    expect(kisRow).toMatchObject({ stck_clpr: String(krxNumber(stock.TDD_CLSPRC)), acml_vol: String(krxNumber(stock.ACC_TRDVOL)) })
  })

  test('keeps KIS’s sums and the zero-sum identity in volume', async () => {
    for (const stock of tradedKrxRows().slice(0, 20)) {
      const [row] = rowsOf(await kis.get(investorDaily.path, investorDaily.trId, investorQuery(stock.ISU_SRT_CD!, DAY)), 'output2')
      const q = (group: string) => netQty(row!, group)
      expect(q('orgn')).toBe(['scrt', 'insu', 'ivtr', 'pe_fund', 'bank', 'mrbn', 'fund'].reduce((sum, group) => sum + q(group), 0))
      expect(q('frgn')).toBe(q('frgn_reg') + q('frgn_nreg'))
      expect(q('etc')).toBe(q('etc_corp') + q('etc_orgt'))
      expect(q('frgn') + q('prsn') + q('orgn') + q('etc')).toBe(0)
      // Values are in 백만원, each rounded on its own: the groups sum to within a few million won.
      const value = ['frgn_ntby_tr_pbmn', 'prsn_ntby_tr_pbmn', 'orgn_ntby_tr_pbmn', 'etc_ntby_tr_pbmn'].reduce((sum, field) => sum + num(row![field]), 0)
      expect(Math.abs(value)).toBeLessThanOrEqual(2)
    }
  })

  test('pages with tr_cont: F, then M, then D, each page older than the one before', async () => {
    simulator.kis.configure({ investorPageSize: 10, investorHistorySessions: 25 })
    const code = tradedKrxRows()[0]!.ISU_SRT_CD!
    const pages = []
    let reply = await kis.get(investorDaily.path, investorDaily.trId, investorQuery(code, DAY), { tr_cont: '' })
    pages.push(reply)
    while (reply.trCont === 'F' || reply.trCont === 'M') {
      reply = await kis.get(investorDaily.path, investorDaily.trId, investorQuery(code, DAY), { tr_cont: 'N' })
      pages.push(reply)
    }
    expect(pages.map((page) => page.trCont)).toEqual(['F', 'M', 'D'])
    const dates = pages.flatMap((page) => rowsOf(page, 'output2').map((row) => row.stck_bsop_date))
    const expected = tradingDaysBetween('2024-12-01', '2025-03-04').slice(-25).reverse().map((date) => date.replace(/-/g, ''))
    expect(dates).toEqual(expected)

    // A call without tr_cont: N starts over.
    const again = await kis.get(investorDaily.path, investorDaily.trId, investorQuery(code, DAY))
    expect(rowsOf(again, 'output2')[0]!.stck_bsop_date).toBe(DAY)
  })

  test('serves the recorded example for its request', async () => {
    const reply = await kis.get(investorDaily.path, investorDaily.trId, investorQuery('005930', '20250811'))
    expect(reply.trCont).toBe('D')
    expect(rowsOf(reply, 'output2')).toEqual([expect.objectContaining({ stck_bsop_date: '20250811', frgn_ntby_qty: '-2029800', etc_corp_ntby_vol: '915349' })])
  })
})

describe('the KIS holiday calendar (CTCA0903R)', () => {
  test('lists every day with the core calendar’s open days, paged by context keys', async () => {
    const query = { BASS_DT: '20241220', CTX_AREA_NK: '', CTX_AREA_FK: '' }
    const first = await kis.get(holidays.path, holidays.trId, query)
    expect(first.trCont).toBe('F')
    expect(first.body).toMatchObject({ rt_cd: '0', ctx_area_nk: '20250112            ', ctx_area_fk: '20241220            ' })
    const rows = rowsOf(first, 'output')
    expect(rows).toHaveLength(23)
    for (const row of rows) {
      const date = `${row.bass_dt!.slice(0, 4)}-${row.bass_dt!.slice(4, 6)}-${row.bass_dt!.slice(6)}`
      expect(row.opnd_yn).toBe(isTradingDay(date) ? 'Y' : 'N')
      expect(row.sttl_day_yn).toBe(row.opnd_yn)
    }
    // The year-end closing day is a business day on which the market does not open.
    expect(rows.find((row) => row.bass_dt === '20241231')).toMatchObject({ wday_dvsn_cd: '03', bzdy_yn: 'Y', opnd_yn: 'N' })
    expect(rows.find((row) => row.bass_dt === '20241225')).toMatchObject({ bzdy_yn: 'N', opnd_yn: 'N' })
    expect(rows.find((row) => row.bass_dt === '20241222')).toMatchObject({ wday_dvsn_cd: '01', bzdy_yn: 'N', tr_day_yn: 'Y' })

    const second = await kis.get(holidays.path, holidays.trId, { ...query, CTX_AREA_NK: '20250112            ', CTX_AREA_FK: '20241220            ' }, { tr_cont: 'N' })
    expect(second.trCont).toBe('M')
    expect(rowsOf(second, 'output')[0]!.bass_dt).toBe('20250112')
  })

  test('ends with tr_cont D at the horizon', async () => {
    simulator.kis.configure({ holidayHorizonDays: 30 })
    const query = { BASS_DT: '20250101', CTX_AREA_NK: '', CTX_AREA_FK: '' }
    const first = await kis.get(holidays.path, holidays.trId, query)
    const second = await kis.get(holidays.path, holidays.trId, { ...query, CTX_AREA_NK: String(first.body.ctx_area_nk), CTX_AREA_FK: String(first.body.ctx_area_fk) }, { tr_cont: 'N' })
    expect([first.trCont, second.trCont]).toEqual(['F', 'D'])
    expect(rowsOf(second, 'output').at(-1)!.bass_dt).toBe('20250130')
    expect(second.body.ctx_area_nk).toBe('')
  })

  test('serves the recorded page for its request, with more to follow', async () => {
    const reply = await kis.get(holidays.path, holidays.trId, { BASS_DT: '20221227', CTX_AREA_NK: '', CTX_AREA_FK: '' })
    expect(reply.trCont).toBe('F')
    expect(reply.body).toMatchObject({ ctx_area_nk: '20230119            ' })
    expect(rowsOf(reply, 'output').find((row) => row.bass_dt === '20221230')).toMatchObject({ opnd_yn: 'N' })
  })
})
