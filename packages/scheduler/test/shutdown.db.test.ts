import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import type { CollectorRegistry } from '@kmd/pipeline'
import type { RunningSimulator } from '@kmd/source-simulator'
import { jobsNamed, logsOf, makeScheduler, productionCount, slotRowsOf, startSource, STOCKS } from './harness.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let collectors: CollectorRegistry

beforeAll(async () => {
  ;({ simulator, collectors } = await startSource())
})
afterAll(async () => {
  await simulator?.stop()
})

describe('shutdown in the middle of a run', () => {
  test('stop() aborts the running job: production untouched, the log and the slot say ABORTED, and the slot is run again later', async () => {
    const database = testDb.current.database
    const scheduler = makeScheduler(database, collectors, { jobs: jobsNamed('ohlcv_daily'), catchUpHours: 6 })
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 600 })
    const report = await scheduler.tick(new Date('2026-11-09T09:30:00Z'))
    expect(report.started).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 150))
    await scheduler.stop('SIGTERM') // what the CLI does on SIGTERM
    expect((await scheduler.tick(new Date('2026-11-09T09:31:00Z'))).started).toEqual([]) // takes no more slots

    const [log, ...others] = await logsOf(database, 'ohlcv_daily', '2026-11-09')
    expect(others).toEqual([])
    const rows = await productionCount(database, 'ohlcv_daily', '2026-11-09')
    // Either outcome is allowed by the contract, and the log names it; with the source this slow
    // the abort lands before promotion.
    if (log!.status === 'ABORTED') expect(rows).toBe(0)
    else expect([log!.status, rows]).toEqual(['SUCCESS', STOCKS])
    expect(log!.status).toBe('ABORTED')
    expect(log!.error_message).toMatch(/SIGTERM.*production untouched/)
    expect(await slotRowsOf(database, 'ohlcv_daily')).toEqual([expect.objectContaining({ outcome: 'ABORTED' })])

    // the next instance to start finds the aborted slot within its catch-up window and runs it
    const restarted = makeScheduler(database, collectors, { jobs: jobsNamed('ohlcv_daily'), catchUpHours: 6 })
    expect((await restarted.tick(new Date('2026-11-09T09:40:00Z'))).started).toHaveLength(1)
    await restarted.idle()
    expect((await logsOf(database, 'ohlcv_daily', '2026-11-09')).map((entry) => entry.status)).toEqual(['ABORTED', 'SUCCESS'])
    expect(await productionCount(database, 'ohlcv_daily', '2026-11-09')).toBe(STOCKS)
    expect(await slotRowsOf(database, 'ohlcv_daily')).toEqual([expect.objectContaining({ outcome: 'SUCCESS', claimed_by: restarted.instanceId })])
    await restarted.stop()
  })

  test('slots queued behind the aborted one are given back unstarted', async () => {
    const database = testDb.current.database
    // Two days of missed slots: the second waits behind the first, which the shutdown aborts.
    const scheduler = makeScheduler(database, collectors, { jobs: jobsNamed('market_cap_daily'), catchUpHours: 48 })
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 600 })
    const report = await scheduler.tick(new Date('2026-11-03T12:00:00Z'))
    expect(report.started.map((slot) => slot.slot.toISOString())).toEqual(['2026-11-02T09:30:00.000Z', '2026-11-03T09:30:00.000Z'])
    await new Promise((resolve) => setTimeout(resolve, 150))
    await scheduler.stop('SIGTERM')
    expect((await slotRowsOf(database, 'market_cap_daily')).map((row) => [row.slot.toISOString(), row.outcome])).toEqual([
      ['2026-11-02T09:30:00.000Z', 'ABORTED'],
      ['2026-11-03T09:30:00.000Z', 'NOT_STARTED'],
    ])
    expect(await logsOf(database, 'market_cap_daily', '2026-11-03')).toEqual([])
    expect(await productionCount(database, 'market_cap_daily', '2026-11-02')).toBe(0)
  })
})
