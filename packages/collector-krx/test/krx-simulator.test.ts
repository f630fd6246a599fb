import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AuthenticationError, SchemaViolationError } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import {
  KRX_PATHS,
  KRX_SCREENS,
  collectInvestorTrading,
  collectOhlcvAndMarketCap,
  createKrxClient,
  type KrxClient,
  type KrxClientOptions,
} from '../src/index.ts'

const MEMBER = { id: 'collector-test', password: 'collector-password' }
const TRADING_DAY = '2025-03-04' // a Tuesday
const SATURDAY = '2025-03-08'
const RECORDED_DAY = '2021-01-04' // served from the real recording

let simulator: RunningSimulator

beforeAll(async () => {
  simulator = await startSimulator({ members: { [MEMBER.id]: MEMBER.password }, stockCount: 300 })
})
afterAll(async () => {
  await simulator.stop()
})
beforeEach(() => {
  simulator.faults.clear()
})

function krxClient(member = MEMBER, options: KrxClientOptions = {}): KrxClient {
  return createKrxClient(
    { krx: { baseUrl: simulator.url, memberId: member.id, memberPassword: member.password, maxRequestsPerSecond: 1_000 }, httpTimeoutMs: 5_000 },
    { retries: 2, minRetryDelayMs: 1, ...options },
  )
}

const screenRequestsSince = (start: number) => simulator.requests.slice(start).filter((request) => request.path === KRX_PATHS.data)
const loginsSince = (start: number) => simulator.requests.slice(start).filter((request) => request.path === KRX_PATHS.login)

describe('KRX collectors against the source simulator', () => {
  it('collects a trading day’s prices and market caps without parse errors', async () => {
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(krxClient(), TRADING_DAY)
    expect(ohlcv.nonTradingDay).toBe(false)
    expect(ohlcv.records.length).toBeGreaterThan(200)
    expect(marketCap.records).toHaveLength(ohlcv.records.length)
    expect(ohlcv.records.flatMap((record) => record.parseErrors)).toEqual([])
    for (const { values } of ohlcv.records) {
      if (values.volume === 0) continue
      expect(Number(values.low_price)).toBeLessThanOrEqual(Math.min(Number(values.open_price), Number(values.close_price)))
      expect(Number(values.high_price)).toBeGreaterThanOrEqual(Math.max(Number(values.open_price), Number(values.close_price)))
    }
  })

  it('collects the recorded day exactly as KRX sent it', async () => {
    const { ohlcv } = await collectOhlcvAndMarketCap(krxClient(), RECORDED_DAY)
    expect(ohlcv.records).toHaveLength(2_531)
    expect(ohlcv.records.find((record) => record.values.stock_code === '005930')!.values).toMatchObject({ close_price: '83000', volume: 38_655_276 })
  })

  it('recognises a weekend from KRX’s "-" prices', async () => {
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(krxClient(), SATURDAY)
    expect(ohlcv).toMatchObject({ nonTradingDay: true, records: [] })
    expect(marketCap).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('collects investor flows that net to zero over the eleven investor types', async () => {
    const start = simulator.requests.length
    const batch = await collectInvestorTrading(krxClient(), TRADING_DAY)
    expect(screenRequestsSince(start)).toHaveLength(33)
    expect(batch).toMatchObject({ nonTradingDay: false, requestCount: 33 })
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])

    const netByStock = new Map<string, { volume: number; value: number; types: number }>()
    for (const { values } of batch.records) {
      const sum = netByStock.get(values.stock_code!) ?? { volume: 0, value: 0, types: 0 }
      netByStock.set(values.stock_code!, { volume: sum.volume + values.net_buy_volume!, value: sum.value + values.net_buy_value!, types: sum.types + 1 })
    }
    expect(netByStock.size).toBeGreaterThan(200)
    for (const sum of netByStock.values()) expect(sum).toEqual({ volume: 0, value: 0, types: 11 })
  })

  it('reports a closed market for investor flows on a weekend', async () => {
    expect(await collectInvestorTrading(krxClient(), SATURDAY)).toMatchObject({ nonTradingDay: true, records: [] })
  })

  it('gets through an outage: 500, 429, maintenance page, truncated JSON', async () => {
    const client = krxClient()
    await client.fetchScreen(KRX_SCREENS.allStockPrices, { mktId: 'ALL', trdDd: '20250304' })
    for (const [kind, faultyStatus] of [['http500', 500], ['http429', 429], ['maintenancePage', 200], ['truncatedJson', 200]] as const) {
      simulator.faults.inject({ kind })
      const start = simulator.requests.length
      const { ohlcv } = await collectOhlcvAndMarketCap(client, TRADING_DAY)
      expect(ohlcv.records.length, kind).toBeGreaterThan(200)
      expect(screenRequestsSince(start).map((request) => request.status), kind).toEqual([faultyStatus, 200])
    }
  })

  it('logs in again when KRX ends the session mid-run', async () => {
    const client = krxClient()
    await collectOhlcvAndMarketCap(client, TRADING_DAY)
    const start = simulator.requests.length
    simulator.faults.inject({ kind: 'logout' })

    const { ohlcv } = await collectOhlcvAndMarketCap(client, TRADING_DAY)
    expect(ohlcv.records.length).toBeGreaterThan(200)
    expect(loginsSince(start)).toHaveLength(1)
    expect(screenRequestsSince(start).map((request) => request.status)).toEqual([400, 200])
  })

  it('takes over a session held elsewhere', async () => {
    simulator.faults.setDuplicateLoginFor(MEMBER.id)
    const start = simulator.requests.length
    await collectOhlcvAndMarketCap(krxClient(), TRADING_DAY)
    expect(loginsSince(start).map((request) => request.form.skipDup)).toEqual([undefined, 'Y'])
  })

  it('refuses a wrong password with an AuthenticationError and never asks for data', async () => {
    const start = simulator.requests.length
    const failure = await collectOhlcvAndMarketCap(krxClient({ ...MEMBER, password: 'wrong' }), TRADING_DAY).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(AuthenticationError)
    expect((failure as Error).message).not.toContain('wrong')
    expect(screenRequestsSince(start)).toHaveLength(0)
  })

  it('keeps a corrupted number as null with a parse error instead of failing the batch', async () => {
    simulator.faults.inject({ kind: 'unparsableNumbers' })
    const { ohlcv, marketCap } = await collectOhlcvAndMarketCap(krxClient(), TRADING_DAY)
    const affected = simulator.faults.applied.at(-1)!.affectedCodes
    expect(affected.length).toBeGreaterThan(0)
    const withErrors = [...ohlcv.records, ...marketCap.records].filter((record) => record.parseErrors.length > 0)
    expect(new Set(withErrors.map((record) => record.values.stock_code))).toEqual(new Set(affected))
    expect(withErrors.every((record) => record.parseErrors.every((message) => /^[a-z_]+: not a number \(".*"\)$/.test(message)))).toBe(true)
  })

  it('calls a request KRX does not understand a schema violation, not an empty day', async () => {
    const failure = await krxClient().fetchScreen(KRX_SCREENS.allStockPrices, { mktId: 'XYZ', trdDd: '20250304' }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect((failure as Error).message).toContain('keys present: block1')
  })
})
