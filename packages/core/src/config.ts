import { z } from 'zod'
import { ConfigError } from './errors.ts'
import { SOURCES, type SourceName } from './records.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
/** json: one JSON object a line, for log collectors; human: one short readable line, for a terminal. */
export const LOG_FORMATS = ['json', 'human'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

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
// KRX index ids `indIdx/indIdx2`, comma-separated: `1/028` KOSPI 200, `2/203` KOSDAQ 150.
const krxIndexList = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value?.trim() || fallback).split(',').map((id) => id.trim()).filter((id) => id !== ''))
    .refine((ids) => ids.length > 0 && ids.every((id) => /^[0-9]\/[0-9A-Z]{3}$/.test(id)), {
      message: 'must be comma-separated KRX index ids like 1/028,2/203',
    })

// KIS Developers hosts: the real environment and the mock (모의투자) one; requests per second KIS allows each.
const KIS_ENVIRONMENTS = {
  real: { baseUrl: 'https://openapi.koreainvestment.com:9443', maxRequestsPerSecond: 20 },
  mock: { baseUrl: 'https://openapivts.koreainvestment.com:29443', maxRequestsPerSecond: 2 },
} as const
/** Below this share of a partition's expected keys delivered, a run is PARTIAL (COMPLETENESS_THRESHOLD). */
export const DEFAULT_COMPLETENESS_THRESHOLD = 0.99

/**
 * Days a promoted batch keeps its staged rows (STAGING_RETENTION_DAYS); its quarantined rows stay
 * until a person clears them. 0 purges a batch as soon as its promotion has committed.
 */
export const DEFAULT_STAGING_RETENTION_DAYS = 30

const DAY_MS = 24 * 60 * 60_000
// Database limits in whole milliseconds; 0 turns a server-side limit off where the minimum allows it.
const milliseconds = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z
      .string()
      .trim()
      .regex(/^\d+$/, `must be a whole number of milliseconds from ${min} to ${max}`)
      .transform(Number)
      .refine((value) => value >= min && value <= max, `must be a whole number of milliseconds from ${min} to ${max}`)
      .default(String(fallback)),
  )
export const TIMESCALE_MODES = ['auto', 'on', 'off'] as const

const blankAsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

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
  DATABASE_CONNECT_TIMEOUT_MS: milliseconds(100, 600_000, 10_000),
  DATABASE_STATEMENT_TIMEOUT_MS: milliseconds(0, 7 * DAY_MS, 60 * 60_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: milliseconds(0, DAY_MS, 10 * 60_000),
  PIPELINE_LOCK_TIMEOUT_MS: milliseconds(1, DAY_MS, 5 * 60_000),
  TIMESCALEDB: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() || undefined : value),
    z.enum(TIMESCALE_MODES, { errorMap: () => ({ message: 'must be auto, on or off' }) }).default('auto'),
  ),
  LOG_LEVEL: z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }).default('info'),
  LOG_FORMAT: z.preprocess(blankAsUnset, z.enum(LOG_FORMATS, { errorMap: () => ({ message: `must be one of ${LOG_FORMATS.join(', ')}` }) }).optional()),
  MINUTE_BARS_RETENTION_DAYS: wholeNumber(1, 36_500, 730),
  MINUTE_BARS_COMPRESS_AFTER_DAYS: wholeNumber(1, 36_500, 7),
  STAGING_RETENTION_DAYS: wholeNumber(0, 36_500, DEFAULT_STAGING_RETENTION_DAYS),
  KRX_BASE_URL: z.string().trim().url('must be an http(s) URL').default('https://data.krx.co.kr'),
  KRX_MEMBER_ID: optionalText,
  KRX_MEMBER_PASSWORD: optionalText,
  KRX_MAX_REQUESTS_PER_SECOND: positiveNumber(2),
  KRX_INDEXES: krxIndexList('1/028,2/203'),
  NAVER_BASE_URL: z.string().trim().url('must be an http(s) URL').default('https://finance.naver.com'),
  NAVER_MAX_REQUESTS_PER_SECOND: positiveNumber(2),
  INFOMAX_BASE_URL: z.string().trim().url('must be an http(s) URL').default('https://infomaxy.einfomax.co.kr'),
  INFOMAX_API_TOKEN: optionalText,
  INFOMAX_MAX_REQUESTS_PER_MINUTE: positiveNumber(60),
  KIS_ENV: z.enum(['real', 'mock'], { errorMap: () => ({ message: 'must be real or mock' }) }).default('real'),
  KIS_BASE_URL: z.preprocess(blankAsUnset, z.string().trim().url('must be an http(s) URL').optional()),
  KIS_APP_KEY: optionalText,
  KIS_APP_SECRET: optionalText,
  // More apps of the same account, `appkey:appsecret` pairs separated by commas: per-stock loads
  // (minute bars: four calls per stock and day) spread over every key, each paced under its own limit.
  KIS_EXTRA_APP_KEYS: z.preprocess(
    blankAsUnset,
    z
      .string()
      .optional()
      .transform((text, context) => {
        const pairs = (text ?? '').split(',').map((pair) => pair.trim()).filter((pair) => pair !== '')
        return pairs.map((pair, i) => {
          const [appKey, appSecret, ...rest] = pair.split(':').map((part) => part.trim())
          if (!appKey || !appSecret || rest.length > 0) {
            context.addIssue({ code: z.ZodIssueCode.custom, message: `entry ${i + 1} is not appkey:appsecret` })
            return { appKey: '', appSecret: '' }
          }
          return { appKey, appSecret }
        })
      }),
  ),
  KIS_CUSTTYPE: z.enum(['P', 'B'], { errorMap: () => ({ message: 'must be P (individual) or B (partner)' }) }).default('P'),
  KIS_MAX_REQUESTS_PER_SECOND: z.preprocess(blankAsUnset, number().positive('must be greater than 0').optional()),
  KIS_TOKEN_CACHE_DIR: z.string().trim().min(1).default('.data/kis-token'),
  HTTP_TIMEOUT_MS: wholeNumber(100, 600_000, 30_000),
  SOURCE_PLAN: optionalText,
  SCHEDULE_FILE: optionalText,
  SCHEDULE_CATCH_UP_HOURS: wholeNumber(0, 720, 6),
  SCHEDULER_PORT: wholeNumber(0, 65_535, 9464),
  ALERT_WEBHOOK_URL: optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s]+$/.test(value), { message: 'must be an http(s) URL' }),
  COMPLETENESS_THRESHOLD: number().gt(0, 'must be greater than 0').max(1, 'must be at most 1').default(DEFAULT_COMPLETENESS_THRESHOLD),
  ALERT_PARTIAL_REJECT_RATIO: number().min(0, 'must be at least 0').max(1, 'must be at most 1').default(0.01),
  DASHBOARD_HOST: z.string().trim().min(1, 'must be a host name or address').default('127.0.0.1'),
  DASHBOARD_DATABASE_URL: optionalText.refine((value) => value === undefined || isPostgresUrl(value), {
    message: 'must be a URL like postgres://reader:password@host:5432/database',
  }),
  REPORT_DIR: z.string().trim().min(1).default('.data/reports'),
})

export type Environment = z.infer<typeof environmentSchema>

/** The database's own limits and TimescaleDB choice, read wherever a connection is opened. */
export interface DatabaseSettings {
  /** TCP connect plus the start-up handshake of one connection. */
  connectTimeoutMs: number
  /** Server-side `statement_timeout` of the pipeline's sessions: generous for bulk loads, but finite; 0 = none. */
  statementTimeoutMs: number
  /** Server-side `idle_in_transaction_session_timeout`; 0 = none. */
  idleInTransactionTimeoutMs: number
  /** Longest wait for another session's hold of a pipeline lock. */
  pipelineLockTimeoutMs: number
  /** `auto`: TimescaleDB when the server can; `on`: insist on it; `off`: plain tables (aggregates included). */
  timescaledb: (typeof TIMESCALE_MODES)[number]
}

