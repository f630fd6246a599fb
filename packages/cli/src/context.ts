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
  const logger = commandLogger(config)
  const database = await openDatabase(config)
  try {
    return await work({ config, logger, database })
  } finally {
    await database.close()
  }
}

/** The command will not do what was asked (a day not yet final, a source without its login); the message says why. */
export class RefusedError extends Error {}

const LEVELS_BY_SEVERITY = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const

/**
 * The logger of a command: a command people read (`people`) prints its own lines on stdout, so
 * its logs are short readable lines on stderr, warnings and worse; a service (`service`) logs
 * JSON lines at LOG_LEVEL for a log collector. LOG_FORMAT chooses either way.
 */
export function commandLogger(config: AppConfig, audience: 'people' | 'service' = 'people'): Logger {
  const format = config.logFormat ?? (audience === 'people' ? 'human' : 'json')
  if (format === 'json') return createLogger({ level: config.logLevel, format })
  const atLeastWarn = LEVELS_BY_SEVERITY.indexOf(config.logLevel) < LEVELS_BY_SEVERITY.indexOf('warn') ? 'warn' : config.logLevel
  return createLogger({ level: atLeastWarn, format })
}
