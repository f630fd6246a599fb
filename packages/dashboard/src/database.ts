import type { AppConfig } from '@kmd/core'
import { openDatabase, type MarketDatabase } from '@kmd/db'

// Pages ask small questions; one that runs this long is a mistake, not a report worth waiting for.
const STATEMENT_TIMEOUT_MS = 30_000
const POOL_SIZE = 4

/**
 * The dashboard's own connection: DASHBOARD_DATABASE_URL (a reader login) when set, else the
 * pipeline's database; read-only transactions either way, so no page can write.
 */
export function openDashboardDatabase(config: Pick<AppConfig, 'dashboard' | 'databaseUrl' | 'embeddedDataDir'>): Promise<MarketDatabase> {
  return openDatabase({
    databaseUrl: config.dashboard.databaseUrl ?? config.databaseUrl,
    embeddedDataDir: config.embeddedDataDir,
    databasePoolSize: POOL_SIZE,
    readOnly: true,
    timeouts: { statementMs: STATEMENT_TIMEOUT_MS },
  })
}
