import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql'

/** Pinned: the same TimescaleDB as docker-compose.yml. */
export const TIMESCALEDB_IMAGE = 'timescale/timescaledb:2.23.0-pg17'

let started: Promise<StartedPostgreSqlContainer> | undefined

/** One container per test worker, shared by its files; each file still gets its own database. */
export async function containerDatabaseUrl(): Promise<string> {
  started ??= new PostgreSqlContainer(TIMESCALEDB_IMAGE).withDatabase('test').withUsername('postgres').withPassword('postgres').start()
  const container = await started
  return container.getConnectionUri()
}
