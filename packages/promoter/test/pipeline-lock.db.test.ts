import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, test } from 'vitest'
import { PipelineLockTimeoutError } from '@kmd/db'
import { useMigratedDatabase } from '@kmd/db/testing'
import { promoteBatch } from '../src/index.ts'
import { stageValidated, stock } from './reference-batches.ts'

const testDb = useMigratedDatabase()
const database = () => testDb.current.database

afterEach(() => {
  delete process.env.PIPELINE_LOCK_TIMEOUT_MS
})

async function session(user?: { name: string; password: string }): Promise<pg.Client> {
  const url = new URL(testDb.current.url!)
  if (user) {
    url.username = user.name
    url.password = user.password
  }
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  return client
}

describe('promotion lock', () => {
  test('a reader login holding the old advisory key of a promotion does not stall it', async (context) => {
    if (!testDb.current.url) context.skip()
    const login = { name: `reader_${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex') }
    await sql`create role ${sql.id(login.name)} login password ${sql.lit(login.password)} in role market_reader`.execute(database().db)
    const reader = await session(login)
    try {
      await reader.query(`select pg_advisory_lock(hashtextextended('promote:stocks', 0))`)
      process.env.PIPELINE_LOCK_TIMEOUT_MS = '5000'
      const started = performance.now()
      const report = await promoteBatch(database(), await stageValidated(database(), 'stocks', '2024-05-02', [stock('200010')]))
      expect(report.status).toBe('SUCCESS')
      expect(performance.now() - started).toBeLessThan(4000)
    } finally {
      await reader.end()
      await sql`drop role ${sql.id(login.name)}`.execute(database().db)
    }
  })

  test('a competing promotion of the same dataset is waited for up to PIPELINE_LOCK_TIMEOUT_MS, then a clear error', async (context) => {
    if (!testDb.current.url) context.skip()
    const target = await stageValidated(database(), 'stocks', '2024-05-03', [stock('200020')])
    const writer = await session()
    try {
      const pid = (await writer.query('select pg_backend_pid() as pid')).rows[0].pid as number
      await writer.query('begin')
      await writer.query(`insert into pipeline_locks (name) values ('promote:stocks') on conflict do nothing`)
      await writer.query(`select * from pipeline_locks where name = 'promote:stocks' for update`)
      process.env.PIPELINE_LOCK_TIMEOUT_MS = '1000'
      const error = await promoteBatch(database(), target).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PipelineLockTimeoutError)
      expect((error as Error).message).toMatch(
        new RegExp(`^promotion of stocks is blocked by another session holding pipeline lock "promote:stocks" \\(pid ${pid}\\) for more than 1s`),
      )
      await writer.query('rollback')
      // Once the other session is gone the same batch promotes.
      expect((await promoteBatch(database(), target)).status).toBe('SUCCESS')
    } finally {
      await writer.end()
    }
  })
})
