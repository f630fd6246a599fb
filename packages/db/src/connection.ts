import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { Kysely, PostgresDialect } from 'kysely'
import { PGliteDialect } from './pglite-dialect.ts'
import pg from 'pg'
import type { AppConfig } from '@kmd/core'
import { acquireDataDirLock } from './data-dir-lock.ts'
import { databaseTimeouts, type DatabaseTimeouts } from './environment.ts'
import { serverPool } from './server-pool.ts'
import type { Database } from './schema.ts'

export type Backend = 'server' | 'embedded'

/** An open database: a Kysely handle plus what bulk loaders need of the driver underneath. */
export interface MarketDatabase {
  readonly db: Kysely<Database>
  readonly backend: Backend
  /** Where it is, without secrets: shown in logs and `etl status`. */
  readonly location: string
  /** The embedded engine, for `COPY ... FROM '/dev/blob'` (embedded only). */
  readonly pglite: PGlite | undefined
  /** The server pool, for `COPY ... FROM STDIN` through pg-copy-streams (server only). */
  readonly pool: pg.Pool | undefined
  close(): Promise<void>
}

export type DatabaseSettings = Pick<AppConfig, 'databaseUrl' | 'embeddedDataDir' | 'databasePoolSize'> & {
  /** Server connection limits; each one unset comes from the environment (DATABASE_*_TIMEOUT_MS). */
  timeouts?: Partial<DatabaseTimeouts>
  /** Every transaction read-only (`default_transaction_read_only`): for readers such as the dashboard. */
  readOnly?: boolean
}

// Return int8 and numeric as JS values we can compare: bigint columns hold share counts and
// values in won that exceed 2^53 only in theory (KRX market caps are < 10^16), so numbers are
// exact; numeric stays a string to keep prices exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))
// Trade dates stay 'YYYY-MM-DD' strings: a JS Date would put them at a UTC instant and let a
// time zone move a bar onto the neighbouring day.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value)

/**
 * Opens the server named by `databaseUrl`, or the embedded TimescaleDB when it is unset.
 * `embeddedDataDir` may be `memory://` for a throwaway database (tests).
 * A server is connected to at once, so an unreachable or silent one fails here, within the
 * connect timeout, with a message naming its host and port.
 */
export async function openDatabase(settings: DatabaseSettings): Promise<MarketDatabase> {
  return settings.databaseUrl
    ? openServer(settings.databaseUrl, settings.databasePoolSize, { ...databaseTimeouts(), ...settings.timeouts }, settings.readOnly ?? false)
    : openEmbedded(settings.embeddedDataDir, settings.readOnly ?? false)
}

const READ_ONLY = 'set default_transaction_read_only = on'

async function openServer(databaseUrl: string, poolSize: number, timeouts: DatabaseTimeouts, readOnly: boolean): Promise<MarketDatabase> {
  const { pool, kyselyPool, verify } = serverPool(databaseUrl, poolSize, timeouts)
  // Set per session as it opens (not a start-up parameter, which pgbouncer would refuse); the
  // client runs it before any query it is given, and a session too broken to take it fails that query.
  if (readOnly) pool.on('connect', (client) => void client.query(READ_ONLY).catch(() => undefined))
  await verify()
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: kyselyPool }) })
  const url = new URL(databaseUrl)
  return {
    db,
    backend: 'server',
    location: `${url.protocol}//${url.username}${url.password ? ':***' : ''}${url.username ? '@' : ''}${url.host}${url.pathname}`,
    pglite: undefined,
    pool,
    close: () => db.destroy(),
  }
}

async function openEmbedded(dataDir: string, readOnly: boolean): Promise<MarketDatabase> {
  const inMemory = dataDir.startsWith('memory://')
  const path = inMemory ? dataDir : resolve(dataDir)
  if (!inMemory) await mkdir(path, { recursive: true })
  // One process per data folder: a second engine on the same files aborts inside WASM.
  const folderLock = inMemory ? undefined : acquireDataDirLock(path)
  let db: Kysely<Database>
  let pglite: PGlite
  try {
    // Loaded here, not at the top: the engine takes a while to load, and a server or `--help` needs none of it.
    const [{ PGlite }, { timescaledb }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/timescaledb')])
    pglite = await PGlite.create(path, {
      extensions: { timescaledb },
      // Same JS types as the server driver: int8 as number, numeric and date as strings.
      parsers: {
        [pg.types.builtins.INT8]: (value: string) => Number(value),
        [pg.types.builtins.DATE]: (value: string) => value,
      },
    })
    // A reopened data folder has the extension installed but not loaded: without this, the
    // hypertables' insert hooks are missing and every insert fails on the root table.
    await pglite.exec(`load 'timescaledb'`)
    if (readOnly) await pglite.exec(READ_ONLY)
    db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) })
  } catch (error) {
    folderLock?.release()
    throw error
  }
  return {
    db,
    backend: 'embedded',
    location: inMemory ? 'embedded (in memory)' : `embedded at ${path}`,
    pglite,
    pool: undefined,
    close: async () => {
      try {
        await db.destroy()
      } finally {
        folderLock?.release()
      }
    },
  }
}
