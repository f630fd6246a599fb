import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { runCli } from './run-cli.ts'

let silent: Server
let port: number
const sockets = new Set<Socket>()

beforeAll(async () => {
  // Accepts TCP connections and never answers.
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

describe('pnpm etl migrate against a database that does not answer', () => {
  test('stops within DATABASE_CONNECT_TIMEOUT_MS with a message naming host:port, instead of hanging', async () => {
    const started = performance.now()
    const result = await runCli(['migrate'], { DATABASE_URL: `postgres://owner:secret@127.0.0.1:${port}/market`, DATABASE_CONNECT_TIMEOUT_MS: '1000' }, 60_000)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`database at 127.0.0.1:${port} accepted the connection but did not answer within 1 s`)
    expect(result.stderr).not.toContain('secret')
    // Well under the 90 s it used to hang; most of this is the CLI's start-up.
    expect(performance.now() - started).toBeLessThan(30_000)
  })

  test('a malformed timeout is a configuration error naming the variable', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: `postgres://owner@127.0.0.1:${port}/market`, DATABASE_CONNECT_TIMEOUT_MS: 'soon' }, 30_000)
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/DATABASE_CONNECT_TIMEOUT_MS: must be a whole number of milliseconds/)
  })
})
