import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SchemaViolationError, sessionMinuteBars } from '@kmd/core'
import { KIS_ROUTES, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { collectMinuteBars, collectOhlcvDailyForDate, fetchMinuteBarRows, fetchTodayMinuteBarRows, KIS_APIS } from '../src/index.ts'
import { kisClient, newApp } from './kis-simulator.ts'

const DAY = '2025-11-04'
// 2025-11-05 11:07:30 KST.
const NOW = new Date('2025-11-05T02:07:30Z')

let simulator: RunningSimulator
let codes: string[]

beforeAll(async () => {
  simulator = await startSimulator({ stockCount: 300, clock: () => NOW })
  simulator.kis.configure({ requestsPerSecond: Infinity })
  codes = simulator.kis.listedStockCodes()
})
afterAll(() => simulator.stop())
beforeEach(() => simulator.faults.clear())

const requestsSince = (start: number, path: string) => simulator.requests.slice(start).filter((request) => request.path === path)

describe('minute bars of a past session (FHKST03010230)', () => {
  it('reads a whole session in four pages of at most 120, losing and repeating no minute, and the bars rebuild the daily bar', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    const code = codes[5]!
    const start = simulator.requests.length
    const fetched = await fetchMinuteBarRows(client, code, DAY)
    expect(fetched.requestCount).toBe(4)
    expect(requestsSince(start, KIS_ROUTES.pastMinuteBars.path).map((request) => request.query.FID_INPUT_HOUR_1)).toEqual(['153059', '132059', '112059', '092059'])
    expect(fetched.rows.map((row) => row.stck_cntg_hour)).toEqual(sessionMinuteBars(DAY).map((minute) => `${minute.replace(':', '')}00`))
    expect(fetched.untimed).toEqual([])

    const [day] = (await collectOhlcvDailyForDate(client, DAY, [code])).records
    const sum = (field: string) => fetched.rows.reduce((total, row) => total + Number(row[field]), 0)
    expect(sum('cntg_vol')).toBe(day!.values.volume)
    expect(fetched.rows.at(-1)!.acml_tr_pbmn).toBe(String(day!.values.trading_value))
    expect(fetched.rows[0]!.stck_oprc).toBe(day!.values.open_price)
    expect(fetched.rows.at(-1)!.stck_prpr).toBe(day!.values.close_price)
  })

  it('keeps one copy of a bar sent twice', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    const clean = await fetchMinuteBarRows(client, codes[5]!, DAY)
    const applied = simulator.faults.applied.length
    simulator.faults.inject({ kind: 'duplicateRows', match: { path: KIS_ROUTES.pastMinuteBars.path }, times: 2 })
    const doubled = await fetchMinuteBarRows(client, codes[5]!, DAY)
    expect(simulator.faults.applied.slice(applied).map((fault) => fault.kind)).toEqual(['duplicateRows', 'duplicateRows'])
    expect(doubled.rows).toEqual(clean.rows)
  })

  it('fails a stock whose full page does not reach back before the minute asked, instead of looping', async () => {
    // A source whose paging ignores FID_INPUT_HOUR_1: always the same 120 bars, ending at 15:30.
    const page = sessionMinuteBars(DAY).slice(-120).reverse().map((minute) => ({ stck_bsop_date: '20251104', stck_cntg_hour: `${minute.replace(':', '')}00`, stck_prpr: '1000', cntg_vol: '1' }))
    const stuck = { get: async () => ({ body: { rt_cd: '0', output2: page }, trCont: '' }), pages: async function* () {} }
    await expect(fetchMinuteBarRows(stuck as never, codes[5]!, DAY)).rejects.toThrow(SchemaViolationError)
  })

  it('has nothing to read on a closed day and refuses a malformed stock code before calling', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    const start = simulator.requests.length
    expect(await fetchMinuteBarRows(client, codes[5]!, '2025-11-01')).toMatchObject({ rows: [], requestCount: 0 })
    await expect(fetchMinuteBarRows(client, '5930', DAY)).rejects.toThrow(/six characters/)
    expect(requestsSince(start, KIS_APIS.pastMinuteBars.path)).toEqual([])
  })
})

describe("today's minute bars (FHKST03010200)", () => {
  it('reads today up to now in pages of 30, the same bars the past-session API holds for today', async () => {
    const client = kisClient(simulator, await newApp(simulator))
    const code = codes[5]!
    const today = await fetchTodayMinuteBarRows(client, code, NOW)
    expect(today.date).toBe('2025-11-05')
    expect(today.rows.at(-1)!.stck_cntg_hour).toBe('110700')
    expect(today.requestCount).toBeGreaterThan(4)
    const past = await fetchMinuteBarRows(client, code, '2025-11-05')
    const traded = past.rows.filter((row) => row.cntg_vol !== '0' && row.stck_cntg_hour! <= '110700')
    expect(today.rows).toEqual(traded)
  })
})

describe('a session of many stocks (collectMinuteBars)', () => {
  it('spreads the stocks over several app keys, each paced under its own limit', async () => {
    const apps = [await newApp(simulator), await newApp(simulator)]
    const clients = apps.map((app) => kisClient(simulator, app))
    const stocks = codes.slice(0, 12)
    const start = simulator.requests.length
    const collected = await collectMinuteBars(clients, DAY, stocks)
    expect(collected.failed).toEqual([])
    expect(collected.stocks.map((stock) => stock.stockCode)).toEqual(stocks)
    const calls = requestsSince(start, KIS_ROUTES.pastMinuteBars.path)
    expect(collected.requestCount).toBe(calls.length)
    for (const app of apps) expect(calls.filter((request) => request.headers.appkey === app.appKey).length).toBeGreaterThan(8)
    // The same bars as each stock read alone.
    expect(collected.stocks[3]!.rows).toEqual((await fetchMinuteBarRows(clients[0]!, stocks[3]!, DAY)).rows)
  })

  it('sets aside a stock whose reads keep failing, goes on with the others, and reads it again alone', async () => {
    const client = kisClient(simulator, await newApp(simulator), { retries: 1 })
    const stocks = codes.slice(0, 4)
    // The first stock's first call fails twice: its attempt and the client's one retry.
    simulator.faults.inject({ kind: 'http500', match: { path: KIS_ROUTES.pastMinuteBars.path }, times: 2 })
    const once = await collectMinuteBars([client], DAY, stocks, { inFlightPerClient: 1, retryRounds: 0 })
    expect(once.failed.map((failure) => failure.stockCode)).toEqual([stocks[0]])
    expect(once.stocks.map((stock) => stock.stockCode)).toEqual(stocks.slice(1))

    simulator.faults.inject({ kind: 'http500', match: { path: KIS_ROUTES.pastMinuteBars.path }, times: 2 })
    const outcomes: string[] = []
    const retried = await collectMinuteBars([client], DAY, stocks, { inFlightPerClient: 1, onStock: (code, outcome) => outcomes.push(`${code} ${outcome}`) })
    expect(retried.failed).toEqual([])
    expect(retried.stocks.map((stock) => stock.stockCode)).toEqual(stocks)
    // Read last, alone, in the second pass.
    expect(outcomes.at(-1)).toBe(`${stocks[0]} read`)
  })
})
