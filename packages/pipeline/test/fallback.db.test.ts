import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ConfigError, createLogger, loadConfig, tickSize, type CollectedBatch } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import { useMigratedDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { krxCollectors, loadSourcePlan, runWithFallback, type CollectorRegistry, type PipelineDeps } from '../src/index.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let krx: ReturnType<typeof krxCollectors>
const logger = createLogger({ level: 'silent' })

/**
 * A second source for the test: the same market as KRX (it reads the simulator through the
 * KRX collector) re-labelled, with the close of the listed stocks changed, as a source that
 * disagrees on a few stocks would answer.
 */
function secondSource(closeOverrides: Record<string, string>): CollectorRegistry['naver'] {
  return {
    ohlcv_daily: async (date, context) => {
      const batch = (await krxCollectors(createKrxClient(config(), { logger, retries: 0 })).ohlcv_daily!(date, context)) as CollectedBatch<'ohlcv_daily'>
      for (const record of batch.records) {
        const override = record.values.stock_code ? closeOverrides[record.values.stock_code] : undefined
        if (override) {
          // A disagreement a careful source could send: on the tick grid, its change consistent with it.
          const change = Number(record.values.change) + Number(override) - Number(record.values.close_price)
          record.values.change = String(change)
          record.values.change_rate = (Math.round((change / (Number(override) - change)) * 10_000) / 100).toFixed(2)
          record.values.close_price = override
          record.values.high_price = String(Math.max(Number(record.values.high_price ?? override), Number(override)))
          record.values.low_price = String(Math.min(Number(record.values.low_price ?? override), Number(override)))
        }
      }
      return { ...batch, source: 'naver' }
    },
  }
}

const config = () =>
  loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '1000' })

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: 200 })
  krx = krxCollectors(createKrxClient(config(), { logger, retries: 1, minRetryDelayMs: 5 }))
})
afterAll(async () => {
  await simulator?.stop()
})

const deps = (collectors: CollectorRegistry): PipelineDeps => ({ database: testDb.current.database, logger, collectors })
const plan = loadSourcePlan(JSON.stringify({ ohlcv_daily: { primary: 'krx', fallbacks: ['naver'] } }))

describe('source fallback', () => {
  test('the primary failing makes the fallback deliver, and the log says so', async () => {
    simulator.faults.inject({ kind: 'http500', match: { bld: 'MDCSTAT01501' }, times: 2 })
    const result = await runWithFallback(deps({ krx, naver: secondSource({}) }), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-14' })
    expect(result.attempts.map((a) => [a.source, a.status])).toEqual([['krx', 'FAILED'], ['naver', 'SUCCESS']])
    expect(result.deliveredBy).toBe('naver')
    const logs = await testDb.current.database.db
      .selectFrom('data_collection_logs')
      .select(['source', 'status', 'fallback_from', 'error_message'])
      .where('data_type', '=', 'ohlcv_daily')
      .where('partition_key', '=', '2026-10-14')
      .orderBy('id')
      .execute()
    expect(logs).toEqual([
      { source: 'krx', status: 'FAILED', fallback_from: null, error_message: expect.stringMatching(/HTTP 500/) },
      { source: 'naver', status: 'SUCCESS', fallback_from: ['krx'], error_message: null },
    ])
  })

  test('a primary that delivers leaves the fallbacks idle', async () => {
    const result = await runWithFallback(deps({ krx, naver: secondSource({}) }), plan, { dataset: 'ohlcv_daily', tradeDate: '2026-10-15' })
    expect(result.attempts.map((a) => a.source)).toEqual(['krx'])
    expect(result.deliveredBy).toBe('krx')
  })

  test('a malformed SOURCE_PLAN names the dataset and the problem', () => {
    expect(() => loadSourcePlan('{"ohlcv_daily":{"primary":"bloomberg"}}')).toThrow(ConfigError)
    expect(() => loadSourcePlan('{"ohlcv_daily":{"primary":"bloomberg"}}')).toThrow(/SOURCE_PLAN\.ohlcv_daily\.primary/)
    expect(() => loadSourcePlan('{"ohlcv_daily":{"primary":"krx","fallbacks":["krx"]}}')).toThrow(/repeats the primary/)
    expect(() => loadSourcePlan('{not json')).toThrow(/SOURCE_PLAN: not valid JSON/)
  })
})

describe('cross-source check', () => {
  test('a disagreement between two sources shows up in data_quality_checks', async () => {
    const tradeDate = '2026-10-16'
    const first = await runWithFallback(deps({ krx }), plan, { dataset: 'ohlcv_daily', tradeDate })
    expect(first.deliveredBy).toBe('krx')
    const codes = (await testDb.current.database.db.selectFrom('ohlcv_daily').select(['stock_code', 'close_price']).where('time', '=', tradeDate).orderBy('stock_code').limit(2).execute())
    const overrides = Object.fromEntries(codes.map((c) => [c.stock_code, String(c.close_price + tickSize(c.close_price, 'KOSPI', tradeDate))]))
    const second = await runWithFallback(deps({ naver: secondSource(overrides) }), loadSourcePlan('{"ohlcv_daily":{"primary":"naver"}}'), { dataset: 'ohlcv_daily', tradeDate })
    expect(second.deliveredBy).toBe('naver')
    const check = await testDb.current.database.db
      .selectFrom('data_quality_checks')
      .selectAll()
      .where('run_id', '=', second.final.runId)
      .where('check_type', '=', 'cross_source_agreement')
      .executeTakeFirstOrThrow()
    expect(check).toMatchObject({ passed: false, severity: 'warn', issue_count: 2, checked_count: 200 })
    const sample = check.details as Array<{ key: string; reason: string }>
    expect(sample.map((s) => s.key).sort()).toEqual(codes.map((c) => `${c.stock_code}@${tradeDate}`).sort())
    expect(sample[0]!.reason).toMatch(/^cross_source_agreement: close_price \d+ from naver vs \d+ from krx$/)
  })
})
