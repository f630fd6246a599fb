import { loadDatabaseSettings, type DatabaseSettings } from '@kmd/core'

/**
 * The database package's own settings, read from the environment where they are used (the
 * connection, the migrator, the pipeline locks) so that every caller gets them, including the
 * tests, the benchmarks and the scheduler. Parsed by core's one environment schema
 * (`loadDatabaseSettings`): a malformed value is a ConfigError naming it.
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

/** `auto`: use TimescaleDB when the server can; `on`: insist on it; `off`: plain tables (aggregates included). */
export type TimescaleMode = DatabaseSettings['timescaledb']

export function databaseTimeouts(env: NodeJS.ProcessEnv = process.env): DatabaseTimeouts {
  const settings = loadDatabaseSettings(env)
  return { connectMs: settings.connectTimeoutMs, statementMs: settings.statementTimeoutMs, idleInTransactionMs: settings.idleInTransactionTimeoutMs }
}

export function pipelineLockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return loadDatabaseSettings(env).pipelineLockTimeoutMs
}

export function timescaleMode(env: NodeJS.ProcessEnv = process.env): TimescaleMode {
  return loadDatabaseSettings(env).timescaledb
}
