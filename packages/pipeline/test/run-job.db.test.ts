import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, previousTradingDay } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import { useMigratedDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { rulesFor } from '@kmd/validators'
import { krxCollectors, runJob, type JobSpec, type PipelineDeps } from '../src/index.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let deps: () => PipelineDeps

const STOCKS = 300
const DAY = '2026-11-18' // a Wednesday

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  const config = loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '1000' })
  const logger = createLogger({ level: 'silent' })
  const collectors = { krx: krxCollectors(createKrxClient(config, { logger, retries: 2, minRetryDelayMs: 5 })) }
  deps = () => ({ database: testDb.current.database, logger, collectors })
})
afterAll(async () => {
  await simulator?.stop()
})
beforeEach(() => {
  simulator.faults.clear()
})

const run = (job: Omit<JobSpec, 'source'>) => runJob(deps(), { source: 'krx', ...job })
const db = () => testDb.current.database.db

async function logOf(runId: string) {
  return db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow()
}
async function checksOf(runId: string) {
  return db().selectFrom('data_quality_checks').selectAll().where('run_id', '=', runId).orderBy('id').execute()
}
async function productionCount(table: 'ohlcv_daily' | 'market_cap_daily' | 'investor_trading', date: string) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where time = ${date}`.execute(db())
  return rows[0]!.n
}

describe('runJob against the simulator', () => {
  test('loads a trading day of every daily dataset end to end, with one log row and its checks', async () => {
    const previous = previousTradingDay(DAY)
    for (const dataset of ['ohlcv_daily', 'market_cap_daily', 'investor_trading'] as const) {
      expect((await run({ dataset, tradeDate: previous })).status).toBe('SUCCESS')
    }
    const ohlcv = await run({ dataset: 'ohlcv_daily', tradeDate: DAY })
    expect(ohlcv).toMatchObject({ status: 'SUCCESS', fetched: STOCKS, valid: STOCKS, rejected: 0, promoted: STOCKS })
    expect(Object.keys(ohlcv.timings)).toEqual(['collect', 'stage', 'validate', 'promote', 'ledger'])
    expect(await productionCount('ohlcv_daily', DAY)).toBe(STOCKS)

    const log = await logOf(ohlcv.runId)
    expect(log).toMatchObject({ status: 'SUCCESS', data_type: 'ohlcv_daily', source: 'krx', partition_key: DAY, collection_date: DAY, records_fetched: STOCKS, records_promoted: STOCKS, records_rejected: 0 })
    const checks = await checksOf(ohlcv.runId)
    expect(checks.map((c) => c.check_type)).toEqual(rulesFor('ohlcv_daily').map((rule) => rule.name))
    expect(checks.every((c) => c.passed)).toBe(true)
    expect(checks.find((c) => c.check_type === 'price_limit')).toMatchObject({ passed: true, checked_count: STOCKS })

    const cap = await run({ dataset: 'market_cap_daily', tradeDate: DAY })
    expect(cap).toMatchObject({ status: 'SUCCESS', promoted: STOCKS })
    const flows = await run({ dataset: 'investor_trading', tradeDate: DAY })
    expect(flows.status).toBe('SUCCESS')
    expect(flows.promoted).toBeGreaterThan(STOCKS * 5)
    const { rows } = await sql<{ stocks: number; nonzero: number }>`
      select count(*)::int as stocks, count(*) filter (where net_buy_volume <> 0 or net_buy_value <> 0)::int as nonzero
      from (select stock_code, sum(net_buy_volume) as net_buy_volume, sum(net_buy_value) as net_buy_value
            from investor_trading where time = ${DAY} group by stock_code) s`.execute(db())
    expect(rows[0]!.stocks).toBeGreaterThan(0)
    expect(rows[0]!.nonzero).toBe(0)
  })

  test('a non-trading day is SKIPPED without asking the source', async () => {
    const before = simulator.requests.length
    const result = await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-21' }) // Saturday
    expect(result.status).toBe('SKIPPED')
    expect(simulator.requests.length).toBe(before)
    expect((await logOf(result.runId)).status).toBe('SKIPPED')
  })

  test('HTTP 500 and 429 answers are retried and the run succeeds', async () => {
    // Faults matching the same request fire together, so each gets a run of its own.
    simulator.faults.inject({ kind: 'http500', match: { bld: 'MDCSTAT01501' } })
    expect((await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-19' })).status).toBe('SUCCESS')
    simulator.faults.inject({ kind: 'http429', match: { bld: 'MDCSTAT01501' } })
    expect((await run({ dataset: 'market_cap_daily', tradeDate: '2026-11-17' })).status).toBe('SUCCESS')
    expect(simulator.faults.applied.map((f) => f.kind)).toEqual(expect.arrayContaining(['http500', 'http429']))
  })

  test('LOGOUT in the middle of a run logs in again and carries on', async () => {
    simulator.faults.inject({ kind: 'logout', match: { bld: 'MDCSTAT02401' } })
    const result = await run({ dataset: 'investor_trading', tradeDate: '2026-11-19' })
    expect(result.status).toBe('SUCCESS')
  })

  test('unparsable numbers, contradicting OHLC and duplicates are quarantined with reasons; the run is PARTIAL', async () => {
    simulator.faults.inject({ kind: 'unparsableNumbers', match: { bld: 'MDCSTAT01501' } })
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    simulator.faults.inject({ kind: 'duplicateRows', match: { bld: 'MDCSTAT01501' } })
    const result = await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-20' })
    expect(result.status).toBe('PARTIAL')
    expect(result.rejected).toBeGreaterThan(0)
    expect(result.promoted).toBe(result.valid)
    expect(result.failedChecks).toEqual(expect.arrayContaining(['schema', 'ohlc_consistency', 'duplicate_key']))

    const rejected = await db()
      .selectFrom('staging.ohlcv_daily' as any)
      .select(['stock_code', 'reject_reasons', 'raw'])
      .where('batch_id', '=', result.batchId!)
      .where('validation_status', '=', 'rejected')
      .execute() as Array<{ stock_code: string; reject_reasons: string[]; raw: Record<string, string> }>
    expect(rejected).toHaveLength(result.rejected)
    const reasons = rejected.flatMap((r) => r.reject_reasons).join('\n')
    expect(reasons).toMatch(/^schema: /m)
    expect(reasons).toMatch(/^ohlc_consistency: /m)
    expect(reasons).toMatch(/^duplicate_key: /m)
    expect(rejected.every((r) => typeof r.raw.ISU_SRT_CD === 'string')).toBe(true)
    // Production holds exactly the valid rows, no more.
    expect(await productionCount('ohlcv_daily', '2026-11-20')).toBe(result.valid)
    expect((await logOf(result.runId))).toMatchObject({ status: 'PARTIAL', records_rejected: result.rejected })
  })

  test('staging keeps raw source values for the rejected and warned rows and the sample, not for the other valid rows', async () => {
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    const result = await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-23' })
    expect(result.rejected).toBeGreaterThan(0)

    const { rows } = await sql<{ row_number: number; validation_status: string; warned: boolean; has_raw: boolean }>`
      select row_number, validation_status, coalesce(cardinality(warnings), 0) > 0 as warned, raw is not null as has_raw
      from staging.ohlcv_daily where batch_id = ${result.batchId!}::uuid order by row_number`.execute(db())
    const flagged = rows.filter((row) => row.validation_status === 'rejected' || row.warned)
    expect(flagged.length).toBeGreaterThan(0)
    expect(flagged.every((row) => row.has_raw)).toBe(true)
    // 300 rows: the sample is the first row alone.
    const plain = rows.filter((row) => !flagged.includes(row))
    expect(plain.filter((row) => row.has_raw).map((row) => row.row_number)).toEqual(plain[0]!.row_number === 1 ? [1] : [])
  })

  test('a source that keeps failing ends FAILED with the error in the log and production untouched', async () => {
    simulator.faults.inject({ kind: 'truncatedJson', match: { bld: 'MDCSTAT01501' }, times: Infinity })
    const result = await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-13' })
    expect(result.status).toBe('FAILED')
    const log = await logOf(result.runId)
    expect(log.status).toBe('FAILED')
    expect(log.error_message).toMatch(/MDCSTAT01501/)
    expect(log.error_detail).toMatchObject({ retryable: true })
    expect(await productionCount('ohlcv_daily', '2026-11-13')).toBe(0)
  })

  test('missing stocks make the run PARTIAL by completeness, and the row-count check warns against the previous day', async () => {
    await run({ dataset: 'market_cap_daily', tradeDate: '2026-11-11' })
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const result = await run({ dataset: 'market_cap_daily', tradeDate: '2026-11-12' })
    expect(result.status).toBe('PARTIAL')
    expect(result.message).toMatch(/^completeness: \d+ of \d+ expected keys delivered/)
    const checks = await checksOf(result.runId)
    const rowCount = checks.find((c) => c.check_type === 'row_count')!
    expect(rowCount).toMatchObject({ passed: false, severity: 'warn' })
    expect(rowCount.issue_count).toBeGreaterThan(0)
    expect(checks.find((c) => c.check_type === 'completeness')).toMatchObject({ passed: false, severity: 'partial', issue_count: STOCKS - result.fetched })
  })

  test('re-running a partition converges to the same production rows and adds one log row', async () => {
    const first = await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-10' })
    const snapshot = await db().selectFrom('ohlcv_daily').select(['stock_code', 'open_price', 'high_price', 'low_price', 'close_price', 'volume']).where('time', '=', '2026-11-10').orderBy('stock_code').execute()
    const second = await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-10' })
    expect(first.status).toBe('SUCCESS')
    expect(second).toMatchObject({ status: 'SUCCESS', promoted: 0 })
    expect(await db().selectFrom('ohlcv_daily').select(['stock_code', 'open_price', 'high_price', 'low_price', 'close_price', 'volume']).where('time', '=', '2026-11-10').orderBy('stock_code').execute()).toEqual(snapshot)
    const logs = await db().selectFrom('data_collection_logs').select('status').where('data_type', '=', 'ohlcv_daily').where('partition_key', '=', '2026-11-10').execute()
    expect(logs).toHaveLength(2)
  })

  test('the recorded KRX answer of 2021-01-04 loads every stock, halted ones with null open/high/low', async () => {
    const result = await run({ dataset: 'ohlcv_daily', tradeDate: '2021-01-04' })
    expect(result).toMatchObject({ status: 'SUCCESS', fetched: 2531, rejected: 0, promoted: 2531 })
    const samsung = await db().selectFrom('ohlcv_daily').selectAll().where('stock_code', '=', '005930').where('time', '=', '2021-01-04').executeTakeFirstOrThrow()
    expect(samsung).toMatchObject({ close_price: 83000, open_price: 81000, high_price: 84400, low_price: 80200 })
    const halted = await db().selectFrom('ohlcv_daily').select(['open_price', 'high_price', 'low_price', 'volume']).where('stock_code', '=', '079190').where('time', '=', '2021-01-04').executeTakeFirstOrThrow()
    expect(halted).toEqual({ open_price: null, high_price: null, low_price: null, volume: 0 })
  })
})

describe('krxCollectors', () => {
  test('OHLCV and market cap of one day share one request to the price screen', async () => {
    const priceRequests = () => simulator.requests.filter((r) => r.form?.bld?.endsWith('MDCSTAT01501')).length
    const before = priceRequests()
    await run({ dataset: 'ohlcv_daily', tradeDate: '2026-11-05' })
    await run({ dataset: 'market_cap_daily', tradeDate: '2026-11-05' })
    expect(priceRequests() - before).toBe(1)
    // a later re-run of either asks again
    await run({ dataset: 'market_cap_daily', tradeDate: '2026-11-05' })
    expect(priceRequests() - before).toBe(2)
  })
})

describe('shutdown', () => {
  // Claims against live and dead holders: run-liveness.db.test.ts.
  test('an abort before promotion ends the run ABORTED with production untouched', async () => {
    const controller = new AbortController()
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 300 })
    setTimeout(() => controller.abort('SIGTERM'), 100)
    const result = await runJob({ ...deps(), signal: controller.signal }, { source: 'krx', dataset: 'ohlcv_daily', tradeDate: '2026-11-02' })
    expect(result.status).toBe('ABORTED')
    expect(result.message).toMatch(/SIGTERM/)
    expect((await logOf(result.runId)).status).toBe('ABORTED')
    expect(await productionCount('ohlcv_daily', '2026-11-02')).toBe(0)
  })
})
