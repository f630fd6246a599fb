import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, tradingDaysBetween } from '@kmd/core'
import { createKrxClient } from '@kmd/collector-krx'
import { useMigratedDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { krxCollectors, RunLedger, loadSourcePlan, runBackfill, type BackfillOptions, type PipelineDeps, type PlannedPartition } from '../src/index.ts'
import { perStockStandIn } from '../src/testing.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let deps: () => PipelineDeps

const STOCKS = 40

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  const config = loadConfig({ KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', HTTP_TIMEOUT_MS: '1000' })
  const logger = createLogger({ level: 'silent' })
  const collectors = { krx: krxCollectors(createKrxClient(config, { logger, retries: 1, minRetryDelayMs: 5 })) }
  deps = () => ({ database: testDb.current.database, logger, collectors })
})
afterAll(async () => {
  await simulator?.stop()
})
beforeEach(() => {
  simulator.faults.clear()
})

const db = () => testDb.current.database.db
// The embedded database has one connection: one partition at a time, as the CLI defaults to.
const concurrency = () => (testDb.current.backend === 'embedded' ? 1 : 3)

function backfill(options: Omit<BackfillOptions, 'dataset' | 'source'> & Partial<Pick<BackfillOptions, 'dataset'>>, signal?: AbortSignal) {
  return runBackfill({ ...deps(), signal }, { dataset: 'ohlcv_daily', source: 'krx', concurrency: concurrency(), ...options })
}

/** The latest finished status of each partition of a range, from the ledger. */
async function latestStatuses(dataset: string, from: string, to: string): Promise<Record<string, string>> {
  const { rows } = await sql<{ partition_key: string; status: string }>`
    select distinct on (partition_key) partition_key, status
    from data_collection_logs
    where data_type = ${dataset} and source = 'krx' and partition_key between ${from} and ${to} and status <> 'SKIPPED'
    order by partition_key, started_at desc, id desc`.execute(db())
  return Object.fromEntries(rows.map((r) => [r.partition_key, r.status]))
}

async function logRowCount(): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from data_collection_logs`.execute(db())
  return rows[0]!.n
}

async function rowsPerKey(table: 'ohlcv_daily' | 'market_cap_daily', from: string, to: string) {
  const { rows } = await sql<{ keys: number; rows: number; duplicated: number }>`
    select count(*)::int as keys, coalesce(sum(n), 0)::int as rows, count(*) filter (where n > 1)::int as duplicated
    from (select stock_code, time, count(*) as n from ${sql.table(table)} where time between ${from} and ${to} group by stock_code, time) k`.execute(db())
  return rows[0]!
}

describe('runBackfill', () => {
  test('a backfill stopped half way resumes, ends with every partition SUCCESS and no duplicate rows', async () => {
    const [from, to] = ['2025-03-03', '2025-03-21']
    const days = tradingDaysBetween(from, to)
    const controller = new AbortController()
    const first = await backfill(
      { from, to, onRun: (_result, progress) => progress.finished >= 5 && controller.abort('SIGINT') },
      controller.signal,
    )
    expect(first.aborted).toBe(true)
    expect(first.toRun).toBe(days.length)
    expect(first.finished).toBeGreaterThanOrEqual(5)
    expect(first.finished).toBeLessThan(days.length)
    const afterStop = await latestStatuses('ohlcv_daily', from, to)
    const loaded = Object.values(afterStop).filter((s) => s === 'SUCCESS').length
    expect(loaded).toBeGreaterThanOrEqual(5 - (concurrency() - 1))
    expect(loaded).toBeLessThan(days.length)
    expect(Object.values(afterStop).every((s) => s === 'SUCCESS' || s === 'ABORTED')).toBe(true)

    const requestsBefore = simulator.requests.length
    const second = await backfill({ from, to })
    expect(second.aborted).toBe(false)
    expect(second.notRun).toBe(loaded) // the ledger, not memory, said what was done
    expect(second.statuses.SUCCESS).toBe(days.length - loaded)
    expect(simulator.requests.length - requestsBefore).toBeGreaterThanOrEqual(days.length - loaded)

    const afterResume = await latestStatuses('ohlcv_daily', from, to)
    expect(Object.keys(afterResume).sort()).toEqual(days)
    expect(Object.values(afterResume).every((s) => s === 'SUCCESS')).toBe(true)
    expect(await rowsPerKey('ohlcv_daily', from, to)).toEqual({ keys: STOCKS * days.length, rows: STOCKS * days.length, duplicated: 0 })
    const runs = await db().selectFrom('data_collection_logs').select(['trigger']).where('data_type', '=', 'ohlcv_daily').where('partition_key', '>=', from).where('partition_key', '<=', to).execute()
    expect(runs.every((r) => r.trigger === 'backfill')).toBe(true)

    // A third pass finds nothing to do.
    const third = await backfill({ from, to })
    expect(third).toMatchObject({ toRun: 0, notRun: days.length, finished: 0 })
  })

  test('a stop while partitions are fetching ends them ABORTED, takes no more and leaves production untouched', async () => {
    const [from, to] = ['2025-08-04', '2025-08-14']
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 400, times: Infinity })
    const controller = new AbortController()
    // Stop once every worker's partition is fetching (its price-screen request is in), however
    // long the backfill took to plan on a loaded machine.
    const fetched = () => simulator.requests.filter((request) => request.form.bld?.endsWith('MDCSTAT01501')).length
    const before = fetched()
    const watch = setInterval(() => {
      if (fetched() - before >= concurrency()) controller.abort('SIGTERM')
    }, 10)
    const summary = await backfill({ from, to }, controller.signal).finally(() => clearInterval(watch))
    expect(summary.aborted).toBe(true)
    expect(summary.statuses.ABORTED).toBe(concurrency())
    expect(summary.finished).toBe(concurrency())
    expect(Object.values(await latestStatuses('ohlcv_daily', from, to))).toEqual(Array(concurrency()).fill('ABORTED'))
    expect((await rowsPerKey('ohlcv_daily', from, to)).rows).toBe(0)
    expect(summary.aggregatesRefreshed).toEqual([]) // nothing promoted, nothing to refresh
  })

  test('--reprocess failed re-runs only the partitions whose latest run failed', async () => {
    const [from, to] = ['2025-04-07', '2025-04-18']
    const days = tradingDaysBetween(from, to)
    // One worker, so "the third to fifth partitions fail" is exact whatever the backend.
    const first = await backfill({
      from, to, concurrency: 1,
      onRun: (_result, progress) => {
        if (progress.finished === 2) simulator.faults.inject({ kind: 'truncatedJson', match: { bld: 'MDCSTAT01501' }, times: Infinity })
        if (progress.finished === 5) simulator.faults.clear()
      },
    })
    expect(first.statuses).toMatchObject({ SUCCESS: days.length - 3, FAILED: 3 })
    const failedDays = days.slice(2, 5)
    const before = await latestStatuses('market_cap_daily', from, to)
    expect(Object.entries(await latestStatuses('ohlcv_daily', from, to)).filter(([, s]) => s === 'FAILED').map(([d]) => d)).toEqual(failedDays)

    const ran: string[] = []
    const retry = await backfill({ from, to, reprocess: 'failed', onRun: (result) => ran.push(result.final.tradeDate) })
    expect(ran.sort()).toEqual(failedDays)
    expect(retry).toMatchObject({ toRun: 3, notRun: days.length - 3, statuses: expect.objectContaining({ SUCCESS: 3, FAILED: 0 }) })
    expect(Object.values(await latestStatuses('ohlcv_daily', from, to)).every((s) => s === 'SUCCESS')).toBe(true)
    expect(await latestStatuses('market_cap_daily', from, to)).toEqual(before) // other datasets untouched
    expect(await rowsPerKey('ohlcv_daily', from, to)).toMatchObject({ rows: STOCKS * days.length, duplicated: 0 })

    // Nothing failed any more: a second --reprocess failed runs nothing.
    expect(await backfill({ from, to, reprocess: 'failed' })).toMatchObject({ toRun: 0, finished: 0 })
  })

  test('--dry-run prints the plan with reasons and changes nothing', async () => {
    const [from, to] = ['2025-05-12', '2025-05-23']
    const days = tradingDaysBetween(from, to)
    await backfill({ from: days[0]!, to: days[1]! }) // two days already loaded
    const logsBefore = await logRowCount()
    const requestsBefore = simulator.requests.length
    const plan: PlannedPartition[] = []
    const summary = await backfill({ from, to, dryRun: true, onPlanned: (p) => plan.push(p) })

    expect(summary).toMatchObject({ dryRun: true, partitions: days.length, toRun: days.length - 2, notRun: 2, finished: 0 })
    expect(plan.map((p) => p.key)).toEqual(days)
    expect(plan.filter((p) => p.action === 'skip').map((p) => p.key)).toEqual(days.slice(0, 2))
    expect(plan[0]!.reason).toMatch(/^complete; latest run SUCCESS/)
    expect(plan[2]!.reason).toBe('never run')
    expect(await logRowCount()).toBe(logsBefore)
    expect(simulator.requests.length).toBe(requestsBefore)
    expect((await rowsPerKey('ohlcv_daily', days[2]!, to)).rows).toBe(0)

    // dry run of --reprocess all plans every partition, and still changes nothing
    const all = await backfill({ from, to, dryRun: true, reprocess: 'all' })
    expect(all).toMatchObject({ partitions: days.length, toRun: days.length, notRun: 0 })
    expect(await logRowCount()).toBe(logsBefore)
  })

  test('a partition a live scheduled run holds is SKIPPED (held), not loaded twice, and a later backfill loads it', async () => {
    const day = '2025-06-11'
    // Flows are judged against the day's prices (suspended stocks have none), loaded first as the schedule does.
    await backfill({ from: '2025-06-10', to: '2025-06-12' })
    const holder = '00000000-0000-4000-8000-0000000000aa'
    // A live run of this process (it holds the run lease) has the partition.
    const ledger = new RunLedger(testDb.current.database)
    const lease = await ledger.lease()
    const held = await ledger.start({ runId: holder, dataset: 'investor_trading', source: 'krx', partitionKey: day, tradeDate: day, trigger: 'schedule', leaseKey: lease.key })
    const claim = await ledger.claim('investor_trading', day, holder, 'scheduler-host:7')
    const first = await backfill({ dataset: 'investor_trading', from: '2025-06-10', to: '2025-06-12' })
    expect(first).toMatchObject({ skippedHeld: 1, skippedClosed: 0, statuses: expect.objectContaining({ SUCCESS: 2, SKIPPED: 1 }) })
    await held.abort('the scheduled run was stopped')
    if (claim.claimed) await claim.release()
    await lease.release()
    const second = await backfill({ dataset: 'investor_trading', from: '2025-06-10', to: '2025-06-12' })
    expect(second).toMatchObject({ toRun: 1, notRun: 2, skippedHeld: 0, statuses: expect.objectContaining({ SUCCESS: 1 }) })
  })

  test('a run left RUNNING by a dead process is reaped at the start, and its partition is loaded at once', async () => {
    const day = '2025-06-16'
    const dead = '00000000-0000-4000-8000-0000000000bb'
    // Lease 2147483000 is held by nobody: on a server no session has its lock, on the embedded database it is not this process's.
    const ledger = new RunLedger(testDb.current.database)
    await ledger.start({ runId: dead, dataset: 'investor_trading', source: 'krx', partitionKey: day, tradeDate: day, trigger: 'backfill', leaseKey: 2147483000 })
    await ledger.claim('investor_trading', day, dead, 'killed-host:9')
    const summary = await backfill({ dataset: 'investor_trading', from: day, to: day })
    expect(summary).toMatchObject({ reapedAtStart: 1, toRun: 1, skippedHeld: 0, statuses: expect.objectContaining({ SUCCESS: 1 }) })
    const row = await db().selectFrom('data_collection_logs').select(['status', 'error_message']).where('run_id', '=', dead).executeTakeFirstOrThrow()
    expect(row.status).toBe('ABANDONED')
    expect(row.error_message).toMatch(/died \(/)
  })

  test('a day loaded short is not loaded: resume and --reprocess incomplete run it again until the ledger says complete', async () => {
    const [first, short, never] = tradingDaysBetween('2025-06-23', '2025-06-25')
    await backfill({ from: first!, to: first! })
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const shortRun = await backfill({ from: short!, to: short! })
    expect(shortRun.statuses).toMatchObject({ PARTIAL: 1 })

    const planned: PlannedPartition[] = []
    await backfill({ from: first!, to: never!, reprocess: 'incomplete', dryRun: true, onPlanned: (p) => planned.push(p) })
    expect(planned.map((p) => [p.key, p.action])).toEqual([[first, 'skip'], [short, 'run'], [never, 'skip']])
    expect(planned[1]!.reason).toMatch(/^loaded but incomplete: 2 of 40 expected keys missing; latest run PARTIAL/)

    const resumed: PlannedPartition[] = []
    const summary = await backfill({ from: first!, to: never!, onPlanned: (p) => resumed.push(p) })
    // Workers plan their own stretches, so their partitions interleave: compared by date.
    expect(resumed.map((p) => [p.key, p.action]).sort()).toEqual([[first, 'skip'], [short, 'run'], [never, 'run']])
    expect(summary.statuses).toMatchObject({ SUCCESS: 2 })
    const ledger = await db().selectFrom('partition_completeness').select(['trade_date', 'complete']).where('dataset', '=', 'ohlcv_daily').where('trade_date', 'in', [first!, short!, never!]).orderBy('trade_date').execute()
    expect(ledger.map((row) => row.complete)).toEqual([true, true, true])
  })

  test('without --source a backfill follows the source plan: a day the primary answers short is completed by the next source', async () => {
    const [from, to] = ['2025-09-01', '2025-09-05']
    const days = tradingDaysBetween(from, to)
    const standIn = perStockStandIn(deps().collectors.krx!.ohlcv_daily!, 'naver')
    const plan = loadSourcePlan(JSON.stringify({ ohlcv_daily: { primary: 'krx', fallbacks: ['naver'] } }))
    await backfill({ from, to: from }) // the first day from KRX alone: what the next day expects
    let shortDay: string | undefined
    // One partition at a time, so the short answer is the second day's.
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const summary = await runBackfill(
      { ...deps(), collectors: { ...deps().collectors, naver: { ohlcv_daily: standIn.collect } } },
      {
        dataset: 'ohlcv_daily', plan, from, to, concurrency: 1,
        onRun: (partition) => {
          if (partition.attempts.length > 1) shortDay = partition.final.tradeDate
        },
      },
    )
    expect(summary).toMatchObject({ source: 'krx → naver', pinned: undefined, toRun: days.length - 1, notRun: 1, runs: days.length })
    expect(summary.statuses).toMatchObject({ SUCCESS: days.length - 1, PARTIAL: 0, FAILED: 0 })
    expect(shortDay).toBe(days[1])
    expect(standIn.asked).toHaveLength(1)
    expect(await rowsPerKey('ohlcv_daily', from, to)).toMatchObject({ rows: STOCKS * days.length, duplicated: 0 })
    const ledger = await db().selectFrom('partition_completeness').select(['complete']).where('dataset', '=', 'ohlcv_daily').where('trade_date', '=', days[1]!).executeTakeFirstOrThrow()
    expect(ledger.complete).toBe(true)
  })

  test('refreshes the aggregates once over the whole range at the end', async () => {
    const [from, to] = ['2025-07-07', '2025-07-18']
    const summary = await backfill({ from, to })
    expect(summary.aggregatesRefreshed).toEqual(['ohlcv_weekly', 'ohlcv_monthly'])
    expect(await db().selectFrom('aggregate_backlog').selectAll().execute()).toEqual([]) // nothing left behind
    const { rows } = await sql<{ weeks: number; days: number }>`
      select count(distinct bucket)::int as weeks, max(trading_days)::int as days from ohlcv_weekly where bucket between ${from} and ${to}`.execute(db())
    expect(rows[0]).toEqual({ weeks: 2, days: 5 })
    const refreshedPerRun = await db().selectFrom('data_collection_logs').select('stage_timings').where('partition_key', '=', from).where('data_type', '=', 'ohlcv_daily').executeTakeFirstOrThrow()
    expect(Object.keys(refreshedPerRun.stage_timings as object)).not.toContain('refresh')
  })

  test('each worker loads its own stretch of the range: every day but a stretch’s first is loaded after the day before it', async () => {
    const [from, to] = ['2025-11-03', '2025-11-28']
    const days = tradingDaysBetween(from, to)
    const summary = await backfill({ from, to })
    expect(summary.statuses.SUCCESS).toBe(days.length)
    const runs = await db().selectFrom('data_collection_logs').select(['partition_key', 'started_at', 'completed_at'])
      .where('data_type', '=', 'ohlcv_daily').where('partition_key', 'in', days).where('status', '=', 'SUCCESS').execute()
    const runOf = new Map(runs.map((run) => [run.partition_key, run]))
    const afterTheDayBefore = days.slice(1).filter((day, i) => runOf.get(days[i]!)!.completed_at! <= runOf.get(day)!.started_at)
    // With workers on neighbouring days (the old sliding window), most days started before the day before them was in.
    expect(afterTheDayBefore).toHaveLength(days.length - concurrency())
    expect(summary.aggregatesRefreshed).toEqual(['ohlcv_weekly', 'ohlcv_monthly'])
  })

  test('refuses a source without a collector for the dataset', async () => {
    await expect(runBackfill(deps(), { dataset: 'ohlcv_daily', source: 'kis', from: '2025-01-02', to: '2025-01-03' })).rejects.toThrow(/no collector/)
  })
})
