import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll } from 'vitest'
import { openDatabase, type MarketDatabase } from '../connection.ts'
import { migrateToLatest } from '../migrator.ts'
import { LOCAL_TEST_DATABASE_URL } from './resolve-backend.ts'

export { resolveServerTestTarget, LOCAL_TEST_DATABASE_URL } from './resolve-backend.ts'

export type TestBackend = 'embedded' | 'server' | 'container'

export interface TestDatabase {
  database: MarketDatabase
  backend: TestBackend
  /** Connection string of the per-file database (server backends only). */
  url: string | undefined
  /** Closes the connection and drops the per-file database. */
  dispose(): Promise<void>
}

export function testBackend(env: NodeJS.ProcessEnv = process.env): TestBackend {
  const value = env.TEST_BACKEND ?? (env.TEST_DATABASE_URL ? 'server' : 'embedded')
  if (value !== 'embedded' && value !== 'server' && value !== 'container') {
    throw new Error(`TEST_BACKEND must be embedded, server or container (got "${value}")`)
  }
  return value
}

/**
 * A fresh, empty database for one test file: an in-memory embedded TimescaleDB, or a new
 * database created on the test server (dropped again by `dispose`).
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  const backend = testBackend()
  if (backend === 'embedded') {
    const database = await openDatabase({ databaseUrl: undefined, embeddedDataDir: 'memory://', databasePoolSize: 1 })
    return { database, backend, url: undefined, dispose: () => database.close() }
  }
  const serverUrl =
    backend === 'container'
      ? await (await import('./container.ts')).containerDatabaseUrl()
      : (process.env.TEST_DATABASE_URL ?? LOCAL_TEST_DATABASE_URL)
  const name = `kmd_test_${randomBytes(6).toString('hex')}`
  await withAdminClient(serverUrl, (client) => client.query(`create database ${name}`))
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: url.toString(), embeddedDataDir: '', databasePoolSize: 5 })
  return {
    database,
    backend,
    url: url.toString(),
    dispose: async () => {
      await database.close()
      await withAdminClient(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`))
    },
  }
}

async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(
      `cannot reach the test server at ${url.replace(/:[^:@/]*@/, ':***@')}: ${(error as Error).message}. ` +
        'Start PostgreSQL or set TEST_DATABASE_URL.',
    )
  }
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Opens and migrates a test database, throwing if a migration fails. */
export async function openMigratedTestDatabase(): Promise<TestDatabase> {
  const test = await openTestDatabase()
  const outcome = await migrateToLatest(test.database.db)
  if (outcome.error) {
    await test.dispose()
    throw outcome.error
  }
  return test
}

/**
 * Registers beforeAll/afterAll hooks for a migrated database shared by the tests of one file.
 * Read `.current` inside tests.
 */
export function useMigratedDatabase(): { readonly current: TestDatabase } {
  let current: TestDatabase | undefined
  beforeAll(async () => {
    current = await openMigratedTestDatabase()
  })
  afterAll(async () => {
    await current?.dispose()
  })
  return {
    get current() {
      if (!current) throw new Error('test database not open yet: read it inside a test or hook')
      return current
    },
  }
}
