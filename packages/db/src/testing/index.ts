import { afterAll, beforeAll } from 'vitest'
import { openDatabase, type MarketDatabase } from '../connection.ts'
import { migrateToLatest, type MigrateOptions } from '../migrator.ts'
import { LOCAL_TEST_DATABASE_URL } from './resolve-backend.ts'
import { createTestDatabase, dropTestDatabase } from './server-databases.ts'

export { resolveServerTestTarget, LOCAL_TEST_DATABASE_URL } from './resolve-backend.ts'
export { sweepLeftovers, TEST_DATABASE_PREFIX } from './server-databases.ts'

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
 * database created on the test server (dropped again by `dispose`, and whatever else happens:
 * see server-databases.ts).
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
  const name = await createTestDatabase(serverUrl)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  let database: MarketDatabase
  try {
    database = await openDatabase({ databaseUrl: url.toString(), embeddedDataDir: '', databasePoolSize: 5 })
  } catch (error) {
    await dropTestDatabase(serverUrl, name).catch(() => undefined)
    throw error
  }
  let disposed: Promise<void> | undefined
  return {
    database,
    backend,
    url: url.toString(),
    dispose: () =>
      (disposed ??= (async () => {
        try {
          await database.close()
        } finally {
          await dropTestDatabase(serverUrl, name)
        }
      })()),
  }
}

/** Opens and migrates a test database, throwing (after dropping it) if a migration fails. */
export async function openMigratedTestDatabase(options: MigrateOptions = {}): Promise<TestDatabase> {
  const test = await openTestDatabase()
  try {
    const outcome = await migrateToLatest(test.database.db, options)
    if (outcome.error) throw outcome.error
  } catch (error) {
    await test.dispose().catch(() => undefined)
    throw error
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
