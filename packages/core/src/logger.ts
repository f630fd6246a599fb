import { pino, stdSerializers, type DestinationStream, type Logger, type LoggerOptions } from 'pino'
import { maskSecretsInText, type LogFormat } from './config.ts'

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
  format?: LogFormat
  /** Where lines go; defaults to stdout (json) or stderr (human). Tests pass a stream to read what was written. */
  destination?: DestinationStream
  /** Human format: entries the caller counts or shows itself (true), instead of printing a line each. */
  swallow?: (entry: Record<string, unknown>) => boolean
}

/**
 * The project's logger: JSON lines (or, for people, short readable lines), secrets redacted
 * wherever they appear under a known key, and passwords masked inside connection strings and
 * error messages. Redaction happens before either format is written.
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
  if (settings.format === 'human') return pino(options, humanLines(settings.destination ?? process.stderr, settings.swallow))
  return settings.destination ? pino(options, settings.destination) : pino(options)
}

const LEVEL_LABELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warning', 50: 'error', 60: 'fatal' }
// Fields every line carries: the label and message say what a person needs of them.
const UNSHOWN_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'service', 'msg', 'err'])

/** Rewrites each JSON line as `warning: message (key=value, …): error message`, without the stack. */
function humanLines(target: DestinationStream, swallow: LoggerSettings['swallow']): DestinationStream {
  return {
    write: (line: string) => {
      const entry = JSON.parse(line) as Record<string, unknown>
      if (!swallow?.(entry)) target.write(`${humanLine(entry)}\n`)
    },
  }
}

export function humanLine(entry: Record<string, unknown>): string {
  const label = LEVEL_LABELS[entry.level as number] ?? String(entry.level)
  const details = Object.entries(entry)
    .filter(([key]) => !UNSHOWN_FIELDS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  const error = entry.err as { message?: string } | undefined
  return `${label}: ${entry.msg ?? ''}${details.length > 0 ? ` (${details.join(', ')})` : ''}${error?.message ? `: ${error.message}` : ''}`
}
