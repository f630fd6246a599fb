import { MarketDataError } from '@kmd/core'
import type { Capabilities } from './capabilities.ts'
import type { TimescaleMode } from './environment.ts'

/** The server cannot give this database the TimescaleDB it has or asks for; the message says how to fix it. */
export class TimescaleUnusableError extends MarketDataError {
  constructor(message: string) {
    super(message, { retryable: false })
  }
}

/** What `migrate` does about TimescaleDB. */
export type TimescalePlan =
  | { action: 'use' }
  | { action: 'install' }
  | { action: 'plain'; reason: string }
  | { action: 'refuse'; error: TimescaleUnusableError }

/**
 * Decides from the capability readings, the TIMESCALEDB setting and whether this database was
 * migrated before. Pure: tested case by case without a server of each kind.
 *
 * - installed: used; refused when the server does not preload it (every hypertable insert
 *   would fail) or when TIMESCALEDB=off asks for plain tables that no longer exist;
 * - not installed, TIMESCALEDB=off, or not offered by the server (and not `on`): plain tables;
 * - a schema already created without it stays plain (converting tables is a manual step);
 * - offered but not preloaded: refused, saying how to preload it or to set TIMESCALEDB=off,
 *   where CREATE EXTENSION would fail with a bare "must be preloaded";
 * - otherwise installed.
 */
export function planTimescale(capabilities: Capabilities, mode: TimescaleMode, migratedBefore: boolean): TimescalePlan {
  const server = capabilities.serverAddress ? `the server at ${capabilities.serverAddress}` : 'the server'
  const loadable = capabilities.embedded || capabilities.timescaledbPreloaded
  const refuse = (message: string): TimescalePlan => ({ action: 'refuse', error: new TimescaleUnusableError(message) })
  const notPreloaded = (state: string) =>
    refuse(
      `TimescaleDB is ${state} on ${server} but not preloaded: add timescaledb to shared_preload_libraries in postgresql.conf ` +
        `(shared_preload_libraries = 'timescaledb', keeping any libraries already listed) and restart PostgreSQL` +
        (capabilities.timescaledbInstalled ? '.' : ', or set TIMESCALEDB=off to migrate to plain tables (aggregates included).'),
    )

  if (capabilities.timescaledbInstalled) {
    if (mode === 'off') {
      return refuse(
        `TIMESCALEDB=off, but this database already uses TimescaleDB ${capabilities.timescaledbVersion ?? ''} (its time series are hypertables): ` +
          'unset TIMESCALEDB for this database; plain tables are chosen when a database is first migrated.',
      )
    }
    return loadable ? { action: 'use' } : notPreloaded('installed in this database')
  }
  if (mode === 'off') return { action: 'plain', reason: 'TIMESCALEDB=off' }
  if (!capabilities.timescaledbAvailable) {
    if (mode === 'on') {
      return refuse(`TIMESCALEDB=on, but ${server} does not offer the timescaledb extension: install TimescaleDB there, or set TIMESCALEDB=auto or off for plain tables.`)
    }
    return { action: 'plain', reason: `${server} does not offer TimescaleDB` }
  }
  if (migratedBefore) {
    if (mode === 'on') {
      return refuse('TIMESCALEDB=on, but this database was migrated without TimescaleDB: its tables are plain, and converting them to hypertables is a manual step.')
    }
    return { action: 'plain', reason: 'the schema was created without TimescaleDB and stays that way' }
  }
  return loadable ? { action: 'install' } : notPreloaded('available')
}
