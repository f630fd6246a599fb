import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import pg from 'pg'
import { describe, expect, test } from 'vitest'
import { openMigratedTestDatabase, useMigratedDatabase } from '@kmd/db/testing'
import { createReaderLogin, generatePassword, parseRoleName, scramSha256Verifier } from '../src/commands/grant-reader.ts'
import { runCli, type CliResult } from './run-cli.ts'

const testDb = useMigratedDatabase()

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

/** `etl <args>` with text on its standard input. */
function runCliWithStdin(args: string[], env: Record<string, string>, input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['packages/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
    child.stdin.end(input)
  })
}

/**
 * The test server trusts loopback connections, so a login there proves nothing about the
 * password: check what the server stored instead (a SCRAM verifier, never the password).
 */
async function storedVerifierMatches(user: string, password: string): Promise<boolean> {
  const { rows } = await sql<{ rolpassword: string }>`select rolpassword from pg_authid where rolname = ${user}`.execute(testDb.current.database.db)
  const stored = rows[0]?.rolpassword ?? ''
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)
  if (!match) return false
  return scramSha256Verifier(password, Buffer.from(match[2]!, 'base64'), Number(match[1])) === stored
}

const uniqueLogin = () => `reader_${randomBytes(4).toString('hex')}`

/** Drops a login: first its privileges (CONNECT on databases), which would otherwise keep it. */
async function dropLogin(user: string): Promise<void> {
  const db = testDb.current.database.db
  const { rows } = await sql<{ exists: boolean }>`select exists (select 1 from pg_roles where rolname = ${user}) as exists`.execute(db)
  if (!rows[0]?.exists) return
  await sql`drop owned by ${sql.id(user)}`.execute(db)
  await sql`drop role ${sql.id(user)}`.execute(db)
}

/** Connects as the login, runs the checks, closes, and drops the login (roles outlive databases). */
async function asLogin(user: string, password: string, work: (client: pg.Client) => Promise<void>): Promise<void> {
  const url = new URL(testDb.current.url!)
  url.username = user
  url.password = password
  const client = new pg.Client({ connectionString: url.toString() })
  try {
    await client.connect()
    await work(client)
  } finally {
    await client.end().catch(() => undefined)
    await dropLogin(user)
  }
}

/** Whether `user` can open a session on the database at `databaseUrl` (trust auth: the password is not checked). */
async function canConnect(databaseUrl: string, user: string): Promise<true | string> {
  const url = new URL(databaseUrl)
  url.username = user
  url.password = 'unused-under-trust'
  const client = new pg.Client({ connectionString: url.toString() })
  try {
    await client.connect()
    return true
  } catch (error) {
    return (error as Error).message
  } finally {
    await client.end().catch(() => undefined)
  }
}

