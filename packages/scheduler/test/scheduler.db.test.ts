import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { openDatabase, type MarketDatabase } from '@kmd/db'
import { useMigratedDatabase } from '@kmd/db/testing'
import { loadSourcePlan, type CollectorRegistry } from '@kmd/pipeline'
import { perStockStandIn } from '@kmd/pipeline/testing'
import type { RunningSimulator } from '@kmd/source-simulator'
import { jobsNamed, logsOf, makeScheduler, productionCount, slotRowsOf, startSource, STOCKS } from './harness.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let collectors: CollectorRegistry
const database = () => testDb.current.database

beforeAll(async () => {
  ;({ simulator, collectors } = await startSource())
})
afterAll(async () => {
  await simulator?.stop()
})
beforeEach(() => {
  simulator.faults.clear()
})

describe('scheduler slots', () => {
  test('the 18:30 KST slot fires at 09:30 UTC and loads that Korean day; jobs without a collector are reported, not scheduled', async () => {
    const scheduler = makeScheduler(database(), collectors)
    expect(scheduler.jobs.map((job) => job.name).sort()).toEqual(['investor_trading', 'market_cap_daily', 'ohlcv_daily'])
    expect(scheduler.unscheduled.map(({ job }) => job.name).sort()).toEqual(['etf_portfolios', 'floating_shares', 'index_components', 'ohlcv_minute', 'sectors', 'stocks'])

    const early = await scheduler.tick(new Date('2026-11-18T09:29:59Z'))
    expect(early.started).toEqual([])
    const due = await scheduler.tick(new Date('2026-11-18T09:30:00Z'))
    expect(due.started.map((slot) => [slot.job, slot.slot.toISOString()]).sort()).toEqual([
      ['market_cap_daily', '2026-11-18T09:30:00.000Z'],
      ['ohlcv_daily', '2026-11-18T09:30:00.000Z'],
    ])
    await scheduler.idle()

    for (const dataset of ['ohlcv_daily', 'market_cap_daily']) {
      const logs = await logsOf(database(), dataset, '2026-11-18')
      expect(logs).toEqual([expect.objectContaining({ status: 'SUCCESS', trigger: 'schedule', records_promoted: STOCKS })])
      expect(await slotRowsOf(database(), dataset)).toEqual([expect.objectContaining({ slot: new Date('2026-11-18T09:30:00Z'), outcome: 'SUCCESS', claimed_by: scheduler.instanceId })])
    }
    expect(await productionCount(database(), 'ohlcv_daily', '2026-11-18')).toBe(STOCKS)
    // investor flows wait for 19:00 KST
    expect(await logsOf(database(), 'investor_trading', '2026-11-18')).toEqual([])
    const flows = await scheduler.tick(new Date('2026-11-18T10:00:30Z'))
    expect(flows.started.map((slot) => slot.job)).toEqual(['investor_trading'])
    await scheduler.idle()
    expect(await logsOf(database(), 'investor_trading', '2026-11-18')).toEqual([expect.objectContaining({ status: 'SUCCESS', trigger: 'schedule' })])
    await scheduler.stop()
  })

  test('a holiday slot is skipped with exactly one SKIPPED log line per job and no request to the source', async () => {
    const scheduler = makeScheduler(database(), collectors)
    const before = simulator.requests.length
    // 2026-10-09 (Friday) is 한글날: KRX is closed
    await scheduler.tick(new Date('2026-10-09T09:30:00Z'))
    await scheduler.tick(new Date('2026-10-09T09:31:00Z'))
    await scheduler.tick(new Date('2026-10-09T10:00:00Z'))
    await scheduler.idle()
    // a second instance arriving later finds the slots taken
    const late = makeScheduler(database(), collectors)
    expect((await late.tick(new Date('2026-10-09T11:00:00Z'))).started).toEqual([])

    for (const dataset of ['ohlcv_daily', 'market_cap_daily', 'investor_trading']) {
      const logs = await logsOf(database(), dataset, '2026-10-09')
      expect(logs).toHaveLength(1)
      expect(logs[0]).toMatchObject({ status: 'SKIPPED', trigger: 'schedule' })
      expect(logs[0]!.error_message).toMatch(/non-trading day \(한글날\)/)
    }
    expect(simulator.requests.length).toBe(before)
    await scheduler.stop()
  })

  test('an overrunning job is not started twice: its next slot is recorded SKIPPED_OVERRUN', async () => {
    const scheduler = makeScheduler(database(), collectors, { jobs: jobsNamed('ohlcv_daily'), catchUpHours: 0 })
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 1_500 })
    const first = await scheduler.tick(new Date('2026-11-10T09:30:00Z'))
    expect(first.started).toHaveLength(1)
    // the same instant again, and the next day's slot, while the first run is still going
    expect((await scheduler.tick(new Date('2026-11-10T09:30:10Z'))).started).toEqual([])
    const next = await scheduler.tick(new Date('2026-11-11T09:30:00Z'))
    expect(next.started).toEqual([])
    expect(next.skippedOverrun.map((slot) => slot.slot.toISOString())).toEqual(['2026-11-11T09:30:00.000Z'])
    await scheduler.idle()

    expect((await logsOf(database(), 'ohlcv_daily', '2026-11-10')).map((log) => log.status)).toEqual(['SUCCESS'])
    expect(await logsOf(database(), 'ohlcv_daily', '2026-11-11')).toEqual([])
    const slots = await slotRowsOf(database(), 'ohlcv_daily')
    expect(slots.filter((row) => row.slot >= new Date('2026-11-10T00:00:00Z') && row.slot < new Date('2026-11-12T00:00:00Z')).map((row) => [row.slot.toISOString(), row.outcome])).toEqual([
      ['2026-11-10T09:30:00.000Z', 'SUCCESS'],
      ['2026-11-11T09:30:00.000Z', 'SKIPPED_OVERRUN'],
    ])
    // once the run has finished, a later tick does not bring the skipped slot back
    expect((await scheduler.tick(new Date('2026-11-11T09:31:00Z'))).started).toEqual([])
    await scheduler.stop()
  })

  test('a slot follows the source plan: the stocks a short primary answer left out come from the next source, and the slot is SUCCESS', async () => {
    const standIn = perStockStandIn(collectors.krx!.ohlcv_daily!, 'naver')
    const sourcePlan = loadSourcePlan(JSON.stringify({ ohlcv_daily: { primary: 'krx', fallbacks: ['naver'] } }))
    const scheduler = makeScheduler(database(), { ...collectors, naver: { ohlcv_daily: standIn.collect } }, { jobs: jobsNamed('ohlcv_daily'), sourcePlan, catchUpHours: 0 })
    expect(scheduler.jobs.map((job) => job.sources)).toEqual([['krx', 'naver']])
    await scheduler.tick(new Date('2026-11-24T09:30:00Z')) // the previous session: what the next day expects
    await scheduler.idle()
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    await scheduler.tick(new Date('2026-11-25T09:30:00Z'))
    await scheduler.idle()

    const record = scheduler.records.find((entry) => entry.tradeDate === '2026-11-25')!
    expect(record.partition!.attempts.map((run) => [run.source, run.status])).toEqual([['krx', 'PARTIAL'], ['naver', 'SUCCESS']])
    expect(standIn.asked).toEqual([expect.any(Array)])
    expect(standIn.asked[0]!.length).toBe(STOCKS - record.partition!.attempts[0]!.fetched)
    expect((await logsOf(database(), 'ohlcv_daily', '2026-11-25')).map((log) => [log.status, log.trigger])).toEqual([['PARTIAL', 'schedule'], ['SUCCESS', 'schedule']])
    expect(await productionCount(database(), 'ohlcv_daily', '2026-11-25')).toBe(STOCKS)
    const slot = (await slotRowsOf(database(), 'ohlcv_daily')).find((row) => row.slot.toISOString() === '2026-11-25T09:30:00.000Z')
    expect(slot?.outcome).toBe('SUCCESS')
    await scheduler.stop()
  })

  test('a slot whose primary source fails loads from the fallback, its log row naming the source that failed', async () => {
    const standIn = perStockStandIn(collectors.krx!.ohlcv_daily!, 'naver')
    const sourcePlan = loadSourcePlan(JSON.stringify({ ohlcv_daily: { primary: 'krx', fallbacks: ['naver'] } }))
    const scheduler = makeScheduler(database(), { ...collectors, naver: { ohlcv_daily: standIn.collect } }, { jobs: jobsNamed('ohlcv_daily'), sourcePlan, catchUpHours: 0 })
    await scheduler.tick(new Date('2026-11-30T09:30:00Z')) // the previous session: the stocks the fallback is asked for
    await scheduler.idle()
    // KRX answers 500 to both of its client's attempts, then recovers for the fallback's own fetch.
    simulator.faults.inject({ kind: 'http500', match: { bld: 'MDCSTAT01501' }, times: 2 })
    await scheduler.tick(new Date('2026-12-01T09:30:00Z'))
    await scheduler.idle()

    const logs = await database().db.selectFrom('data_collection_logs').select(['source', 'status', 'trigger', 'fallback_from', 'records_promoted'])
      .where('data_type', '=', 'ohlcv_daily').where('partition_key', '=', '2026-12-01').orderBy('id').execute()
    expect(logs).toEqual([
      expect.objectContaining({ source: 'krx', status: 'FAILED', trigger: 'schedule' }),
      expect.objectContaining({ source: 'naver', status: 'SUCCESS', trigger: 'schedule', fallback_from: ['krx'], records_promoted: STOCKS }),
    ])
    const slot = (await slotRowsOf(database(), 'ohlcv_daily')).find((row) => row.slot.toISOString() === '2026-12-01T09:30:00.000Z')
    expect(slot?.outcome).toBe('SUCCESS')
    expect(await productionCount(database(), 'ohlcv_daily', '2026-12-01')).toBe(STOCKS)
    await scheduler.stop()
  })

  test('a job pinned to one source asks no other: its short day stays PARTIAL in the slot and the log', async () => {
    const standIn = perStockStandIn(collectors.krx!.ohlcv_daily!, 'naver')
    const sourcePlan = loadSourcePlan(JSON.stringify({ ohlcv_daily: { primary: 'krx', fallbacks: ['naver'] } }))
    const pinned = jobsNamed('ohlcv_daily').map((job) => ({ ...job, source: 'krx' as const }))
    const scheduler = makeScheduler(database(), { ...collectors, naver: { ohlcv_daily: standIn.collect } }, { jobs: pinned, sourcePlan, catchUpHours: 0 })
    expect(scheduler.jobs.map((job) => job.sources)).toEqual([['krx']])
    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    await scheduler.tick(new Date('2026-11-26T09:30:00Z'))
    await scheduler.idle()

    expect(standIn.asked).toEqual([])
    expect((await logsOf(database(), 'ohlcv_daily', '2026-11-26')).map((log) => log.status)).toEqual(['PARTIAL'])
    const slot = (await slotRowsOf(database(), 'ohlcv_daily')).find((row) => row.slot.toISOString() === '2026-11-26T09:30:00.000Z')
    expect(slot?.outcome).toBe('PARTIAL')
    await scheduler.stop()
  })

  test('slots missed while down are run once at start within the catch-up window, older ones are not', async () => {
    // Friday 2026-11-06 21:00 KST: the 18:30 and 19:00 slots of that day are 2.5 and 2 hours old,
    // Thursday's are 26 hours old.
    const scheduler = makeScheduler(database(), collectors, { catchUpHours: 6 })
    const report = await scheduler.tick(new Date('2026-11-06T12:00:00Z'))
    expect(report.started.map((slot) => `${slot.job} ${slot.slot.toISOString()}`).sort()).toEqual([
      'investor_trading 2026-11-06T10:00:00.000Z',
      'market_cap_daily 2026-11-06T09:30:00.000Z',
      'ohlcv_daily 2026-11-06T09:30:00.000Z',
    ])
    await scheduler.idle()
    expect(await logsOf(database(), 'ohlcv_daily', '2026-11-05')).toEqual([])
    expect((await logsOf(database(), 'ohlcv_daily', '2026-11-06')).map((log) => log.status)).toEqual(['SUCCESS'])
    // a restart an hour later finds nothing left to catch up
    const restarted = makeScheduler(database(), collectors, { catchUpHours: 6 })
    expect((await restarted.tick(new Date('2026-11-06T13:00:00Z'))).started).toEqual([])
    await Promise.all([scheduler.stop(), restarted.stop()])
  })
})

