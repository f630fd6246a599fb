import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '@kmd/core'
import type { Scheduler } from './scheduler.ts'

export interface HealthServer {
  /** `http://host:port`, the port the OS gave when asked for 0. */
  readonly url: string
  readonly port: number
  close(): Promise<void>
}

export interface HealthServerOptions {
  scheduler: Scheduler
  logger: Logger
  /** 0 picks a free port (tests). */
  port: number
  /** 0.0.0.0 in a container so the port can be published; 127.0.0.1 in tests. */
  host?: string
}

/**
 * `GET /healthz`: 200 with {status, jobs, lastTick, …} while the loop ticks and the database
 * answers, 503 with the same body otherwise. `GET /metrics`: the scheduler's Prometheus registry.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { scheduler, logger } = options
  const server = createServer((request, response) => {
    handle(scheduler, request, response).catch((error: unknown) => {
      logger.error({ err: error, path: request.url }, 'health server request failed')
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' })
      response.end('internal error\n')
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve())
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

async function handle(scheduler: Scheduler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n')
    return
  }
  if (path === '/healthz') {
    const health = await scheduler.health()
    response.writeHead(health.healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    response.end(JSON.stringify(health.body))
    return
  }
  if (path === '/metrics') {
    const text = await scheduler.metrics.registry.metrics()
    response.writeHead(200, { 'content-type': scheduler.metrics.registry.contentType })
    response.end(text)
    return
  }
  response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n')
}
