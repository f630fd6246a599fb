// A throwaway database for a bench run: an embedded one in a temporary folder, or a new
// database on the server, dropped again by dispose.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase, type MarketDatabase } from '@kmd/db'

/** `label` keeps benches that run at the same time apart (`kmd_bench_<label>_<pid>`). */
export async function openBenchDatabase(backend: 'embedded' | 'server', serverUrl: string, label = 'run'): Promise<{ database: MarketDatabase; dispose(): Promise<void> }> {
  if (backend === 'embedded') {
    const dir = await mkdtemp(join(tmpdir(), `kmd-bench-${label}-`))
    const database = await openDatabase({ databaseUrl: undefined, embeddedDataDir: dir, databasePoolSize: 1 })
    return { database, dispose: async () => { await database.close(); await rm(dir, { recursive: true, force: true }) } }
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
  return {
    database,
    dispose: async () => {
      await database.close()
      const cleanup = new pg.Client({ connectionString: serverUrl })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}