export interface AppConfig {
  database: DatabaseSettings
  /** Server connection string; undefined means the embedded database. */
  databaseUrl: string | undefined
  embeddedDataDir: string
  databasePoolSize: number
  logLevel: (typeof LOG_LEVELS)[number]
  /** Unset: the command's own choice (readable lines for commands people read, JSON for services). */
  logFormat: LogFormat | undefined
  minuteBarsRetentionDays: number
  /** Days after which minute bars are compressed, segmented by stock (TimescaleDB only). */
  minuteBarsCompressAfterDays: number
  /** Days a promoted batch's rows that reached production stay in staging (0: purged right after promotion). */
  stagingRetentionDays: number
  /** Per source, its credentials (SOURCE_CREDENTIALS) that are not set; empty: it can be asked. */
  unsetCredentials: Record<SourceName, readonly EnvironmentVariable[]>
  krx: {
    baseUrl: string
    memberId: string | undefined
    memberPassword: string | undefined
    maxRequestsPerSecond: number
  }
  /** KRX indexes whose constituents are collected, as `indIdx/indIdx2` (e.g. `1/028`). */
  krxIndexes: readonly string[]
  naver: {
    baseUrl: string
    maxRequestsPerSecond: number
  }
  infomax: {
    baseUrl: string
    /** Sent as `Authorization: bearer <token>`; undefined until the terminal's screen 9000 issues one. */
    apiToken: string | undefined
    maxRequestsPerMinute: number
  }
  kis: {
    /** `real` or `mock` (모의투자): picks the default host and pacing; some APIs exist in `real` only. */
    env: 'real' | 'mock'
    baseUrl: string
    appKey: string | undefined
    appSecret: string | undefined
    /** More apps (KIS_EXTRA_APP_KEYS) the per-stock loads spread over; empty by default. */
    extraApps?: ReadonlyArray<{ readonly appKey: string; readonly appSecret: string }>
    /** `P` individual, `B` partner. */
    custType: 'P' | 'B'
    maxRequestsPerSecond: number
    /** Where the access token is kept between runs (one file per app key, readable by its owner only). */
    tokenCacheDir: string
  }
  httpTimeoutMs: number
  /** Share of a daily partition's expected keys (listed stocks, × investor types) below which the day is incomplete. */
  completenessThreshold: number
  /** JSON overrides of the source plan per dataset (primary + fallbacks); validated by the pipeline. */
  sourcePlanJson: string | undefined
  scheduler: {
    /** JSON file of job overrides (cron, enabled, freshness limit, new jobs); undefined = the defaults. */
    scheduleFile: string | undefined
    /** Slots missed within this many hours are run once when the scheduler (re)starts. */
    catchUpHours: number
    /** Port of /healthz and /metrics; 0 picks a free one. */
    port: number
  }
  alerts: {
    /** Slack-compatible incoming webhook; a secret (its path is the token), never logged. */
    webhookUrl: string | undefined
    /** PARTIAL runs rejecting more than this share of fetched rows raise an alert. */
    partialRejectRatio: number
  }
  dashboard: {
    /** Address the dashboard listens on; 127.0.0.1 unless it is meant to be reached from elsewhere. */
    host: string
    /** A read-only login (e.g. one made by `etl grant-reader`); undefined: the pipeline's own database, opened read-only. */
    databaseUrl: string | undefined
  }
  /** Where the weekly data-quality report is written. */
  reportDir: string
}

export type EnvironmentVariable = keyof Environment

/** The login each source needs; a source with none unset is the only kind a command may ask. */
export const SOURCE_CREDENTIALS: Record<SourceName, readonly EnvironmentVariable[]> = {
  krx: ['KRX_MEMBER_ID', 'KRX_MEMBER_PASSWORD'],
  kis: ['KIS_APP_KEY', 'KIS_APP_SECRET'],
  infomax: ['INFOMAX_API_TOKEN'],
  naver: [],
  file: [],
}

// One line per bad variable, its value shown unless it is a secret.
function problemsOf(error: z.ZodError | undefined, env: Record<string, string | undefined>): string[] {
  return (error?.issues ?? []).map((issue) => {
    const name = issue.path.join('.')
    const given = env[name]
    const shown = given === undefined ? 'missing' : `got "${isSecretVariable(name) ? '***' : maskSecretsInText(given)}"`
    return `${name}: ${issue.message} (${shown})`
  })
}

