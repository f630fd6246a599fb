import type { EventEmitter } from 'node:events'
import type { PostgresPool, PostgresPoolClient } from 'kysely'
import pg from 'pg'
import { MarketDataError } from '@kmd/core'
import type { DatabaseTimeouts } from './environment.ts'

/** The server could not be reached or stopped answering; trying again later may help. */
export class DatabaseUnreachableError extends MarketDataError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryable: true, cause: options.cause })
  }
}

// A query the server never answers: the server's statement_timeout should end it first; this
// client-side limit, a minute later, is for a server or network that has stopped answering.
const QUERY_TIMEOUT_MARGIN_MS = 60_000

export interface ServerPool {
  /** The driver's pool, for COPY streams. */
  pool: pg.Pool
  /** The same pool as Kysely sees it: a connection whose query timed out is dropped, not reused. */
  kyselyPool: PostgresPool
  /** Connects once, so an unreachable or silent server fails at open time. */
  verify(): Promise<void>
}

/**
 * A pg pool with limits on every wait: connecting (TCP and the start-up handshake), each
 * statement (server-side `statement_timeout`, plus a client-side backstop), and a session
 * idle inside a transaction. Connection failures name the host and port.
 */
export function serverPool(databaseUrl: string, poolSize: number, timeouts: DatabaseTimeouts): ServerPool {
  const endpoint = serverEndpoint(databaseUrl)
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    // Not `connectionTimeoutMillis` here: on the pool it would also bound the wait for a free
    // connection when all are busy, which long loads make normal. The client class bounds
    // each new connection instead.
    Client: timedClientClass(endpoint, timeouts.connectMs),
    keepAlive: true,
    keepAliveInitialDelayMillis: 30_000,
    // The pipeline's statements are short and many; their cost estimates over staging and
    // production cross jit_above_cost, and compiling them cost more than running them
    // (validation of one day: 818 ms with JIT, 73 ms without, on PostgreSQL 15). Their sorts of a
    // day's history (20 sessions of every stock, ~54k rows) spilled to disk at the default 4 MB
    // of work_mem.
    options: '-c jit=off -c work_mem=32MB',
    ...(timeouts.statementMs > 0 ? { statement_timeout: timeouts.statementMs, query_timeout: timeouts.statementMs + QUERY_TIMEOUT_MARGIN_MS } : {}),
    ...(timeouts.idleInTransactionMs > 0 ? { idle_in_transaction_session_timeout: timeouts.idleInTransactionMs } : {}),
  })
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined)

  const kyselyPool: PostgresPool = {
    connect: async () => {
      const client = await pool.connect()
      let broken: Error | undefined
      // A checked-out client has no error listener of the pool's: a server that ends the session
      // between statements (idle_in_transaction_session_timeout, a restart) would crash the process.
      const onError = (error: Error) => {
        broken = error
      }
      client.on('error', onError)
      const query = (...args: unknown[]) => {
        const result = (client.query as (...a: unknown[]) => unknown)(...args)
        if (!(result instanceof Promise)) return result // a cursor
        return result.catch((error: unknown) => {
          if (error instanceof Error && error.message === 'Query read timeout') {
            broken = error
            throw new DatabaseUnreachableError(
              `database at ${endpoint} did not answer a query within ${seconds(timeouts.statementMs + QUERY_TIMEOUT_MARGIN_MS)}; the connection was dropped`,
              { cause: error },
            )
          }
          throw error
        })
      }
      const release = () => {
        client.off('error', onError)
        client.release(broken)
      }
      return { query: query as PostgresPoolClient['query'], release }
    },
    end: () => pool.end(),
  }

  return {
    pool,
    kyselyPool,
    verify: async () => {
      try {
        const client = await pool.connect()
        client.release()
      } catch (error) {
        await pool.end().catch(() => undefined)
        throw error
      }
    },
  }
}

/** `host:port` of a connection string, for messages (no user, no password). */
export function serverEndpoint(databaseUrl: string): string {
  const url = new URL(databaseUrl)
  const socketHost = url.searchParams.get('host')
  const host = socketHost ?? url.hostname
  return `${host}:${url.port || '5432'}`
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`

/** pg.Client with a connect timeout whose failures say where and what: refused, silent, or never reached. */
function timedClientClass(endpoint: string, connectMs: number): typeof pg.Client {
  class TimedClient extends pg.Client {
    constructor(config?: string | pg.ClientConfig) {
      super({ ...(typeof config === 'string' ? { connectionString: config } : config), connectionTimeoutMillis: connectMs })
    }

    override connect(): Promise<pg.Client>
    override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void
    override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
      // pg emits 'connect' on its connection once TCP is up, before the start-up handshake.
      let tcpConnected = false
      ;(this as unknown as { connection: EventEmitter }).connection.once('connect', () => {
        tcpConnected = true
      })
      const explain = (error: Error) => connectError(error, endpoint, tcpConnected, connectMs)
      if (callback) {
        const done = callback as (err: Error | null, c?: pg.Client) => void
        super.connect(((error: Error | null, client?: pg.Client) => done(error ? explain(error) : null, client)) as (err: Error) => void)
        return
      }
      return super.connect().catch((error: Error) => {
        throw explain(error)
      })
    }
  }
  return TimedClient
}

function connectError(error: Error, endpoint: string, tcpConnected: boolean, connectMs: number): Error {
  const code = (error as { code?: string }).code
  // Errors from the server itself (bad password, unknown database) already say what is wrong.
  if (code && /^[0-9A-Z]{5}$/.test(code)) return error
  if (code === 'ECONNREFUSED') {
    return new DatabaseUnreachableError(`database at ${endpoint} refused the connection: is PostgreSQL running there? (${error.message})`, { cause: error })
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new DatabaseUnreachableError(`database host of ${endpoint} could not be resolved (${error.message})`, { cause: error })
  }
  if (/timeout/i.test(error.message)) {
    return new DatabaseUnreachableError(
      tcpConnected
        ? `database at ${endpoint} accepted the connection but did not answer within ${seconds(connectMs)} (DATABASE_CONNECT_TIMEOUT_MS): is it PostgreSQL, and is it overloaded?`
        : `database at ${endpoint} did not accept a connection within ${seconds(connectMs)} (DATABASE_CONNECT_TIMEOUT_MS): check the host, port and firewall`,
      { cause: error },
    )
  }
  return new DatabaseUnreachableError(`cannot connect to the database at ${endpoint}: ${error.message}`, { cause: error })
}