describe('several replicas', () => {
  const replicas: MarketDatabase[] = []
  afterAll(async () => {
    for (const replica of replicas) await replica.close()
  })

  test('three scheduler instances against one database run each slot exactly once', async () => {
    // On a server each instance has its own pool; the embedded database is one connection, shared.
    const url = testDb.current.url
    const databases = url
      ? await Promise.all([0, 1, 2].map(() => openDatabase({ databaseUrl: url, embeddedDataDir: '', databasePoolSize: 3 })))
      : [database(), database(), database()]
    if (url) replicas.push(...databases)
    const schedulers = databases.map((db) => makeScheduler(db, collectors))
    expect(new Set(schedulers.map((scheduler) => scheduler.instanceId)).size).toBe(3)

    const instants = ['2026-11-12T09:30:00Z', '2026-11-12T09:30:01Z', '2026-11-12T10:00:00Z', '2026-11-12T10:05:00Z'].map((iso) => new Date(iso))
    const reports = []
    for (const instant of instants) reports.push(...(await Promise.all(schedulers.map((scheduler) => scheduler.tick(instant)))))
    await Promise.all(schedulers.map((scheduler) => scheduler.idle()))

    const started = reports.flatMap((report) => report.started.map((slot) => `${slot.job} ${slot.slot.toISOString()}`)).sort()
    expect(started).toEqual([
      'investor_trading 2026-11-12T10:00:00.000Z',
      'market_cap_daily 2026-11-12T09:30:00.000Z',
      'ohlcv_daily 2026-11-12T09:30:00.000Z',
    ])
    for (const dataset of ['ohlcv_daily', 'market_cap_daily', 'investor_trading']) {
      const logs = await logsOf(database(), dataset, '2026-11-12')
      expect(logs.map((log) => [log.status, log.trigger])).toEqual([['SUCCESS', 'schedule']])
      const slots = (await slotRowsOf(database(), dataset)).filter((row) => row.slot.toISOString().startsWith('2026-11-12'))
      expect(slots).toHaveLength(1)
      expect(schedulers.map((scheduler) => scheduler.instanceId)).toContain(slots[0]!.claimed_by)
    }
    await Promise.all(schedulers.map((scheduler) => scheduler.stop()))
  })
})
