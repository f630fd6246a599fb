import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, previousTradingDay } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import { useMigratedDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { krxCollectors, readStagingSizes, runJob, type PipelineDeps } from '../src/index.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let deps: (stagingRetentionDays?: number) => PipelineDeps

const STOCKS = 30
const DAY = '2026-11-18' // a Wednesday

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  const config = loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '1000' })
  const logger = createLogger({ level: 'silent' })
  const collectors = { krx: krxCollectors(createKrxClient(config, { logger, retries: 2, minRetryDelayMs: 5 })) }
  deps = (stagingRetentionDays) => ({ database: testDb.current.database, logger, collectors, stagingRetentionDays })
})
afterAll(async () => {
  await simulator?.stop()
})
beforeEach(() => {
  simulator.faults.clear()
})

const db = () => testDb.current.database.db

async function stagedVerdicts(batchId: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ validation_status: string; n: number }>`
    select validation_status, count(*)::int as n from staging.ohlcv_daily where batch_id = ${batchId}::uuid group by 1`.execute(db())
  return Object.fromEntries(rows.map((row) => [row.validation_status, row.n]))
}

async function stagedLongAgo(batchId: string, days: number): Promise<void> {
  await sql`update staging.batches set created_at = created_at - make_interval(days => ${days}) where batch_id = ${batchId}::uuid`.execute(db())
}

describe('a run purges staging after its promotion', () => {
  test('batches promoted beyond the retention window lose the rows production holds; quarantined rows and fresh batches stay', async () => {
    const previous = previousTradingDay(DAY)
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    const old = await runJob(deps(30), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: previous })
    expect(old.status).toBe('PARTIAL')
    expect(old.rejected).toBeGreaterThan(0)
    simulator.faults.clear()
    await stagedLongAgo(old.batchId!, 31)

    // A pipeline without a retention purges nothing.
    const unpurging = await runJob(deps(undefined), { dataset: 'market_cap_daily', source: 'krx', tradeDate: previous })
    expect(unpurging.status).toBe('SUCCESS')
    expect(await stagedVerdicts(old.batchId!)).toEqual({ valid: old.valid, rejected: old.rejected })

    const fresh = await runJob(deps(30), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: DAY })
    expect(fresh.promoted).toBeGreaterThan(0)
    expect(await stagedVerdicts(old.batchId!)).toEqual({ rejected: old.rejected })
    const freshRows = Object.values(await stagedVerdicts(fresh.batchId!)).reduce((total, n) => total + n, 0)
    expect(freshRows).toBe(STOCKS)
    const batches = await db().selectFrom('staging.batches').select(['batch_id', 'row_count', 'status', 'purged_at']).where('batch_id', 'in', [old.batchId!, fresh.batchId!]).execute()
    expect(batches.find((batch) => batch.batch_id === old.batchId)).toMatchObject({ row_count: STOCKS, status: 'promoted', purged_at: expect.any(Date) })
    expect(batches.find((batch) => batch.batch_id === fresh.batchId)).toMatchObject({ purged_at: null })
    // Production keeps what the purged batch promoted; the run log still names its batch.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ohlcv_daily where time = ${previous}`.execute(db())
    expect(rows[0]!.n).toBe(old.promoted)
    const log = await db().selectFrom('data_collection_logs').select('batch_id').where('run_id', '=', old.runId).executeTakeFirstOrThrow()
    expect(log.batch_id).toBe(old.batchId)
  })

  test('staging sizes stand beside production: rows counted in staging, production measured from its statistics', async () => {
    await sql`analyze ohlcv_daily`.execute(db())
    const { rows } = await sql<{ staged: number; quarantined: number; production: number }>`
      select (select count(*)::int from staging.ohlcv_daily) as staged,
             (select count(*)::int from staging.ohlcv_daily where validation_status = 'rejected') as quarantined,
             (select count(*)::int from ohlcv_daily) as production`.execute(db())
    const ohlcv = (await readStagingSizes(testDb.current.database)).find((size) => size.dataset === 'ohlcv_daily')!
    expect(ohlcv.staging).toMatchObject({ rows: rows[0]!.staged, quarantinedRows: rows[0]!.quarantined, unpurgedBatches: 1 })
    expect(rows[0]!.quarantined).toBeGreaterThan(0)
    expect(ohlcv.production.rowsEstimate).toBe(rows[0]!.production)
    expect(ohlcv.production.bytes).toBeGreaterThan(0)
  })
})
