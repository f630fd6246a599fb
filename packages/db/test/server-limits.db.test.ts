import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDatabase, type MarketDatabase } from '../src/index.ts'
import { openTestDatabase, type TestDatabase } from '../src/testing/index.ts'

let target: TestDatabase
let limited: MarketDatabase | undefined

beforeAll(async () => {
  target = await openTestDatabase()
  if (target.url) {
    limited = await openDatabase({ databaseUrl: target.url, embeddedDataDir: '', databasePoolSize: 2, timeouts: { statementMs: 1000, idleInTransactionMs: 2000 } })
  }
})
afterAll(async () => {
  await limited?.close()
  await target?.dispose()
})

describe('server session limits', () => {
  test('every pipeline session has a finite statement_timeout and idle_in_transaction_session_timeout by default', async (context) => {
    if (!target.url) context.skip()
    const { rows } = await sql<{ statement_timeout: string; idle: string }>`
      select current_setting('statement_timeout') as statement_timeout,
             current_setting('idle_in_transaction_session_timeout') as idle`.execute(target.database.db)
    expect(rows[0]).toEqual({ statement_timeout: '1h', idle: '10min' })
  })

  test('a statement longer than DATABASE_STATEMENT_TIMEOUT_MS is cancelled by the server, and the pool goes on working', async (context) => {
    if (!limited) context.skip()
    const started = performance.now()
    await expect(sql`select pg_sleep(5)`.execute(limited!.db)).rejects.toThrow(/statement timeout/)
    expect(performance.now() - started).toBeLessThan(4000)
    expect((await sql<{ one: number }>`select 1 as one`.execute(limited!.db)).rows).toEqual([{ one: 1 }])
  })

  test('a session idle inside a transaction longer than DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS is ended by the server, without crashing the process', async (context) => {
    if (!limited) context.skip()
    // Through Kysely, as the pipeline runs: the server ends the session between statements.
    const failure = await limited!.db
      .connection()
      .execute(async (connection) => {
        await sql`begin`.execute(connection)
        await new Promise((resolve) => setTimeout(resolve, 2600))
        await sql`select 1`.execute(connection)
      })
      .catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(Error)
    // The broken connection was dropped, not handed out again.
    expect((await sql<{ one: number }>`select 1 as one`.execute(limited!.db)).rows).toEqual([{ one: 1 }])

    const client = await limited!.pool!.connect()
    let ended: Error | undefined
    client.on('error', (error) => (ended = error))
    try {
      await client.query('begin')
      await new Promise((resolve) => setTimeout(resolve, 3500))
      expect(ended).toBeInstanceOf(Error) // the server ended the session
    } finally {
      client.release(true)
    }
  })
})