describe('pnpm etl grant-reader', () => {
  test('creates a login that reads production tables and cannot write, with its statement timeout', async (context) => {
    if (!testDb.current.url) context.skip()
    const user = uniqueLogin()
    const result = await runCli(['grant-reader', '--user', user], { DATABASE_URL: testDb.current.url })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const password = /password \(shown once; store it now\): (\S+)/.exec(result.stdout)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(await storedVerifierMatches(user, password!)).toBe(true)
    await asLogin(user, password!, async (client) => {
      await expect(client.query('select count(*) from ohlcv_daily')).resolves.toBeDefined()
      await expect(client.query('select * from data_freshness')).resolves.toBeDefined()
      await expect(client.query(`insert into ohlcv_daily (stock_code, time, close_price, volume, trading_value, source) values ('005930', '2024-01-02', 1, 0, 0, 'x')`)).rejects.toThrow(/read-only transaction|permission denied/)
      await expect(client.query(`update stocks set name = 'x'`)).rejects.toThrow(/read-only transaction|permission denied/)
      // Even outside the read-only default, the grants refuse.
      await client.query('set default_transaction_read_only = off')
      await expect(client.query('delete from data_collection_logs')).rejects.toThrow(/permission denied/)
      await expect(client.query('select * from staging.batches')).rejects.toThrow(/permission denied/)
      expect((await client.query('show statement_timeout')).rows[0].statement_timeout).toBe('30s')
      expect((await client.query('select pg_has_role(current_user, $1, $2) as member', ['market_reader', 'member'])).rows[0].member).toBe(true)
    })
  })

  test('--password-stdin takes the password from standard input and never prints it', async (context) => {
    if (!testDb.current.url) context.skip()
    const user = uniqueLogin()
    const password = `pw-${randomBytes(12).toString('hex')}'"\\$x`
    const result = await runCliWithStdin(['grant-reader', '--user', user, '--password-stdin', '--statement-timeout', '5min'], { DATABASE_URL: testDb.current.url! }, `${password}\n`)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain(password)
    expect(await storedVerifierMatches(user, password)).toBe(true)
    await asLogin(user, password, async (client) => {
      expect((await client.query('show statement_timeout')).rows[0].statement_timeout).toBe('5min')
    })
  })

  test('confines each login to its market database: it connects there, not to another market database on the server', async (context) => {
    if (!testDb.current.url) context.skip()
    const here = testDb.current.url!
    const other = await openMigratedTestDatabase()
    const [zero, earlier, second, first] = [uniqueLogin(), uniqueLogin(), uniqueLogin(), uniqueLogin()]
    const login = (user: string) => ({ user, password: generatePassword(), statementTimeout: '30s' })
    try {
      // This database has had its first grant-reader (PUBLIC's CONNECT taken) before the logins below exist.
      await createReaderLogin(testDb.current.database.db, login(zero))
      // A reader login that exists when the other database has its first grant-reader keeps its access there.
      await sql`create role ${sql.id(earlier)} login in role market_reader`.execute(other.database.db)
      const access = await createReaderLogin(other.database.db, login(second))
      expect(access).toMatchObject({ database: new URL(other.url!).pathname.slice(1), revokedFromPublic: true })
      expect(access.keptLogins).toContain(earlier)
      expect(access.keptLogins).not.toContain(second)

      const result = await runCli(['grant-reader', '--user', first], { DATABASE_URL: here })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`"${first}" is granted CONNECT on database "${new URL(here).pathname.slice(1)}" only`))

      expect(await canConnect(here, first)).toBe(true)
      expect(await canConnect(other.url!, first)).toMatch(/permission denied for database/)
      expect(await canConnect(other.url!, second)).toBe(true)
      expect(await canConnect(here, second)).toMatch(/permission denied for database/)
      expect(await canConnect(other.url!, earlier)).toBe(true)
      expect(await canConnect(here, earlier)).toMatch(/permission denied for database/)
      // The pipeline's group keeps its access; PUBLIC has none.
      const { rows } = await sql<{ writer: boolean; public: boolean }>`
        select has_database_privilege('market_writer', current_database(), 'CONNECT') as writer,
               has_database_privilege('public', current_database(), 'CONNECT') as public`.execute(testDb.current.database.db)
      expect(rows[0]).toEqual({ writer: true, public: false })
    } finally {
      for (const user of [zero, earlier, second, first]) await dropLogin(user)
      await other.dispose()
    }
  })

  test('refuses a login that already exists', async (context) => {
    if (!testDb.current.url) context.skip()
    const result = await runCli(['grant-reader', '--user', 'market_reader'], { DATABASE_URL: testDb.current.url })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/role "market_reader" already exists/)
  })

  test('refuses on the embedded database, which has no logins', async () => {
    const result = await runCli(['grant-reader', '--user', 'analyst'], { DATABASE_URL: undefined, EMBEDDED_DATA_DIR: 'memory://' })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/needs a PostgreSQL server \(set DATABASE_URL\).*PGlite/)
  })

  test('refuses names that are not plain identifiers before touching the database', async () => {
    for (const name of ['Analyst', 'a-b', 'x; drop role postgres', '1abc', 'pg_reader', 'a'.repeat(64)]) {
      expect(() => parseRoleName(name), name).toThrow()
    }
    const result = await runCli(['grant-reader', '--user', 'bad"name'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/not a valid login name/)
  })
})
