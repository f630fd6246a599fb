import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { migrateToLatest, openDatabase, type MarketDatabase } from '@kmd/db'

/**
 * Databases for the campaign outside vitest (`pnpm fault-campaign`): `@kmd/db/testing` registers
 * vitest hooks on import, so the script opens its own, the same two ways: an in-memory embedded
 * TimescaleDB, or a fresh database on a PostgreSQL server, dropped afterwards.
 */
export type CampaignBackend = 'embedded' | 'server'

export const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/test'

export interface CampaignDatabase {
  backend: CampaignBackend
  database: MarketDatabase
  /** Connection string of the database (server only). */
  url: string | undefined
  dispose(): Promise<void>
}

export async function openCampaignDatabase(backend: CampaignBackend, serverUrl = process.env.TEST_DATABASE_URL ?? LOCAL_SERVER_URL): Promise<CampaignDatabase> {
  let opened: CampaignDatabase
  if (backend === 'embedded') {
    const database = await openDatabase({ databaseUrl: undefined, embeddedDataDir: 'memory://', databasePoolSize: 1 })
    opened = { backend, database, url: undefined, dispose: () => database.close() }
  } else {
    const name = `kmd_campaign_${randomBytes(6).toString('hex')}`
    await admin(serverUrl, `create database ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    const database = await openDatabase({ databaseUrl: url.toString(), embeddedDataDir: '', databasePoolSize: 5 })
    opened = {
      backend, database, url: url.toString(),
      dispose: async () => {
        await database.close()
        await admin(serverUrl, `drop database if exists ${name} with (force)`)
      },
    }
  }
  const outcome = await migrateToLatest(opened.database.db)
  if (outcome.error) {
    await opened.dispose()
    throw outcome.error
  }
  return opened
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
