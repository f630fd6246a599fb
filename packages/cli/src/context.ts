import { createLogger, loadConfig, type AppConfig, type LoadConfigOptions, type Logger } from '@kmd/core'
import { openDatabase, type MarketDatabase } from '@kmd/db'

export interface CommandContext {
  config: AppConfig
  logger: Logger
  database: MarketDatabase
}

/** Loads configuration (failing fast on bad variables), opens the database, always closes it. */
export async function withDatabase<T>(work: (context: CommandContext) => Promise<T>, options: LoadConfigOptions = {}): Promise<T> {
  const config = loadConfig(process.env, options)
  const logger = createLogger({ level: config.logLevel })
  const database = await openDatabase(config)
  try {
    return await work({ config, logger, database })
  } finally {
    await database.close()
  }
}
