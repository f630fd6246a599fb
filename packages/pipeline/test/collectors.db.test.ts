import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, seoulDate } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { DEFAULT_INFOMAX_TOKEN, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { createCollectors, DEFAULT_SOURCE_PLAN, plannedSources, runJob, runWithFallback, type CollectorRegistry, type PipelineDeps } from '../src/index.ts'

const testDb = useMigratedDatabase()
const logger = createLogger({ level: 'silent' })
let simulator: RunningSimulator
let deps: () => PipelineDeps
let collectors: CollectorRegistry

// A Tuesday both the simulator's market and the KRX calendar trade on.
const DAY = '2025-11-11'

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: 60 })
  const config = loadConfig({
    KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500',
    INFOMAX_BASE_URL: simulator.url, INFOMAX_API_TOKEN: DEFAULT_INFOMAX_TOKEN, INFOMAX_MAX_REQUESTS_PER_MINUTE: '60000',
    NAVER_BASE_URL: simulator.url, KRX_INDEXES: '1/001', HTTP_TIMEOUT_MS: '2000',
    KIS_BASE_URL: simulator.url, KIS_APP_KEY: 'test-kis-app-key', KIS_APP_SECRET: 'test-kis-app-secret', KIS_TOKEN_CACHE_DIR: '.data/kis-token-test-collectors',
  })
  collectors = createCollectors(config, logger)
  deps = () => ({ database: testDb.current.database, logger, collectors })
})
afterAll(async () => {
  await simulator?.stop()
})

describe('createCollectors wires every source the plan names', () => {
  test('floating shares come from the plan\'s primary, Infomax, for the stocks the master lists', async () => {
    expect((await runJob(deps(), { dataset: 'stocks', source: 'krx', tradeDate: DAY })).status).toBe('SUCCESS')
    const loaded = await runWithFallback(deps(), DEFAULT_SOURCE_PLAN, { dataset: 'floating_shares', tradeDate: DAY })
    expect(loaded.attempts.map((run) => [run.source, run.status, run.message])).toEqual([['infomax', 'SUCCESS', undefined]])
    const stocks = await testDb.current.database.db.selectFrom('stocks').select((eb) => eb.fn.countAll<number>().as('n')).where('is_active', '=', true).executeTakeFirstOrThrow()
    const floating = await testDb.current.database.db.selectFrom('floating_shares').select((eb) => eb.fn.count<number>('stock_code').distinct().as('n')).executeTakeFirstOrThrow()
    expect(Number(floating.n)).toBe(Number(stocks.n))
    expect(loaded.final.promoted).toBe(Number(stocks.n))
  })

  test('KRX_INDEXES decides which indexes KRX is asked for', async () => {
    const before = simulator.requests.length
    const loaded = await runJob(deps(), { dataset: 'index_components', source: 'krx', tradeDate: DAY })
    expect(loaded.status).toBe('SUCCESS')
    const asked = simulator.requests.slice(before).filter((request) => request.form.indIdx !== undefined).map((request) => `${request.form.indIdx}/${request.form.indIdx2}`)
    expect(asked).toEqual(['1/001'])
  })

  test('Infomax index constituents are today\'s only: a past day is refused by name, never stored as that day', async () => {
    const past = await runJob(deps(), { dataset: 'index_components', source: 'infomax', tradeDate: DAY })
    expect(past.status).toBe('FAILED')
    expect(past.message).toMatch(new RegExp(`today's index constituents only \\(${seoulDate()}\\); it cannot load ${DAY}`))
  })

  test('with every source configured, each source the default plan names has a collector for its dataset', () => {
    const missing = Object.keys(DEFAULT_SOURCE_PLAN).flatMap((dataset) =>
      plannedSources(DEFAULT_SOURCE_PLAN, dataset as keyof typeof DEFAULT_SOURCE_PLAN).filter((source) => !collectors[source]?.[dataset as keyof typeof DEFAULT_SOURCE_PLAN]).map((source) => `${dataset} from ${source}`),
    )
    expect(missing).toEqual([])
  })

  test('Infomax stands in for the ETF PDFs of the ETFs production already knows, and says when it knows none', async () => {
    const none = await runJob(deps(), { dataset: 'etf_portfolios', source: 'infomax', tradeDate: DAY })
    expect([none.status, none.message]).toEqual(['FAILED', `Infomax cannot list ETFs, and production holds no portfolios before ${DAY} to say which to ask for: load them from KRX first`])
    // An earlier day's PDFs name two of the vendor's ETFs (the simulated vendor lists its own, 490000 and up).
    const earlier = ['490000', '490010'].map((etf_code) => ({ etf_code, base_date: '2025-11-10', component_code: 'KRD010010001', component_name: '원화예금', source: 'infomax' }))
    await testDb.current.database.db.insertInto('etf_portfolios').values(earlier).execute()
    const loaded = await runJob(deps(), { dataset: 'etf_portfolios', source: 'infomax', tradeDate: DAY })
    expect([loaded.status, loaded.message]).toEqual(['SUCCESS', undefined])
    const etfs = await testDb.current.database.db.selectFrom('etf_portfolios').select('etf_code').distinct().where('base_date', '=', DAY).orderBy('etf_code').execute()
    expect(etfs.map((row) => row.etf_code)).toEqual(['490000', '490010'])
  })
})
