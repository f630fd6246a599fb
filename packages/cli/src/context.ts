import { existsSync } from 'node:fs'
import { createLogger, HTTP_RETRY_MESSAGE, loadConfig, type AppConfig, type Dataset, type Logger, type SourceName } from '@kmd/core'
import { isMigrated, openDatabase, type MarketDatabase } from '@kmd/db'
import { plannedSources, sourcesPassedOver, type SourcePlan } from '@kmd/pipeline'

export interface CommandContext {
  config: AppConfig
  logger: Logger
  database: MarketDatabase
}

/**
 * Loads configuration (failing fast on bad variables), runs `check` on it (a refusal there comes
 * before any connection or request), opens the database, refuses an unmigrated one unless
 * `unmigrated` is allowed (`etl migrate`), always closes it.
 */
export async function withDatabase<T>(
  work: (context: CommandContext) => Promise<T>,
  options: { check?: (config: AppConfig) => void; unmigrated?: 'allowed' } = {},
): Promise<T> {
  const config = loadConfig(process.env)
  options.check?.(config)
  const logger = commandLogger(config)
  const database = await openDatabase(config)
  try {
    if (options.unmigrated !== 'allowed' && !(await isMigrated(database.db))) throw new RefusedError(`the database (${database.location}) is not migrated: run \`pnpm etl migrate\` first`)
    return await work({ config, logger, database })
  } finally {
    await database.close()
  }
}

/**
 * Reads `.env` from the working folder, or the file ENV_FILE names (`none`: no file), into the
 * environment; a variable the environment already sets, even blank, keeps its value.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env): void {
  const path = env.ENV_FILE ?? '.env'
  if (path === 'none') return
  if (existsSync(path)) process.loadEnvFile(path)
  else if (env.ENV_FILE !== undefined) throw new RefusedError(`ENV_FILE names ${path}, which does not exist`)
}

/** The command will not do what was asked (a day not yet final, a source without its login); the message says why. */
export class RefusedError extends Error {}

/** Refuses, naming the variables, when the source a command asks first has no login. */
export function requireCredentials(config: AppConfig, source: SourceName): void {
  const unset = config.unsetCredentials[source]
  if (unset.length > 0) throw new RefusedError(`${source} needs ${unset.join(' and ')}, not set (set ${unset.length > 1 ? 'them' : 'it'} in .env or the environment)`)
}

/**
 * For a command that follows the plan: refuses when its primary source has no login, and names
 * in one warning line the fallbacks passed over for the same reason.
 */
export function checkPlanCredentials(config: AppConfig, plan: SourcePlan, dataset: Dataset): void {
  requireCredentials(config, plan[dataset].primary)
  const passedOver = sourcesPassedOver(config, plannedSources(plan, dataset))
  if (passedOver.length > 0) console.error(`warning: ${dataset}: passing over ${passedOver.map(({ source, unset }) => `${source} (${unset.join(', ')} not set)`).join(' and ')}`)
}

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
  return createLogger({ level: atLeastWarn, format, swallow: countRetry })
}

// Retries of HTTP requests this command made, per source: a summary shows them as a count.
const retriesBySource = new Map<string, number>()

function countRetry(entry: Record<string, unknown>): boolean {
  if (entry.msg !== HTTP_RETRY_MESSAGE) return false
  const source = String(entry.source ?? 'source')
  retriesBySource.set(source, (retriesBySource.get(source) ?? 0) + 1)
  return true
}

/** `HTTP retries: kis 2, krx 1`, or undefined when no request was retried (or logs are JSON lines, which carry each retry). */
export function retriesLine(): string | undefined {
  if (retriesBySource.size === 0) return undefined
  return `HTTP retries: ${[...retriesBySource].map(([source, count]) => `${source} ${count}`).join(', ')}`
}
