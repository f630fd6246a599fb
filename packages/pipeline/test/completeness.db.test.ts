import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, previousTradingDay } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import { useMigratedDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { perStockStandIn } from '../src/testing.ts'
import { krxCollectors, loadSourcePlan, runJob, runWithFallback, type CollectorRegistry, type PipelineDeps } from '../src/index.ts'

const testDb = useMigratedDatabase()
const logger = createLogger({ level: 'silent' })
const STOCKS = 200
let simulator: RunningSimulator
let krx: ReturnType<typeof krxCollectors>

const config = () =>
  loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '1000' })

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  krx = krxCollectors(createKrxClient(config(), { logger, retries: 1, minRetryDelayMs: 5 }))
})
afterAll(async () => {
  await simulator?.stop()
})
beforeEach(() => {
  simulator.faults.clear()
})

/** A per-stock second source ("naver") answering from the same market, for gap fills. */
function perStockSource(): { collectors: CollectorRegistry['naver']; asked: string[][] } {
  const { collect, asked } = perStockStandIn(krxCollectors(createKrxClient(config(), { logger, retries: 0 })).ohlcv_daily!, 'naver')
  return { collectors: { ohlcv_daily: collect }, asked }
}

const db = () => testDb.current.database.db
const deps = (collectors: CollectorRegistry, completenessThreshold?: number): PipelineDeps => ({ database: testDb.current.database, logger, collectors, completenessThreshold })
const plan = loadSourcePlan(JSON.stringify({ ohlcv_daily: { primary: 'krx', fallbacks: ['naver'] } }))

async function ledgerOf(dataset: string, tradeDate: string) {
  return db().selectFrom('partition_completeness').selectAll().where('dataset', '=', dataset).where('trade_date', '=', tradeDate).executeTakeFirstOrThrow()
}
async function completenessCheckOf(runId: string) {
  return db().selectFrom('data_quality_checks').selectAll().where('run_id', '=', runId).where('check_type', '=', 'completeness').executeTakeFirstOrThrow()
}
async function productionCount(dataset: 'ohlcv_daily' | 'investor_trading', tradeDate: string): Promise<number> {
  const row = await db().selectFrom(dataset).select((eb) => eb.fn.countAll<number>().as('n')).where('time', '=', tradeDate).executeTakeFirstOrThrow()
  return Number(row.n)
}

