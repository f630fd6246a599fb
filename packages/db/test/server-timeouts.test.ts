import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ConfigError } from '@kmd/core'
import { databaseTimeouts, DatabaseUnreachableError, openDatabase, serverEndpoint } from '../src/index.ts'

// A server that accepts TCP connections and never says a word: what a wrong port, a hung
// server or a half-open firewall looks like to the driver.
let silent: Server
let port: number
const sockets = new Set<Socket>()

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  port = (silent.address() as { port: number }).port
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => silent.close(resolve))
})

describe('server connection limits', () => {
  test('a server that accepts the connection but never answers fails openDatabase within the connect timeout, naming host:port', async () => {
    const started = performance.now()
    const error = await openDatabase({
      databaseUrl: `postgres://market:secret@127.0.0.1:${port}/market`,
      embeddedDataDir: '',
      databasePoolSize: 2,
      timeouts: { connectMs: 500 },
    }).catch((e: unknown) => e)
    expect(performance.now() - started).toBeLessThan(3000)
    expect(error).toBeInstanceOf(DatabaseUnreachableError)
    expect((error as Error).message).toBe(
      `database at 127.0.0.1:${port} accepted the connection but did not answer within 0.5 s (DATABASE_CONNECT_TIMEOUT_MS): is it PostgreSQL, and is it overloaded?`,
    )
    expect((error as Error).message).not.toContain('secret')
    expect((error as DatabaseUnreachableError).retryable).toBe(true)
  })

  test('a refused connection says so, naming host:port', async () => {
    // Take a free port and close it again: nothing listens there.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const closedPort = (probe.address() as { port: number }).port
    await new Promise((resolve) => probe.close(resolve))
    const error = await openDatabase({ databaseUrl: `postgres://x@127.0.0.1:${closedPort}/db`, embeddedDataDir: '', databasePoolSize: 1 }).catch((e: unknown) => e)
    expect((error as Error).message).toMatch(new RegExp(`^database at 127\\.0\\.0\\.1:${closedPort} refused the connection: is PostgreSQL running there\\?`))
  })

  test('limits come from DATABASE_*_TIMEOUT_MS, with finite defaults, and malformed values are configuration errors', () => {
    expect(databaseTimeouts({})).toEqual({ connectMs: 10_000, statementMs: 3_600_000, idleInTransactionMs: 600_000 })
    expect(databaseTimeouts({ DATABASE_CONNECT_TIMEOUT_MS: '2500', DATABASE_STATEMENT_TIMEOUT_MS: '0', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: ' 60000 ' })).toEqual({
      connectMs: 2500,
      statementMs: 0,
      idleInTransactionMs: 60_000,
    })
    expect(() => databaseTimeouts({ DATABASE_CONNECT_TIMEOUT_MS: '10s' })).toThrow(ConfigError)
    expect(() => databaseTimeouts({ DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS: must be a whole number of milliseconds from 100/)
  })

  test('the endpoint shown in messages is host:port, never credentials', () => {
    expect(serverEndpoint('postgres://u:pw@db.example:6543/market')).toBe('db.example:6543')
    expect(serverEndpoint('postgres://u:pw@db.example/market')).toBe('db.example:5432')
  })
})
