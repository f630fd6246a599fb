import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import { RunAbandonedError, RunLedger, type RunIdentity } from '../src/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db
const ledger = () => new RunLedger(testDb.current.database)

const identity = (partitionKey: string): Omit<RunIdentity, 'leaseKey'> => ({
  runId: randomUUID(), dataset: 'ohlcv_daily', source: 'krx', partitionKey, tradeDate: partitionKey, trigger: 'manual',
})
const logRow = (runId: string) => db().selectFrom('data_collection_logs').selectAll().where('run_id', '=', runId).executeTakeFirstOrThrow()
const batchStatus = async (batchId: string) => (await db().selectFrom('staging.batches').select('status').where('batch_id', '=', batchId).executeTakeFirstOrThrow()).status

async function stagedBatch(runId: string, partitionKey: string): Promise<string> {
  const batchId = randomUUID()
  await db().insertInto('staging.batches').values({ batch_id: batchId, run_id: runId, dataset: 'ohlcv_daily', source: 'krx', partition_key: partitionKey, row_count: 0 }).execute()
  return batchId
}

describe('RunLedger', () => {
  test('a run records one outcome: a second one is refused and the first stays', async () => {
    const run = await ledger().start(identity('2024-03-04'))
    await run.skip('non-trading day (test)', { counts: { fetched: 0 } })
    await expect(run.fail('too late')).rejects.toThrow(/no RUNNING log row/)
    expect(await logRow(run.runId)).toMatchObject({ status: 'SKIPPED', error_message: 'non-trading day (test)', records_fetched: 0 })
  })

  test('finish is SUCCESS only with nothing rejected and nothing missing; otherwise PARTIAL with the reason', async () => {
    const outcomes: string[] = []
    for (const [day, counts, incompleteReason] of [
      ['2024-03-05', { valid: 10, rejected: 0 }, undefined],
      ['2024-03-06', { valid: 9, rejected: 1 }, undefined],
      ['2024-03-07', { valid: 9, rejected: 0 }, 'completeness: 9 of 10 expected keys delivered'],
    ] as const) {
      const run = await ledger().start(identity(day))
      const batchId = await stagedBatch(run.runId, day)
      outcomes.push(await db().transaction().execute((trx) => run.finish(trx, { batchId, counts, incompleteReason })))
      expect(await batchStatus(batchId)).toBe('promoted')
      expect(await logRow(run.runId)).toMatchObject({ status: outcomes.at(-1), records_count: counts.valid, error_message: incompleteReason ?? null })
    }
    expect(outcomes).toEqual(['SUCCESS', 'PARTIAL', 'PARTIAL'])
  })

  test('a run marked ABANDONED while it went on cannot record an outcome afterwards', async () => {
    const run = await ledger().start(identity('2024-03-08'))
    expect(await run.abandon('its lease session was lost (test)')).toBe(true)
    const error = await run.fail('the source failed').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RunAbandonedError)
    expect(await logRow(run.runId)).toMatchObject({ status: 'ABANDONED', error_message: 'its lease session was lost (test)' })
    expect(await run.abandon('again')).toBe(false)
  })

  test('close() without an outcome: the run ends ABANDONED, its validated batch abandoned, its claim freed', async () => {
    const run = await ledger().open(identity('2024-03-11'))
    expect(run.claim.claimed).toBe(true)
    const batchId = await stagedBatch(run.runId, '2024-03-11')
    await run.batchValidated(batchId)
    await run.close()
    const row = await logRow(run.runId)
    expect(row.status).toBe('ABANDONED')
    expect(row.error_message).toMatch(/^the run ended without recording its outcome/)
    expect(row.completed_at).not.toBeNull()
    expect(await batchStatus(batchId)).toBe('abandoned')
    expect((await sql`select * from partition_claims where run_id = ${run.runId}`.execute(db())).rows).toEqual([])
    // The partition is free for the next run at once.
    const next = await ledger().open(identity('2024-03-11'))
    expect(next.claim.claimed).toBe(true)
    await next.skip('test')
    await next.close()
  })
})
