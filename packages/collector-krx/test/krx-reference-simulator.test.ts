import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import {
  KRX_PATHS,
  KRX_SCREENS,
  collectEtfPortfolios,
  collectIndexComponents,
  collectOhlcvAndMarketCap,
  collectSectors,
  collectStockMaster,
  createKrxClient,
  type KrxClient,
} from '../src/index.ts'

const MEMBER = { id: 'reference-test', password: 'reference-password' }
const TRADING_DAY = '2025-03-04'
const SATURDAY = '2025-03-08'

// Two simulators: one with the shared recordings (the dateless master recording too, which
// answers any mktId=ALL request), one with none, whose every answer is synthetic.
let recorded: RunningSimulator
let synthetic: RunningSimulator
let emptyFixtures: string

beforeAll(async () => {
  emptyFixtures = mkdtempSync(join(tmpdir(), 'kmd-no-fixtures-'))
  mkdirSync(join(emptyFixtures, 'krx'))
  recorded = await startSimulator({ members: { [MEMBER.id]: MEMBER.password }, stockCount: 300, datelessRecordings: true })
  synthetic = await startSimulator({ members: { [MEMBER.id]: MEMBER.password }, stockCount: 300, fixturesDir: emptyFixtures })
})
afterAll(async () => {
  await Promise.all([recorded.stop(), synthetic.stop()])
  rmSync(emptyFixtures, { recursive: true, force: true })
})
beforeEach(() => {
  recorded.faults.clear()
  synthetic.faults.clear()
})

function krxClient(simulator: RunningSimulator): KrxClient {
  return createKrxClient(
    { krx: { baseUrl: simulator.url, memberId: MEMBER.id, memberPassword: MEMBER.password, maxRequestsPerSecond: 1_000 }, httpTimeoutMs: 5_000 },
    { retries: 2, minRetryDelayMs: 1 },
  )
}

const screenStatusesSince = (simulator: RunningSimulator, start: number) =>
  simulator.requests.slice(start).filter((request) => request.path === KRX_PATHS.data).map((request) => request.status)

describe('stock master against the simulator', () => {
  it('collects the recorded master (2,882 stocks) and the year’s synthetic delistings in one batch', async () => {
    const batch = await collectStockMaster(krxClient(recorded), '2026-04-14')
    const listed = batch.records.filter((record) => record.values.delisting_date === null)
    const delisted = batch.records.filter((record) => record.values.delisting_date !== null)
    expect(listed).toHaveLength(2_882)
    expect(listed.flatMap((record) => record.parseErrors)).toEqual([])
    expect(delisted.map((record) => record.values.delisting_date)).toEqual(['2025-11-18'])
  })

  it('collects the synthetic listing with the codes and ISINs of the price screen, and every delisting since 2015', async () => {
    const client = krxClient(synthetic)
    const batch = await collectStockMaster(client, TRADING_DAY, { delistedSince: '2015-01-01' })
    const { ohlcv } = await collectOhlcvAndMarketCap(client, TRADING_DAY)
    const prices = new Map(ohlcv.records.map((record) => [record.values.stock_code, record.raw.ISU_CD]))

    const listed = batch.records.filter((record) => record.values.delisting_date === null)
    expect(listed).toHaveLength(300)
    expect(listed.flatMap((record) => record.parseErrors)).toEqual([])
    expect(new Map(listed.map((record) => [record.values.stock_code, record.values.isin]))).toEqual(prices)
    expect(listed.some((record) => record.values.market_segment === 'KOSDAQ GLOBAL' || record.values.share_class !== '보통주')).toBe(true)

    const delisted = batch.records.filter((record) => record.values.delisting_date !== null)
    expect(delisted).toHaveLength(9)
    expect(delisted.every((record) => record.values.delisting_reason && record.values.delisting_date! <= TRADING_DAY)).toBe(true)
    // The delisted preferred share's ISIN does not contain its code: null, with the reason.
    const preferred = delisted.filter((record) => record.parseErrors.length > 0)
    expect(preferred.map((record) => [record.values.share_class, record.values.stock_code])).toEqual([['구형우선주', null]])
    expect(delisted.filter((record) => record.values.stock_code !== null)).toHaveLength(8)
  })

  it('logs in again when the session ends between the master and the delisted list', async () => {
    const client = krxClient(synthetic)
    await collectStockMaster(client, TRADING_DAY)
    synthetic.faults.inject({ kind: 'logout', match: { bld: 'MDCSTAT23801' } })
    const start = synthetic.requests.length
    const batch = await collectStockMaster(client, TRADING_DAY)
    expect(batch.records.length).toBeGreaterThan(300)
    expect(screenStatusesSince(synthetic, start)).toEqual([200, 400, 200])
  })
})

