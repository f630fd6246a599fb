import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BROWSER_USER_AGENT, INVESTOR_TYPE_DEFINITIONS, lastTradingDays, SchemaViolationError } from '@kmd/core'
import { collectInvestorTrading, collectOhlcvAndMarketCap, createKrxClient, type OhlcvAndMarketCap } from '@kmd/collector-krx'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { NAVER_PATHS, collectNaverInvestorNet, collectNaverOhlcv, collectNaverOhlcvForDate, createNaverClient, type NaverClient } from '../src/index.ts'

const MEMBER = { id: 'naver-test', password: 'naver-password' }
// The simulator's clock: Naver's pages end with the last trading day before it.
const NOW = new Date('2025-03-10T07:00:00Z') // 16:00 KST, a Monday
const TRADING_DAY = '2025-03-04'

let simulator: RunningSimulator
let krxDay: OhlcvAndMarketCap
let codes: string[]

beforeAll(async () => {
  simulator = await startSimulator({ members: { [MEMBER.id]: MEMBER.password }, stockCount: 300, clock: () => NOW })
  const krx = createKrxClient({ krx: { baseUrl: simulator.url, memberId: MEMBER.id, memberPassword: MEMBER.password, maxRequestsPerSecond: 1_000 } })
  krxDay = await collectOhlcvAndMarketCap(krx, TRADING_DAY)
  codes = krxDay.ohlcv.records.filter((record) => (record.values.volume ?? 0) > 0).map((record) => record.values.stock_code!)
})
afterAll(() => simulator.stop())
beforeEach(() => simulator.faults.clear())

function naverClient(): NaverClient {
  return createNaverClient({ naver: { baseUrl: simulator.url, maxRequestsPerSecond: 1_000 }, httpTimeoutMs: 5_000 }, { retries: 2, minRetryDelayMs: 1 })
}

const pageRequestsSince = (start: number, path: string = NAVER_PATHS.dailyPrices) => simulator.requests.slice(start).filter((request) => request.path === path)

