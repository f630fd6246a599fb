import { sql, type Kysely } from 'kysely'

export interface Capabilities {
  /** server_version_num / 10000, e.g. 15 or 17 */
  postgresMajor: number
  /** The extension can be installed on this server. */
  timescaledbAvailable: boolean
  /** The extension is installed in this database (hypertables and aggregates in use). */
  timescaledbInstalled: boolean
  timescaledbVersion: string | undefined
}

export async function detectCapabilities(db: Kysely<any>): Promise<Capabilities> {
  const { rows } = await sql<{
    version_num: string
    available: boolean
    installed_version: string | null
  }>`
    select current_setting('server_version_num') as version_num,
           exists (select 1 from pg_available_extensions where name = 'timescaledb') as available,
           (select extversion from pg_extension where extname = 'timescaledb') as installed_version
  `.execute(db)
  const row = rows[0]
  if (!row) throw new Error('capability query returned no row')
  return {
    postgresMajor: Math.floor(Number(row.version_num) / 10000),
    timescaledbAvailable: row.available,
    timescaledbInstalled: row.installed_version !== null,
    timescaledbVersion: row.installed_version ?? undefined,
  }
}
