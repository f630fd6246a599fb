import { sql } from 'kysely'
import { describe, expect, test } from 'vitest'
import type { IndexComponentValues } from '@kmd/core'
import { useMigratedDatabase } from '@kmd/db/testing'
import { promoteBatch, StaleSnapshotError } from '../src/index.ts'
import { stageValidated } from './reference-batches.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database
const db = () => database().db

const [A, B, C, D, E, F] = ['000010', '000020', '000030', '000040', '000050', '000060']
const S1 = '2024-06-14'
const S2 = '2024-09-13'
const S3 = '2024-12-13'

const snapshot = (index: string, day: string, stocks: string[]): IndexComponentValues[] =>
  stocks.map((stock_code) => ({ index_code: index, index_name: index === '1/028' ? '코스피 200' : null, stock_code, snapshot_date: day }))

async function applySnapshot(index: string, day: string, stocks: string[]) {
  return promoteBatch(database(), await stageValidated(database(), 'index_components', day, snapshot(index, day, stocks)))
}

async function intervals(index: string) {
  const rows = await db()
    .selectFrom('index_components')
    .select(['stock_code', 'effective_date', 'end_date'])
    .where('index_code', '=', index)
    .orderBy('stock_code')
    .orderBy('effective_date')
    .execute()
  return rows.map((r) => [r.stock_code, r.effective_date, r.end_date])
}

describe('index_components promotion', () => {
  test('three snapshots A,B,C → A,B,D → B,D,E give the right membership intervals', async () => {
    expect((await applySnapshot('1/028', S1, [A, B, C])).details).toMatchObject({ intervals_opened: 3, intervals_closed: 0 })
    expect((await applySnapshot('1/028', S2, [A, B, D])).details).toMatchObject({ intervals_opened: 1, intervals_closed: 1 })
    const third = await applySnapshot('1/028', S3, [B, D, E])

    expect(third).toMatchObject({ status: 'SUCCESS', promoted: 2, details: { intervals_opened: 1, intervals_closed: 1, intervals_reopened: 0, intervals_removed: 0, indexes: 1 } })
    expect(await intervals('1/028')).toEqual([
      [A, S1, S3], // closed at snapshot 3
      [B, S1, null],
      [C, S1, S2], // closed at snapshot 2
      [D, S2, null], // opened at snapshot 2
      [E, S3, null], // opened at snapshot 3
    ])
    // index_snapshots is not in the Kysely types of @kmd/db yet: read it with SQL.
    const { rows: register } = await sql<{ day: string; members: number }>`
      select to_char(snapshot_date, 'YYYY-MM-DD') as day, member_count as members from index_snapshots where index_code = '1/028' order by 1`.execute(db())
    expect(register.map((r) => [r.day, r.members])).toEqual([[S1, 3], [S2, 3], [S3, 3]])
  })

  test('the latest snapshot again changes nothing; a corrected one of the same date replaces it without a trace', async () => {
    await applySnapshot('2/203', S1, [A, B, C])
    await applySnapshot('2/203', S2, [A, B, D])

    expect(await applySnapshot('2/203', S2, [A, B, D])).toMatchObject({ promoted: 0 })
    // The correction of S2: C was still a member, D was not, F joined.
    const corrected = await applySnapshot('2/203', S2, [A, B, C, F])

    expect(corrected.details).toMatchObject({ intervals_reopened: 1, intervals_removed: 1, intervals_opened: 1, intervals_closed: 0 })
    expect(await intervals('2/203')).toEqual([
      [A, S1, null],
      [B, S1, null],
      [C, S1, null],
      [F, S2, null],
    ])
  })

  test('a snapshot older than the latest of its index is refused, and nothing changes', async () => {
    await applySnapshot('1/001', S1, [A, B])
    await applySnapshot('1/001', S3, [A, B]) // no change: only the register knows S3 was seen
    const before = await intervals('1/001')
    const late = await stageValidated(database(), 'index_components', S2, snapshot('1/001', S2, [A, C]))

    const refused = promoteBatch(database(), late)

    await expect(refused).rejects.toBeInstanceOf(StaleSnapshotError)
    await expect(refused).rejects.toThrow(
      `index_components snapshot of ${S2} is older than the latest one applied (1/001 has a snapshot of ${S3}); ` +
        'out-of-order snapshots are refused, not inserted into the past: load them in date order',
    )
    expect(await intervals('1/001')).toEqual(before)
    const log = await db().selectFrom('data_collection_logs').select('status').where('run_id', '=', late.runId).executeTakeFirstOrThrow()
    expect(log.status).toBe('RUNNING') // the pipeline finishes it FAILED with this message
  })

  test('a batch leaves the indexes it does not hold alone', async () => {
    await applySnapshot('2/001', S1, [A, B])
    await applySnapshot('2/002', S1, [C, D])

    const target = await stageValidated(database(), 'index_components', S2, [...snapshot('2/001', S2, [A]), ...snapshot('2/003', S2, [E])])
    await promoteBatch(database(), target)

    expect(await intervals('2/001')).toEqual([[A, S1, null], [B, S1, S2]])
    expect(await intervals('2/002')).toEqual([[C, S1, null], [D, S1, null]])
    expect(await intervals('2/003')).toEqual([[E, S2, null]])
  })
})