describe('Naver daily prices against the simulator', () => {
  it('serves the recorded 005930 page as Naver sent it, read with a browser’s User-Agent', async () => {
    const start = simulator.requests.length
    const history = await collectNaverOhlcv(naverClient(), { stockCode: '005930', from: '2026-09-07', to: '2026-09-11' })
    expect(history.records.map((record) => [record.values.time, record.values.close_price, record.values.change])).toEqual([
      ['2026-09-07', '270000', '14500'],
      ['2026-09-08', '269500', '-500'],
      ['2026-09-09', '269500', '0'],
      ['2026-09-10', '269000', '-500'],
      ['2026-09-11', '259500', '-9500'],
    ])
    const [request] = pageRequestsSince(start)
    expect(request!.query).toEqual({ code: '005930', page: '1' })
    expect(request!.headers['user-agent']).toBe(BROWSER_USER_AGENT)
  })

  it('agrees with the KRX price screen day by day across a page boundary', async () => {
    const code = codes[7]!
    const history = await collectNaverOhlcv(naverClient(), { stockCode: code, from: '2025-02-17', to: TRADING_DAY })
    expect(history.records.map((record) => record.values.time)).toEqual(lastTradingDays(11, TRADING_DAY))
    expect(history.requestCount).toBe(2)
    expect(history.records.flatMap((record) => record.parseErrors)).toEqual([])
    const krx = krxDay.ohlcv.records.find((record) => record.values.stock_code === code)!.values
    expect(history.records.at(-1)!.values).toEqual({ ...krx, trading_value: null, change_rate: null })
  })

  it('reaches a range four years back in a handful of requests', async () => {
    const history = await collectNaverOhlcv(naverClient(), { stockCode: codes[3]!, from: '2021-01-04', to: '2021-01-08' })
    expect(history.records.map((record) => record.values.time)).toEqual(['2021-01-04', '2021-01-05', '2021-01-06', '2021-01-07', '2021-01-08'])
    expect(history.requestCount).toBeLessThanOrEqual(5)
  })

  it('collects one day across stocks as an ohlcv_daily batch from source naver', async () => {
    const batch = await collectNaverOhlcvForDate(naverClient(), TRADING_DAY, codes.slice(0, 5))
    expect(batch).toMatchObject({ dataset: 'ohlcv_daily', source: 'naver', tradeDate: TRADING_DAY, nonTradingDay: false, requestCount: 5 })
    expect(batch.records.map((record) => record.values.stock_code)).toEqual(codes.slice(0, 5))
    expect(batch.records.every((record) => record.values.time === TRADING_DAY && record.values.trading_value === null)).toBe(true)
    expect(await collectNaverOhlcvForDate(naverClient(), '2025-03-08', codes.slice(0, 2))).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('finds no rows for a code Naver does not know', async () => {
    const history = await collectNaverOhlcv(naverClient(), { stockCode: '999990', from: '2025-01-02', to: TRADING_DAY })
    expect(history).toMatchObject({ records: [], requestCount: 1 })
  })

  it('gets through a 500, a 429, an outage page and a page cut off mid-way', async () => {
    const client = naverClient()
    const range = { stockCode: codes[1]!, from: '2025-02-26', to: TRADING_DAY }
    const clean = await collectNaverOhlcv(client, range)
    for (const [kind, status] of [['http500', 500], ['http429', 429], ['maintenancePage', 200], ['truncatedJson', 200]] as const) {
      simulator.faults.inject({ kind, match: { path: NAVER_PATHS.dailyPrices } })
      const start = simulator.requests.length
      const history = await collectNaverOhlcv(client, range)
      expect(history.records, kind).toEqual(clean.records)
      expect(pageRequestsSince(start).map((request) => request.status), kind).toEqual([status, 200])
    }
  }, 20_000)

  it('refuses a malformed stock code or range before asking', async () => {
    await expect(collectNaverOhlcv(naverClient(), { stockCode: '5930', from: '2025-01-01', to: '2025-01-02' })).rejects.toThrow(RangeError)
    await expect(collectNaverOhlcv(naverClient(), { stockCode: '005930', from: '2025-02-01', to: '2025-01-02' })).rejects.toThrow(RangeError)
  })

  it('calls an address Naver does not serve (404) a schema violation, without retrying', async () => {
    const start = simulator.requests.length
    const client = createNaverClient({ naver: { baseUrl: `${simulator.url}/elsewhere`, maxRequestsPerSecond: 1_000 } }, { retries: 2, minRetryDelayMs: 1 })
    await expect(collectNaverOhlcv(client, { stockCode: codes[0]!, from: TRADING_DAY, to: TRADING_DAY })).rejects.toThrow(SchemaViolationError)
    expect(simulator.requests.length - start).toBe(1)
  })
})

describe('Naver institution/foreigner net volumes against the simulator', () => {
  it('matches KRX: 기관 is the seven institutional groups, 외국인 is 외국인 plus 기타외국인', async () => {
    const krx = createKrxClient({ krx: { baseUrl: simulator.url, memberId: MEMBER.id, memberPassword: MEMBER.password, maxRequestsPerSecond: 1_000 } })
    const flows = await collectInvestorTrading(krx, TRADING_DAY)
    const institutional = new Set<string>(INVESTOR_TYPE_DEFINITIONS.filter((type) => type.isInstitution).map((type) => type.investorType))
    const client = naverClient()
    for (const code of codes.slice(0, 4)) {
      const [day] = (await collectNaverInvestorNet(client, { stockCode: code, from: TRADING_DAY, to: TRADING_DAY })).records
      const net = (keep: (type: string) => boolean) =>
        flows.records.filter((record) => record.values.stock_code === code && keep(record.values.investor_type!)).reduce((sum, record) => sum + record.values.net_buy_volume!, 0)
      expect(day!.values).toMatchObject({
        time: TRADING_DAY,
        institution_net_volume: net((type) => institutional.has(type)),
        foreign_net_volume: net((type) => type === 'foreign' || type === 'other_foreign'),
      })
      expect(Number(day!.values.foreign_holding_ratio)).toBeGreaterThan(0)
      expect(day!.parseErrors).toEqual([])
    }
  })

  it('pages twenty days at a time', async () => {
    const start = simulator.requests.length
    const history = await collectNaverInvestorNet(naverClient(), { stockCode: codes[2]!, from: '2025-01-20', to: TRADING_DAY })
    expect(history.records.map((record) => record.values.time)).toEqual(lastTradingDays(history.records.length, TRADING_DAY))
    expect(history.records[0]!.values.time).toBe('2025-01-20')
    expect(pageRequestsSince(start, NAVER_PATHS.investorNetVolumes).map((request) => request.query.page)).toEqual(['1', '2'])
  })
})
