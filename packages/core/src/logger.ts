import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { maskSecretsInText } from './config.ts'

export type { Logger } from 'pino'

const SECRET_KEYS = [
  'password',
  'pw',
  'memberPassword',
  'appsecret',
  'appSecret',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'apiKey',
  'authorization',
  'Authorization',
  'cookie',
  'Cookie',
]

// pino's redact paths match fixed depths, so each key is listed at the depths we log at.
const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key}`, `*.headers.${key}`])
const URL_KEYS = ['databaseUrl', 'DATABASE_URL', 'url', 'connectionString']
const URL_PATHS = URL_KEYS.flatMap((key) => [key, `*.${key}`])

export interface LoggerSettings {
  level?: LoggerOptions['level']
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  destination?: DestinationStream
}

/**
 * The project's logger: JSON lines, secrets redacted wherever they appear under a known key,
 * and passwords masked inside connection strings and error messages.
 */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: 'korea-market-data' },
    redact: {
      paths: [...REDACT_PATHS, ...URL_PATHS],
      censor: (value: unknown, path: string[]) => {
        const key = path[path.length - 1] ?? ''
        if (URL_KEYS.includes(key) && typeof value === 'string') return maskSecretsInText(value)
        return '[redacted]'
      },
    },
    serializers: {
      err: (error: unknown) => {
        const serialized = stdSerializers.err(error as Error)
        if (typeof serialized.message === 'string') serialized.message = maskSecretsInText(serialized.message)
        if (typeof serialized.stack === 'string') serialized.stack = maskSecretsInText(serialized.stack)
        return serialized
      },
    },
  }
  return settings.destination ? pino(options, settings.destination) : pino(options)
}
