import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { acquirePipelineLock, PipelineLockTimeoutError } from '../src/index.ts'
import { useMigratedDatabase } from '../src/testing/index.ts'

const testDb = useMigratedDatabase()
const db = () => testDb.current.database.db

/** A second session on the test database (server backends only: the embedded engine has one connection). */
async function otherSession(user?: { name: string; password: string }): Promise<pg.Client> {
  const url = new URL(testDb.current.url!)
  if (user) {
    url.username = user.name
    url.password = user.password
  }
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  return client
}

/** A login in market_reader for the duration of `work`, dropped afterwards (roles outlive databases). */
async function withReaderLogin(work: (client: pg.Client) => Promise<void>): Promise<void> {
  const login = { name: `reader_${randomBytes(4).toString('hex')}`, password: randomBytes(12).toString('hex') }
  await sql`create role ${sql.id(login.name)} login password ${sql.lit(login.password)} in role market_reader`.execute(db())
  const client = await otherSession(login)
  try {
    await work(client)
  } finally {
    await client.end().catch(() => undefined)
    await sql`drop role ${sql.id(login.name)}`.execute(db())
  }
}

async function asReaderRole(database: Kysely<any>, statement: string): Promise<void> {
  await database.transaction().execute(async (trx) => {
    await sql`set local role market_reader`.execute(trx)
    await sql.raw(statement).execute(trx)
  })
}

describe('acquirePipelineLock', () => {
  test('holds the named lock until the transaction ends, and leaves lock_timeout as it was', async () => {
    await db().transaction().execute(async (trx) => {
      await sql`set local lock_timeout = '7s'`.execute(trx)
      await acquirePipelineLock(trx, 'promote:stocks', { timeoutMs: 1000 })
      const { rows } = await sql<{ lock_timeout: string }>`select current_setting('lock_timeout') as lock_timeout`.execute(trx)
      expect(rows[0]!.lock_timeout).toBe('7s')
      // Taking it again in the same transaction is fine (row locks are re-entrant).
      await acquirePipelineLock(trx, 'promote:stocks', { timeoutMs: 1000 })
    })
    const names = await sql<{ name: string }>`select name from pipeline_locks`.execute(db())
    expect(names.rows.map((r) => r.name)).toContain('promote:stocks')
  })

  test('market_reader can neither lock nor read the lock rows', async () => {
    for (const statement of [
      `select * from pipeline_locks`,
      `select * from pipeline_locks for update`,
      `select * from pipeline_locks for key share`,
      `lock table pipeline_locks in access share mode`,
      `insert into pipeline_locks (name) values ('promote:stocks')`,
    ]) {
      await expect(asReaderRole(db(), statement), statement).rejects.toThrow(/permission denied/)
    }
  })

  test('a reader login holding the old advisory key of a promotion no longer stalls it', async (context) => {
    if (!testDb.current.url) context.skip()
    await withReaderLogin(async (reader) => {
      await reader.query(`select pg_advisory_lock(hashtextextended('promote:stocks', 0))`)
      await reader.query(`select pg_advisory_lock(hashtextextended('validate:batch-1', 0))`)
      await expect(reader.query('begin; select * from pipeline_locks for update')).rejects.toThrow(/permission denied/)
      await reader.query('rollback')
      const started = performance.now()
      await db().transaction().execute(async (trx) => {
        await acquirePipelineLock(trx, 'promote:stocks', { timeoutMs: 5000 })
        await acquirePipelineLock(trx, 'validate:batch-1', { timeoutMs: 5000 })
      })
      expect(performance.now() - started).toBeLessThan(2000)
    })
  })

  test('a competing writer is waited for, and the lock is taken as soon as it commits', async (context) => {
    if (!testDb.current.url) context.skip()
    const writer = await otherSession()
    try {
      await writer.query('begin')
      await db().transaction().execute((trx) => acquirePipelineLock(trx, 'promote:sectors', { timeoutMs: 1000 })) // creates the row
      await writer.query(`select * from pipeline_locks where name = 'promote:sectors' for update`)
      setTimeout(() => void writer.query('commit'), 500)
      const started = performance.now()
      await db().transaction().execute((trx) => acquirePipelineLock(trx, 'promote:sectors', { timeoutMs: 10_000 }))
      const waited = performance.now() - started
      expect(waited).toBeGreaterThanOrEqual(400)
      expect(waited).toBeLessThan(5000)
    } finally {
      await writer.end()
    }
  })

  test('a competing writer holding it past the timeout gets a clear error naming its pid', async (context) => {
    if (!testDb.current.url) context.skip()
    const writer = await otherSession()
    try {
      const pid = (await writer.query('select pg_backend_pid() as pid')).rows[0].pid as number
      await writer.query('begin')
      // The writer takes the lock the way the pipeline does, inside its own transaction.
      await writer.query(`insert into pipeline_locks (name) values ('promote:index_components') on conflict do nothing`)
      await writer.query(`select * from pipeline_locks where name = 'promote:index_components' for update`)
      const started = performance.now()
      const error = await db()
        .transaction()
        .execute((trx) => acquirePipelineLock(trx, 'promote:index_components', { timeoutMs: 800, purpose: 'promotion of index_components' }))
        .catch((e: unknown) => e)
      expect(performance.now() - started).toBeLessThan(5000)
      expect(error).toBeInstanceOf(PipelineLockTimeoutError)
      expect((error as Error).message).toMatch(
        new RegExp(`^promotion of index_components is blocked by another session holding pipeline lock "promote:index_components" \\(pid ${pid}\\) for more than 0\\.8s`),
      )
      expect((error as PipelineLockTimeoutError).retryable).toBe(true)
      await writer.query('rollback')
    } finally {
      await writer.end()
    }
  })

  test('the holder is named even while its first use of a name is uncommitted', async (context) => {
    if (!testDb.current.url) context.skip()
    const writer = await otherSession()
    try {
      const pid = (await writer.query('select pg_backend_pid() as pid')).rows[0].pid as number
      await writer.query('begin')
      await writer.query(`insert into pipeline_locks (name) values ('validate:new-batch')`)
      const error = await db()
        .transaction()
        .execute((trx) => acquirePipelineLock(trx, 'validate:new-batch', { timeoutMs: 300, purpose: 'validation of batch new-batch' }))
        .catch((e: unknown) => e)
      expect((error as Error).message).toContain(`validation of batch new-batch is blocked by another session holding pipeline lock "validate:new-batch" (pid ${pid}) for more than 0.3s`)
      await writer.query('rollback')
    } finally {
      await writer.end()
    }
  })
})