describe('completeness', () => {
  test('an empty answer on a trading day is a retryable FAILED, never SUCCESS, and the fallback delivers', async () => {
    expect((await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: previousTradingDay('2026-10-06') })).status).toBe('SUCCESS')
    const second = perStockSource()
    simulator.faults.inject({ kind: 'emptyRows', match: { bld: 'MDCSTAT01501' } })
    const result = await runWithFallback(deps({ krx, naver: second.collectors }), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-06' })
    expect(result.attempts.map((a) => [a.source, a.status])).toEqual([['krx', 'FAILED'], ['naver', 'SUCCESS']])
    expect(result.status).toBe('SUCCESS')
    const failed = await db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', result.attempts[0]!.runId).executeTakeFirstOrThrow()
    expect(failed.error_message).toMatch(/2026-10-06, a trading day, with no ohlcv_daily rows/)
    expect(failed.error_detail).toMatchObject({ type: 'EmptyAnswerError', retryable: true })
    expect(await productionCount('ohlcv_daily', '2026-10-06')).toBe(STOCKS)
  })

  test('an answer that looks like a closed market on a trading day is a retryable FAILED, not SKIPPED', async () => {
    const closedLooking: CollectorRegistry['krx'] = {
      ohlcv_daily: async (date) => ({ dataset: 'ohlcv_daily', source: 'krx', tradeDate: date, records: [], nonTradingDay: true, requestCount: 1 }),
    }
    const second = perStockSource()
    expect((await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: previousTradingDay('2026-10-07') })).status).toBe('SUCCESS')
    const result = await runWithFallback(deps({ krx: closedLooking, naver: second.collectors }), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-07' })
    expect(result.attempts.map((a) => [a.source, a.status])).toEqual([['krx', 'FAILED'], ['naver', 'SUCCESS']])
    expect(result.attempts[0]!.message).toBe('krx answered 2026-10-07 as a closed market, but the calendar lists it as a trading day')
  })

  test('a short answer is PARTIAL; the next source is asked for just the missing stocks and the ledger says complete', async () => {
    const previous = previousTradingDay('2026-10-08')
    expect((await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: previous })).status).toBe('SUCCESS')

    const second = perStockSource()
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const result = await runWithFallback(deps({ krx, naver: second.collectors }), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-08' })
    const [primary, gapFill] = result.attempts
    expect(result.attempts.map((a) => [a.source, a.status])).toEqual([['krx', 'PARTIAL'], ['naver', 'SUCCESS']])

    const check = await completenessCheckOf(primary!.runId)
    const missing = STOCKS - primary!.fetched
    expect(missing).toBeGreaterThan(0)
    expect(check).toMatchObject({ severity: 'partial', passed: false, checked_count: STOCKS, issue_count: missing })
    expect(check.message).toMatch(new RegExp(`${primary!.fetched} of ${STOCKS} expected keys delivered .*previous session`))
    expect((check.details as Array<{ key: string }>)[0]!.key).toMatch(/^[0-9A-Z]{6}@2026-10-08$/)
    const primaryLog = await db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', primary!.runId).executeTakeFirstOrThrow()
    expect(primaryLog.status).toBe('PARTIAL')
    expect(primaryLog.error_message).toMatch(/^completeness: /)

    // The gap fill asked for the missing stocks only, and promoted exactly them.
    expect(second.asked).toHaveLength(1)
    expect(second.asked[0]).toHaveLength(missing)
    expect(gapFill).toMatchObject({ fetched: missing, promoted: missing })
    const gapLog = await db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', gapFill!.runId).executeTakeFirstOrThrow()
    expect(gapLog.fallback_from).toEqual(['krx'])
    expect(await productionCount('ohlcv_daily', '2026-10-08')).toBe(STOCKS)
    expect(await ledgerOf('ohlcv_daily', '2026-10-08')).toMatchObject({ basis: 'previous_session', expected_count: STOCKS, present_count: STOCKS, missing_count: 0, complete: true })
    expect(result.completeness).toMatchObject({ complete: true, missingCount: 0 })
    // The day is whole again: the partition's word is SUCCESS, the primary's run stays PARTIAL.
    expect(result.status).toBe('SUCCESS')
  })

  test('without a next source a short day stays PARTIAL and incomplete in the ledger, its missing keys named', async () => {
    await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2026-10-12' })
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const result = await runWithFallback(deps({ krx }), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-13' })
    expect(result.attempts.map((a) => a.status)).toEqual(['PARTIAL'])
    expect(result.status).toBe('PARTIAL')
    const ledger = await ledgerOf('ohlcv_daily', '2026-10-13')
    expect(ledger).toMatchObject({ complete: false, expected_count: STOCKS, present_count: result.final.fetched })
    expect(ledger.missing_count).toBe(STOCKS - result.final.fetched)
    expect(ledger.missing_sample.length).toBe(Math.min(10, ledger.missing_count))
  })

  test('a short answer above the (configurable) threshold is still PARTIAL, never SUCCESS, but the day counts as complete', async () => {
    await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2026-10-14' })
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const result = await runJob(deps({ krx }, 0.5), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2026-10-15' })
    expect(result.status).toBe('PARTIAL')
    const check = await completenessCheckOf(result.runId)
    expect(check).toMatchObject({ passed: false, threshold: '0.5' })
    expect(check.issue_count).toBe(STOCKS - result.fetched)
    expect(check.message).toMatch(/missing, within the 50% threshold: the day counts as complete$/)
    expect(await ledgerOf('ohlcv_daily', '2026-10-15')).toMatchObject({ complete: true, missing_count: STOCKS - result.fetched })
  })

  test('rows a rule rejects count as missing, and the next source fills them', async () => {
    await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: '2026-10-19' })
    const second = perStockSource()
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    const result = await runWithFallback(deps({ krx, naver: second.collectors }, 0.999), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-20' })
    const [primary, gapFill] = result.attempts
    expect(primary).toMatchObject({ status: 'PARTIAL', fetched: STOCKS })
    expect(primary!.rejected).toBeGreaterThan(0)
    expect(second.asked[0]).toHaveLength(primary!.rejected)
    expect(gapFill).toMatchObject({ status: 'SUCCESS', promoted: primary!.rejected })
    expect(result.status).toBe('SUCCESS')
    expect(await ledgerOf('ohlcv_daily', '2026-10-20')).toMatchObject({ complete: true, present_count: STOCKS })
  })
  // Last: once the master is loaded it is every later day's expectation.
  test('with the master loaded, the expected keys are the stocks listed that day, × the investor types for flows', async () => {
    const day = '2026-10-16'
    const master = await runJob(deps({ krx }), { dataset: 'stocks', source: 'krx', tradeDate: day })
    expect(master.status).toBe('SUCCESS')
    const { rows } = await db()
      .selectFrom('stocks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('listing_date', 'is', null), eb('listing_date', '<=', day)]))
      .where((eb) => eb.or([eb('delisting_date', 'is', null), eb('delisting_date', '>', day)]))
      .execute()
      .then((r) => ({ rows: r }))
    const listed = Number(rows[0]!.n)
    const types = (await db().selectFrom('investor_types').select('investor_type').execute()).length
    // Before the day's prices are in, every listed stock is expected; suspended stocks are not in
    // the investor screen, so the flows fall short of that...
    const early = await runJob(deps({ krx }), { dataset: 'investor_trading', source: 'krx', tradeDate: day })
    expect(await completenessCheckOf(early.runId)).toMatchObject({ checked_count: listed * types })
    // ...and once they are, only the stocks that traded.
    expect((await runJob(deps({ krx }), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: day })).status).toBe('SUCCESS')
    const traded = await db().selectFrom('ohlcv_daily').select((eb) => eb.fn.countAll<number>().as('n')).where('time', '=', day).where('volume', '>', 0).executeTakeFirstOrThrow()
    expect(Number(traded.n)).toBeLessThan(listed)
    // The prices re-judge the flows partition measured without them: complete now.
    expect(early.status).toBe('PARTIAL')
    expect(await ledgerOf('investor_trading', day)).toMatchObject({ complete: true, expected_count: Number(traded.n) * types })
    const flows = await runJob(deps({ krx }), { dataset: 'investor_trading', source: 'krx', tradeDate: day })
    expect(flows.status).toBe('SUCCESS')
    expect(await completenessCheckOf(flows.runId)).toMatchObject({ passed: true, checked_count: Number(traded.n) * types, issue_count: 0 })
    expect(await ledgerOf('investor_trading', day)).toMatchObject({ basis: 'master', expected_count: Number(traded.n) * types, complete: true })
  })
})
