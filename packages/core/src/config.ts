import { z } from 'zod'
import { ConfigError } from './errors.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1
  } catch {
    return false
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))

const number = () => z.coerce.number({ invalid_type_error: 'must be a number' }).finite('must be a number')
const positiveNumber = (fallback: number) => number().positive('must be greater than 0').default(fallback)
const wholeNumber = (min: number, max: number, fallback: number) =>
  number().int('must be a whole number').min(min, `must be at least ${min}`).max(max, `must be at most ${max}`).default(fallback)

/**
 * Every environment variable the project reads, in one place. `.env.example` documents
 * each of them; keep the two in step.
 */
export const environmentSchema = z.object({
  DATABASE_URL: optionalText.refine((value) => value === undefined || isPostgresUrl(value), {
    message: 'must be a URL like postgres://user:password@host:5432/database',
  }),
  EMBEDDED_DATA_DIR: z.string().trim().min(1).default('.data/pglite'),
  DATABASE_POOL_SIZE: wholeNumber(1, 100, 10),
  LOG_LEVEL: z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }).default('info'),
  MINUTE_BARS_RETENTION_DAYS: wholeNumber(1, 36_500, 730),
  KRX_BASE_URL: z.string().trim().url('must be an http(s) URL').default('https://data.krx.co.kr'),
  KRX_MEMBER_ID: optionalText,
  KRX_MEMBER_PASSWORD: optionalText,
  KRX_MAX_REQUESTS_PER_SECOND: positiveNumber(2),
  HTTP_TIMEOUT_MS: wholeNumber(100, 600_000, 30_000),
  SOURCE_PLAN: optionalText,
})

export type Environment = z.infer<typeof environmentSchema>

export interface AppConfig {
  /** Server connection string; undefined means the embedded database. */
  databaseUrl: string | undefined
  embeddedDataDir: string
  databasePoolSize: number
  logLevel: (typeof LOG_LEVELS)[number]
  minuteBarsRetentionDays: number
  krx: {
    baseUrl: string
    memberId: string | undefined
    memberPassword: string | undefined
    maxRequestsPerSecond: number
  }
  httpTimeoutMs: number
  /** JSON overrides of the source plan per dataset (primary + fallbacks); validated by the pipeline. */
  sourcePlanJson: string | undefined
}

export type EnvironmentVariable = keyof Environment

export interface LoadConfigOptions {
  /** Variables the calling command cannot do without (e.g. KRX credentials for a KRX run). */
  required?: readonly EnvironmentVariable[]
}

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env, options: LoadConfigOptions = {}): AppConfig {
  const parsed = environmentSchema.safeParse(env)
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = issue.path.join('.')
        const given = env[name]
        const shown = given === undefined ? 'missing' : `got "${isSecretVariable(name) ? '***' : maskSecretsInText(given)}"`
        return `${name}: ${issue.message} (${shown})`
      })
  for (const name of options.required ?? []) {
    if ((env[name] ?? '').trim() === '') problems.push(`${name}: required for this command but not set`)
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems)
  const e = parsed.data
  return {
    databaseUrl: e.DATABASE_URL,
    embeddedDataDir: e.EMBEDDED_DATA_DIR,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    minuteBarsRetentionDays: e.MINUTE_BARS_RETENTION_DAYS,
    krx: {
      baseUrl: e.KRX_BASE_URL,
      memberId: e.KRX_MEMBER_ID,
      memberPassword: e.KRX_MEMBER_PASSWORD,
      maxRequestsPerSecond: e.KRX_MAX_REQUESTS_PER_SECOND,
    },
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    sourcePlanJson: e.SOURCE_PLAN,
  }
}

function isSecretVariable(name: string): boolean {
  return /PASSWORD|SECRET|TOKEN|KEY/.test(name)
}

/** Replaces the password of any URL-like `scheme://user:password@host` in a text. */
export function maskSecretsInText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)@/gi, '$1***@')
}