const databaseSchema = environmentSchema.pick({
  DATABASE_CONNECT_TIMEOUT_MS: true,
  DATABASE_STATEMENT_TIMEOUT_MS: true,
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: true,
  PIPELINE_LOCK_TIMEOUT_MS: true,
  TIMESCALEDB: true,
})

function databaseSettingsOf(e: z.infer<typeof databaseSchema>): DatabaseSettings {
  return {
    connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    pipelineLockTimeoutMs: e.PIPELINE_LOCK_TIMEOUT_MS,
    timescaledb: e.TIMESCALEDB,
  }
}

/**
 * The database variables alone, for the places that open connections without a whole
 * configuration (the db package, tests, benchmarks); the same schema as `loadConfig`'s.
 */
export function loadDatabaseSettings(env: Record<string, string | undefined> = process.env): DatabaseSettings {
  const parsed = databaseSchema.safeParse(env)
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error, env))
  return databaseSettingsOf(parsed.data)
}

/** Reads and validates the environment; throws one ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(env)
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error, env))
  const e = parsed.data
  return {
    database: databaseSettingsOf(e),
    databaseUrl: e.DATABASE_URL,
    embeddedDataDir: e.EMBEDDED_DATA_DIR,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    unsetCredentials: Object.fromEntries(
      SOURCES.map((source) => [source, SOURCE_CREDENTIALS[source].filter((name) => e[name] === undefined)]),
    ) as unknown as AppConfig['unsetCredentials'],
    minuteBarsRetentionDays: e.MINUTE_BARS_RETENTION_DAYS,
    minuteBarsCompressAfterDays: e.MINUTE_BARS_COMPRESS_AFTER_DAYS,
    stagingRetentionDays: e.STAGING_RETENTION_DAYS,
    krx: {
      baseUrl: e.KRX_BASE_URL,
      memberId: e.KRX_MEMBER_ID,
      memberPassword: e.KRX_MEMBER_PASSWORD,
      maxRequestsPerSecond: e.KRX_MAX_REQUESTS_PER_SECOND,
    },
    krxIndexes: e.KRX_INDEXES,
    naver: { baseUrl: e.NAVER_BASE_URL, maxRequestsPerSecond: e.NAVER_MAX_REQUESTS_PER_SECOND },
    infomax: {
      baseUrl: e.INFOMAX_BASE_URL,
      apiToken: e.INFOMAX_API_TOKEN,
      maxRequestsPerMinute: e.INFOMAX_MAX_REQUESTS_PER_MINUTE,
    },
    kis: {
      env: e.KIS_ENV,
      baseUrl: e.KIS_BASE_URL ?? KIS_ENVIRONMENTS[e.KIS_ENV].baseUrl,
      appKey: e.KIS_APP_KEY,
      appSecret: e.KIS_APP_SECRET,
      extraApps: e.KIS_EXTRA_APP_KEYS,
      custType: e.KIS_CUSTTYPE,
      maxRequestsPerSecond: e.KIS_MAX_REQUESTS_PER_SECOND ?? KIS_ENVIRONMENTS[e.KIS_ENV].maxRequestsPerSecond,
      tokenCacheDir: e.KIS_TOKEN_CACHE_DIR,
    },
    httpTimeoutMs: e.HTTP_TIMEOUT_MS,
    completenessThreshold: e.COMPLETENESS_THRESHOLD,
    sourcePlanJson: e.SOURCE_PLAN,
    scheduler: { scheduleFile: e.SCHEDULE_FILE, catchUpHours: e.SCHEDULE_CATCH_UP_HOURS, port: e.SCHEDULER_PORT },
    alerts: { webhookUrl: e.ALERT_WEBHOOK_URL, partialRejectRatio: e.ALERT_PARTIAL_REJECT_RATIO },
    dashboard: { host: e.DASHBOARD_HOST, databaseUrl: e.DASHBOARD_DATABASE_URL },
    reportDir: e.REPORT_DIR,
  }
}

function isSecretVariable(name: string): boolean {
  return /PASSWORD|SECRET|TOKEN|KEY|WEBHOOK/.test(name)
}

/** Replaces the password of any URL-like `scheme://user:password@host` in a text. */
export function maskSecretsInText(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)@/gi, '$1***@')
}
