import { sql, type Kysely } from 'kysely'

export interface Capabilities {
  /** server_version_num / 10000, e.g. 15 or 17 */
  postgresMajor: number
  /** The embedded engine (PGlite in WASM), where TimescaleDB is built in and needs no preloading. */
  embedded: boolean
  /** `host:port` the session is connected to, when over TCP; for messages. */
  serverAddress: string | undefined
  /** The extension can be installed on this server. */
  timescaledbAvailable: boolean
  /** `timescaledb` is in shared_preload_libraries: the server can run it (it refuses CREATE EXTENSION otherwise). */
  timescaledbPreloaded: boolean
  /** The extension is installed in this database (hypertables and aggregates in use). */
  timescaledbInstalled: boolean
  timescaledbVersion: string | undefined
}

export async function detectCapabilities(db: Kysely<any>): Promise<Capabilities> {
  const { rows } = await sql<{
    version_num: string
    version: string
    server_address: string | null
    preload: string
    available: boolean
    installed_version: string | null
  }>`
    select current_setting('server_version_num') as version_num,
           version() as version,
           host(inet_server_addr()) || ':' || inet_server_port() as server_address,
           -- pg_settings hides this setting from a login without pg_read_all_settings (the
           -- pipeline's writer), where current_setting() would fail; only migrate needs it.
           coalesce((select setting from pg_settings where name = 'shared_preload_libraries'), '') as preload,
           exists (select 1 from pg_available_extensions where name = 'timescaledb') as available,
           (select extversion from pg_extension where extname = 'timescaledb') as installed_version
  `.execute(db)
  const row = rows[0]
  if (!row) throw new Error('capability query returned no row')
  return {
    postgresMajor: Math.floor(Number(row.version_num) / 10000),
    // PGlite reports itself as compiled by Emscripten.
    embedded: /emscripten/i.test(row.version),
    serverAddress: row.server_address ?? undefined,
    timescaledbAvailable: row.available,
    // Installed means loadable: the server refuses CREATE EXTENSION without the preload.
    timescaledbPreloaded: preloads(row.preload, 'timescaledb') || row.installed_version !== null,
    timescaledbInstalled: row.installed_version !== null,
    timescaledbVersion: row.installed_version ?? undefined,
  }
}

/**
 * Whether a shared_preload_libraries value names `library`: entries are comma-separated, may be
 * quoted, a path, end in `.so`, or name a versioned build (`timescaledb-2.23.0`).
 */
export function preloads(setting: string, library: string): boolean {
  return setting.split(',').some((entry) => {
    const name = (entry.trim().replace(/^"|"$/g, '').split('/').pop() ?? '').replace(/\.so$/, '')
    return name === library || name.startsWith(`${library}-`)
  })
}
