import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { sessionMinuteBars } from '@kmd/core'
import { KIS_ROUTES, startSimulator, type RunningSimulator } from '../src/index.ts'
import { kisClientWithToken, rowsOf, type KisRow, type KisTestClient } from './kis-test-client.ts'

const { dailyChart, pastMinuteBars, todayMinuteBars } = KIS_ROUTES
const DAY = '20251104'
// 2025-11-05 11:07:30 KST: today's session is under way.
const NOW = new Date('2025-11-05T02:07:30Z')

let simulator: RunningSimulator
let kis: KisTestClient

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300, clock: () => NOW })
  simulator.kis.configure({ requestsPerSecond: Infinity })
  kis = await kisClientWithToken(simulator.url)
})
afterAll(() => simulator.stop())

const pastQuery = (code: string, date: string, hour: string, extra: Record<string, string> = {}) => ({
  FID_COND_MRKT_DIV_CODE: 'J',
  FID_INPUT_ISCD: code,
  FID_INPUT_HOUR_1: hour,
  FID_INPUT_DATE_1: date,
  FID_PW_DATA_INCU_YN: 'N',
  FID_FAKE_TICK_INCU_YN: 'Y',
  ...extra,
})
const past = async (query: Record<string, string>) => rowsOf(await kis.get(pastMinuteBars.path, pastMinuteBars.trId, query), 'output2')
const dailyBar = async (code: string, date: string) =>
  rowsOf(await kis.get(dailyChart.path, dailyChart.trId, { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: code, FID_INPUT_DATE_1: date, FID_INPUT_DATE_2: date, FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: '1' }), 'output2')[0]!

/** A session read backwards as a client pages it: from the close, then from the minute before the oldest bar. */
async function wholeSession(code: string, date: string, extra: Record<string, string> = {}): Promise<{ bars: KisRow[]; calls: number }> {
  const bars: KisRow[] = []
  let hour = '153000'
  let calls = 0
  for (;;) {
    const rows = await past(pastQuery(code, date, hour, extra))
    calls++
    bars.push(...rows)
    if (rows.length < 120) break
    const oldest = rows.at(-1)!.stck_cntg_hour!
    const minutes = Number(oldest.slice(0, 2)) * 60 + Number(oldest.slice(2, 4)) - 1
    hour = `${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}59`
  }
  return { bars: bars.reverse(), calls }
}

describe('the KIS minute bars of past sessions (FHKST03010230)', () => {
  test('a session read in pages of 120 holds every minute once and rebuilds the daily bar exactly', async () => {
    const code = simulator.kis.listedStockCodes()[5]!
    const { bars, calls } = await wholeSession(code, DAY)
    expect(calls).toBe(4)
    const expected = sessionMinuteBars('2025-11-04').map((minute) => `${minute.replace(':', '')}00`)
    expect(bars.map((bar) => bar.stck_cntg_hour)).toEqual(expected)
    expect(new Set(bars.map((bar) => bar.stck_bsop_date))).toEqual(new Set([DAY]))
    const day = await dailyBar(code, DAY)
    const numbers = (field: string) => bars.map((bar) => Number(bar[field]))
    expect(bars[0]!.stck_oprc).toBe(day.stck_oprc)
    expect(bars.at(-1)!.stck_prpr).toBe(day.stck_clpr)
    expect(Math.max(...numbers('stck_hgpr'))).toBe(Number(day.stck_hgpr))
    expect(Math.min(...numbers('stck_lwpr'))).toBe(Number(day.stck_lwpr))
    expect(numbers('cntg_vol').reduce((a, b) => a + b, 0)).toBe(Number(day.acml_vol))
    // acml_tr_pbmn accumulates the day's value up to the minute.
    expect(bars.at(-1)!.acml_tr_pbmn).toBe(day.acml_tr_pbmn)
    expect(numbers('acml_tr_pbmn').every((value, i, all) => i === 0 || value >= all[i - 1]!)).toBe(true)
  })

  test('answers the newest bars at or before the hour asked, newest first; minutes without a trade only when asked for', async () => {
    const code = simulator.kis.listedStockCodes()[5]!
    const rows = await past(pastQuery(code, DAY, '100559'))
    expect(rows).toHaveLength(66)
    expect(rows.map((row) => row.stck_cntg_hour).slice(0, 2)).toEqual(['100500', '100400'])
    expect(rows.at(-1)!.stck_cntg_hour).toBe('090000')
    const traded = await wholeSession(code, DAY, { FID_FAKE_TICK_INCU_YN: 'N' })
    const all = await wholeSession(code, DAY)
    expect(traded.bars).toEqual(all.bars.filter((bar) => bar.cntg_vol !== '0'))
  })

  test('with FID_PW_DATA_INCU_YN Y the earlier session fills the page', async () => {
    const code = simulator.kis.listedStockCodes()[5]!
    const rows = await past(pastQuery(code, DAY, '091059', { FID_PW_DATA_INCU_YN: 'Y' }))
    expect(rows).toHaveLength(120)
    expect(rows[10]!.stck_bsop_date).toBe(DAY)
    expect(rows[11]).toMatchObject({ stck_bsop_date: '20251103', stck_cntg_hour: '153000' })
  })

  test('a halted day, a closed day and a day over a year old have no bars; malformed queries are refused', async () => {
    const codes = simulator.kis.listedStockCodes()
    let halted: string | undefined
    for (const code of codes) {
      if ((await dailyBar(code, DAY)).acml_vol === '0') {
        halted = code
        break
      }
    }
    if (halted) expect(await past(pastQuery(halted, DAY, '153000'))).toEqual([])
    expect(await past(pastQuery(codes[5]!, '20251101', '153000'))).toEqual([])
    expect(await past(pastQuery(codes[5]!, '20241030', '153000'))).toEqual([])
    expect((await past(pastQuery(codes[5]!, '20241106', '153000'))).length).toBe(120)
    const reply = await kis.get(pastMinuteBars.path, pastMinuteBars.trId, pastQuery(codes[5]!, DAY, '1530'))
    expect(reply.body).toMatchObject({ rt_cd: '1', msg_cd: 'OPSQ2001' })
  })
})

describe('the KIS minute bars of today (FHKST03010200)', () => {
  test('answers at most 30 of today’s bars up to now, the same as the past-session API gives for today', async () => {
    const code = simulator.kis.listedStockCodes()[5]!
    const reply = await kis.get(todayMinuteBars.path, todayMinuteBars.trId, { FID_ETC_CLS_CODE: '', FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: code, FID_INPUT_HOUR_1: '153000', FID_PW_DATA_INCU_YN: 'N' })
    const rows = rowsOf(reply, 'output2')
    expect(rows.length).toBeLessThanOrEqual(30)
    expect(rows.length).toBeGreaterThan(0)
    expect(rows[0]!.stck_cntg_hour! <= '110730').toBe(true)
    expect(new Set(rows.map((row) => row.stck_bsop_date))).toEqual(new Set(['20251105']))
    const sameMinutes = await past(pastQuery(code, '20251105', rows[0]!.stck_cntg_hour!, { FID_FAKE_TICK_INCU_YN: 'N' }))
    expect(rows).toEqual(sameMinutes.slice(0, rows.length))
  })
})
