// A throwaway database for a bench run: an embedded one in a temporary folder, or a new
// database on the server, dropped again by dispose.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase, type MarketDatabase } from '@kmd/db'

export type BenchBackend = 'embedded' | 'server'

/** The variables with which another process (the `etl` CLI) opens the same database. */
export type DatabaseEnv = { DATABASE_URL: string } | { EMBEDDED_DATA_DIR: string }

export interface BenchDatabase {
  backend: BenchBackend
  database: MarketDatabase
  /**
   * Closes this process's connections and says how another process opens the same database:
   * the embedded folder admits one process at a time. `database` is not usable afterwards.
   */
  handOver(): Promise<DatabaseEnv>
  dispose(): Promise<void>
}

/** `label` keeps benches that run at the same time apart (`kmd_bench_<label>_<pid>`). */
export async function openBenchDatabase(backend: BenchBackend, serverUrl: string, label = 'run'): Promise<BenchDatabase> {
  if (backend === 'embedded') {
    const dir = await mkdtemp(join(tmpdir(), `kmd-bench-${label}-`))
    const database = await openDatabase({ databaseUrl: undefined, embeddedDataDir: dir, databasePoolSize: 1 })
    const close = closeOnce(database)
    return {
      backend, database,
      handOver: async () => { await close(); return { EMBEDDED_DATA_DIR: dir } },
      dispose: async () => { await close(); await rm(dir, { recursive: true, force: true }) },
    }
  }
  const name = `kmd_bench_${label}_${process.pid}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  await admin.query(`drop database if exists ${name} with (force)`)
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ databaseUrl: url.toString(), embeddedDataDir: '', databasePoolSize: 4 })
  const close = closeOnce(database)
  return {
    backend, database,
    handOver: async () => { await close(); return { DATABASE_URL: url.toString() } },
    dispose: async () => {
      await close()
      const cleanup = new pg.Client({ connectionString: serverUrl })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}

function closeOnce(database: MarketDatabase): () => Promise<void> {
  let closing: Promise<void> | undefined
  return () => (closing ??= database.close())
}