describe('sectors against the simulator', () => {
  it('gives every KOSPI and KOSDAQ stock of the price screen exactly one sector', async () => {
    const client = krxClient(synthetic)
    const batch = await collectSectors(client, TRADING_DAY)
    const { ohlcv } = await collectOhlcvAndMarketCap(client, TRADING_DAY)
    const kospiKosdaq = ohlcv.records.filter((record) => record.raw.MKT_ID !== 'KNX').map((record) => record.values.stock_code)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])
    expect(batch.records.map((record) => record.values.stock_code).sort()).toEqual(kospiKosdaq.sort())
    expect(new Set(batch.records.map((record) => record.values.market))).toEqual(new Set(['KOSPI', 'KOSDAQ']))
    expect(new Set(batch.records.map((record) => record.values.name)).size).toBeGreaterThan(10)
  })

  it('reports a weekend as a closed market', async () => {
    expect(await collectSectors(krxClient(synthetic), SATURDAY)).toMatchObject({ nonTradingDay: true, records: [] })
  })
})

describe('index constituents against the simulator', () => {
  it('shows one stock leaving and one joining each index across the June rebalance', async () => {
    const client = krxClient(synthetic)
    const before = await collectIndexComponents(client, '2025-06-13')
    const after = await collectIndexComponents(client, '2025-06-16')
    for (const index of ['1/028', '2/203']) {
      const members = (batch: typeof before) => new Set(batch.records.filter((record) => record.values.index_code === index).map((record) => record.values.stock_code))
      const [old, current] = [members(before), members(after)]
      expect([...old].filter((code) => !current.has(code)), index).toHaveLength(1)
      expect([...current].filter((code) => !old.has(code)), index).toHaveLength(1)
      expect(current.size).toBe(old.size)
    }
    expect(after.records.every((record) => record.values.snapshot_date === '2025-06-16' && record.parseErrors.length === 0)).toBe(true)
    expect(after.records.find((record) => record.values.index_code === '1/028')!.values.index_name).toBe('코스피 200')
  })

  it('serves the recorded KOSPI constituents of 2021-01-29', async () => {
    const batch = await collectIndexComponents(krxClient(recorded), '2021-01-29', { indexes: ['1/001'] })
    expect(batch.records).toHaveLength(796)
    expect(batch.records[0]!.values.stock_code).toBe('005930')
  })
})

describe('ETF PDFs against the simulator', () => {
  it('loads every ETF of the day, the inverse one with its short futures leg and cash lines as KRX sends them', async () => {
    const batch = await collectEtfPortfolios(krxClient(synthetic), TRADING_DAY)
    const etfs = new Set(batch.records.map((record) => record.values.etf_code))
    expect(batch.requestCount).toBe(1 + etfs.size)
    expect(etfs.size).toBeGreaterThanOrEqual(5)
    expect(batch.records.flatMap((record) => record.parseErrors)).toEqual([])

    const inverse = batch.records.filter((record) => record.values.etf_code === '510010')
    const future = inverse.find((record) => record.values.security_group === 'FU')!
    expect(future.values).toMatchObject({ component_market: 'DRV', component_name: expect.stringMatching(/^코스피200 F \d{6}$/) })
    expect(future.values.component_code).toMatch(/^KR4101[A-Z][369C]000\d$/)
    expect(future.values.component_code).toBe(future.values.component_isin)
    expect(Number(future.values.shares)).toBeLessThan(0)
    expect(Number(future.values.component_amount)).toBeLessThan(0)
    expect(inverse.filter((record) => record.values.shares === null).map((record) => record.values.component_code).sort()).toEqual([
      'CASH00000001',
      'KRD010010001',
    ])

    for (const code of [...etfs].filter((etf) => etf !== '510010')) {
      const lines = batch.records.filter((record) => record.values.etf_code === code)
      expect(lines.reduce((sum, record) => sum + Number(record.values.weight), 0), String(code)).toBeCloseTo(100, 0)
      expect(lines.filter((record) => record.values.security_group === 'ST').every((record) => /^[0-9A-Z]{6}$/.test(record.values.component_code!))).toBe(true)
    }
  })

  it('serves the recorded PDF of ARIRANG 200 on 2021-04-02 when only that ETF is asked for', async () => {
    const batch = await collectEtfPortfolios(krxClient(recorded), '2021-04-02', { etfCodes: ['152100'] })
    expect(batch.records).toHaveLength(201)
    expect(batch.records[0]!.values).toMatchObject({ component_code: '005930', shares: '8140.00' })
  })

  it('reports a weekend without asking for any PDF', async () => {
    const start = synthetic.requests.length
    expect(await collectEtfPortfolios(krxClient(synthetic), SATURDAY)).toMatchObject({ nonTradingDay: true, records: [], requestCount: 1 })
    expect(screenStatusesSince(synthetic, start)).toEqual([200])
  })

  it('gets through a 500, a maintenance page and truncated JSON in the middle of the run', async () => {
    const client = krxClient(synthetic)
    const clean = await collectEtfPortfolios(client, TRADING_DAY, { etfCodes: ['510010', '510020'] })
    for (const kind of ['http500', 'maintenancePage', 'truncatedJson'] as const) {
      synthetic.faults.inject({ kind, match: { bld: KRX_SCREENS.etfPortfolio } })
      const start = synthetic.requests.length
      const batch = await collectEtfPortfolios(client, TRADING_DAY, { etfCodes: ['510010', '510020'] })
      expect(batch.records.map((record) => record.values), kind).toEqual(clean.records.map((record) => record.values))
      expect(screenStatusesSince(synthetic, start), kind).toEqual([200, kind === 'http500' ? 500 : 200, 200, 200])
    }
  })
})
