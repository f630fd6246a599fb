import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, seoulDate } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { DEFAULT_INFOMAX_TOKEN, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { createCollectors, DEFAULT_SOURCE_PLAN, loadSourcePlan, plannedSources, planWith, runJob, runWithFallback, type CollectorRegistry, type PipelineDeps, type SourcePlan } from '../src/index.ts'

const testDb = useMigratedDatabase()
const logger = createLogger({ level: 'silent' })
let simulator: RunningSimulator
let deps: () => PipelineDeps
let collectors: CollectorRegistry
let folder: string
let floatingSharesFile: string

// A Tuesday both the simulator's market and the KRX calendar trade on.
const DAY = '2025-11-11'

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'kmd-collectors-'))
  floatingSharesFile = join(folder, 'floating.csv')
  await writeFile(floatingSharesFile, 'stock_code,effective_date,total_shares,floating_shares,floating_ratio\n005930,2025-11-07,5969782550,4460953497,74.73\n')
  simulator = await startSimulator({ port: 0, stockCount: 60 })
  const config = loadConfig({
    KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500',
    INFOMAX_BASE_URL: simulator.url, INFOMAX_API_TOKEN: DEFAULT_INFOMAX_TOKEN, INFOMAX_MAX_REQUESTS_PER_MINUTE: '60000',
    NAVER_BASE_URL: simulator.url, KRX_INDEXES: '1/001', HTTP_TIMEOUT_MS: '2000',
    KIS_BASE_URL: simulator.url, KIS_APP_KEY: 'test-kis-app-key', KIS_APP_SECRET: 'test-kis-app-secret', KIS_TOKEN_CACHE_DIR: '.data/kis-token-test-collectors',
  })
  collectors = createCollectors(config, logger, { files: { floating_shares: floatingSharesFile } })
  deps = () => ({ database: testDb.current.database, logger, collectors })
})
afterAll(async () => {
  await simulator?.stop()
  if (folder) await rm(folder, { recursive: true, force: true })
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

  test('with every source configured and a file given, each source the default plan and the file\'s plan name has a collector for its dataset', () => {
    const missingIn = (plan: SourcePlan) =>
      Object.keys(plan).flatMap((dataset) =>
        plannedSources(plan, dataset as keyof SourcePlan).filter((source) => !collectors[source]?.[dataset as keyof SourcePlan]).map((source) => `${dataset} from ${source}`),
      )
    const filePlan = planWith(DEFAULT_SOURCE_PLAN, 'floating_shares', 'file')
    expect(plannedSources(filePlan, 'floating_shares')).toEqual(['file'])
    expect([...missingIn(DEFAULT_SOURCE_PLAN), ...missingIn(filePlan)]).toEqual([])
  })

  test('source file is there only for a file given: without one it has no collector, and SOURCE_PLAN cannot name it', () => {
    expect(Object.keys(createCollectors(loadConfig({}), logger))).not.toContain('file')
    expect(Object.keys(collectors.file ?? {})).toEqual(['floating_shares'])
    expect(() => loadSourcePlan('{"floating_shares":{"primary":"infomax","fallbacks":["file"]}}')).toThrow(/SOURCE_PLAN\.floating_shares: source "file" is given to `etl import`, not planned/)
  })

  test('the file collector goes through runJob on a closed day under the partition it is given', async () => {
    // 2025-11-09 is a Sunday: a session-bound partition of that day is skipped, a file's is not.
    const sunday = '2025-11-09'
    await testDb.current.database.db
      .insertInto('stocks')
      .values({ stock_code: '005930', isin: 'KR7005930003', name: '삼성전자', market: 'KOSPI', source: 'test' })
      .onConflict((conflict) => conflict.column('stock_code').doNothing())
      .execute()
    const closed = await runJob(deps(), { dataset: 'floating_shares', source: 'infomax', tradeDate: sunday })
    expect([closed.status, closed.message]).toEqual(['SKIPPED', 'non-trading day (weekend)'])
    const loaded = await runJob(deps(), { dataset: 'floating_shares', source: 'file', tradeDate: sunday, partitionKey: `floating.csv@${sunday}` })
    expect([loaded.status, loaded.fetched, loaded.valid, loaded.promoted]).toEqual(['SUCCESS', 1, 1, 1])
    const log = await testDb.current.database.db.selectFrom('data_collection_logs').select(['partition_key', 'collection_date', 'status']).where('run_id', '=', loaded.runId).executeTakeFirstOrThrow()
    expect(log).toEqual({ partition_key: `floating.csv@${sunday}`, collection_date: sunday, status: 'SUCCESS' })
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
