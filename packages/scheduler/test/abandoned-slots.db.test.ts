import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { RunLedger, type CollectorRegistry } from '@kmd/pipeline'
import type { RunningSimulator } from '@kmd/source-simulator'
import { jobsNamed, logsOf, makeScheduler, slotRowsOf, startSource } from './harness.ts'

// A scheduler replica killed mid-slot leaves its slot unfinished and its run RUNNING. The run
// lease it held is gone (its session ended; on the embedded database it is not the opener's), so
// the next tick of any live replica marks both ABANDONED and runs the slot again.

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let collectors: CollectorRegistry
const database = () => testDb.current.database

// A lease key no live session holds: a server has no lock for it, the embedded database is not this process's.
const DEAD_LEASE = 2147483000

beforeAll(async () => {
  ;({ simulator, collectors } = await startSource())
})
afterAll(async () => {
  await simulator?.stop()
})

/** What a replica killed while running `slot` leaves behind: an unfinished slot, a RUNNING row, a claim. */
async function leftByDeadReplica(job: string, slot: Date, tradeDate: string, runId: string, leaseKey = DEAD_LEASE): Promise<void> {
  await sql`insert into schedule_slots (job_name, slot, claimed_by, lease_key) values (${job}, ${slot}, 'dead-replica:1', ${leaseKey})`.execute(database().db)
  const ledger = new RunLedger(database())
  await ledger.start({ runId, dataset: job, source: 'krx', partitionKey: tradeDate, tradeDate, trigger: 'schedule', leaseKey })
  await ledger.claim(job, tradeDate, runId, 'dead-replica:1')
}

describe('a slot whose run died', () => {
  test('is marked ABANDONED and re-run by a live replica at its next tick', async () => {
    const slot = new Date('2026-11-19T09:30:00Z')
    const dead = '00000000-0000-4000-8000-00000000d001'
    await leftByDeadReplica('ohlcv_daily', slot, '2026-11-19', dead)
    const live = makeScheduler(database(), collectors, { jobs: jobsNamed('ohlcv_daily'), catchUpHours: 6 })
    const report = await live.tick(new Date('2026-11-19T09:33:00Z'))
    expect(report.abandoned).toEqual([{ job: 'ohlcv_daily', slot }])
    expect(report.started).toEqual([{ job: 'ohlcv_daily', slot }])
    await live.idle()

    const logs = await logsOf(database(), 'ohlcv_daily', '2026-11-19')
    expect(logs.map((log) => [log.run_id, log.status])).toEqual([
      [dead, 'ABANDONED'],
      [expect.any(String), 'SUCCESS'],
    ])
    expect(logs[0]!.error_message).toMatch(/died \(/)
    expect(await slotRowsOf(database(), 'ohlcv_daily')).toEqual([expect.objectContaining({ slot, outcome: 'SUCCESS', claimed_by: live.instanceId })])
    await live.stop()
  })

  test('older than the catch-up window is still re-run', async () => {
    const slot = new Date('2026-11-20T09:30:00Z')
    await leftByDeadReplica('market_cap_daily', slot, '2026-11-20', '00000000-0000-4000-8000-00000000d002')
    const live = makeScheduler(database(), collectors, { jobs: jobsNamed('market_cap_daily'), catchUpHours: 0 })
    // An hour later: far outside the five-minute window of a scheduler without catch-up.
    const report = await live.tick(new Date('2026-11-20T10:30:00Z'))
    expect(report.started).toEqual([{ job: 'market_cap_daily', slot }])
    await live.idle()
    expect((await logsOf(database(), 'market_cap_daily', '2026-11-20')).map((log) => log.status)).toEqual(['ABANDONED', 'SUCCESS'])
    await live.stop()
  })

  test('is left alone while the replica running it is alive', async () => {
    const slot = new Date('2026-11-23T09:30:00Z')
    // The "other replica" is this process: its lease is live for as long as it is held.
    const lease = await new RunLedger(database()).lease()
    try {
      await leftByDeadReplica('ohlcv_daily', slot, '2026-11-23', '00000000-0000-4000-8000-00000000d003', lease.key)
      const other = makeScheduler(database(), collectors, { jobs: jobsNamed('ohlcv_daily'), catchUpHours: 6 })
      const report = await other.tick(new Date('2026-11-23T09:31:00Z'))
      expect(report).toMatchObject({ started: [], abandoned: [] })
      expect((await logsOf(database(), 'ohlcv_daily', '2026-11-23')).map((log) => log.status)).toEqual(['RUNNING'])
      await other.stop()
    } finally {
      await lease.release()
    }
    // Its holder gone, the next tick re-runs it.
    const after = makeScheduler(database(), collectors, { jobs: jobsNamed('ohlcv_daily'), catchUpHours: 6 })
    expect((await after.tick(new Date('2026-11-23T09:32:00Z'))).started).toEqual([{ job: 'ohlcv_daily', slot }])
    await after.idle()
    expect((await logsOf(database(), 'ohlcv_daily', '2026-11-23')).map((log) => log.status)).toEqual(['ABANDONED', 'SUCCESS'])
    await after.stop()
  })
})
