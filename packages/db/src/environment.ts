import { ConfigError } from '@kmd/core'

/**
 * The database package's own settings, read from the environment where they are used (the
 * connection, the migrator, the pipeline locks) so that every caller gets them, including the
 * tests, the benchmarks and the scheduler. A malformed value is a ConfigError naming it.
 */

/** Server connection limits; 0 turns a server-side limit off. */
export interface DatabaseTimeouts {
  /** TCP connect plus the start-up handshake of one connection. */
  connectMs: number
  /** Server-side `statement_timeout` of the pipeline's sessions: generous for bulk loads, but finite. */
  statementMs: number
  /** Server-side `idle_in_transaction_session_timeout`: a client that went quiet inside a transaction stops holding locks. */
  idleInTransactionMs: number
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 10_000,
  statementMs: 60 * 60_000,
  idleInTransactionMs: 10 * 60_000,
}

export const DEFAULT_PIPELINE_LOCK_TIMEOUT_MS = 5 * 60_000

/** `auto`: use TimescaleDB when the server can; `on`: insist on it; `off`: plain tables and materialized views. */
export type TimescaleMode = 'auto' | 'on' | 'off'

const DAY_MS = 24 * 60 * 60_000

export function databaseTimeouts(env: NodeJS.ProcessEnv = process.env): DatabaseTimeouts {
  const problems: string[] = []
  const timeouts = {
    connectMs: milliseconds(env, 'DATABASE_CONNECT_TIMEOUT_MS', 100, 600_000, DEFAULT_DATABASE_TIMEOUTS.connectMs, problems),
    statementMs: milliseconds(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 0, 7 * DAY_MS, DEFAULT_DATABASE_TIMEOUTS.statementMs, problems),
    idleInTransactionMs: milliseconds(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 0, DAY_MS, DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs, problems),
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return timeouts
}

export function pipelineLockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const problems: string[] = []
  const value = milliseconds(env, 'PIPELINE_LOCK_TIMEOUT_MS', 1, DAY_MS, DEFAULT_PIPELINE_LOCK_TIMEOUT_MS, problems)
  if (problems.length > 0) throw new ConfigError(problems)
  return value
}

export function timescaleMode(env: NodeJS.ProcessEnv = process.env): TimescaleMode {
  const value = (env.TIMESCALEDB ?? '').trim().toLowerCase()
  if (value === '') return 'auto'
  if (value === 'auto' || value === 'on' || value === 'off') return value
  throw new ConfigError([`TIMESCALEDB: must be auto, on or off (got "${env.TIMESCALEDB}")`])
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, min: number, max: number, fallback: number, problems: string[]): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    problems.push(`${name}: must be a whole number of milliseconds from ${min} to ${max} (got "${raw}")`)
    return fallback
  }
  return value
}
