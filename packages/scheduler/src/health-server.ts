import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '@kmd/core'
import type { DashboardHandler } from '@kmd/dashboard'
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
  /**
   * The dashboard on the same port, answered only on connections to `host` (DASHBOARD_HOST:
   * 127.0.0.1 by default, so only this machine's loopback; 0.0.0.0 for every address).
   */
  dashboard?: { handle: DashboardHandler; host: string }
}

/**
 * `GET /healthz`: 200 with {status, jobs, lastTick, …} while the loop ticks and the database
 * answers, 503 with the same body otherwise. `GET /metrics`: the scheduler's Prometheus registry.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { scheduler, logger } = options
  const server = createServer((request, response) => {
    handle(scheduler, options.dashboard, request, response).catch((error: unknown) => {
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

async function handle(scheduler: Scheduler, dashboard: HealthServerOptions['dashboard'], request: IncomingMessage, response: ServerResponse): Promise<void> {
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
  if (dashboard) {
    if (!servesAddress(dashboard.host, request.socket.localAddress)) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: the dashboard answers on ${dashboard.host} only (DASHBOARD_HOST); try /healthz or /metrics\n`)
      return
    }
    if (await dashboard.handle(request, response)) return
  }
  response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: try ${dashboard ? '/, ' : ''}/healthz or /metrics\n`)
}

/** Whether a connection that arrived on `localAddress` may see what is bound to `host`. */
export function servesAddress(host: string, localAddress: string | undefined): boolean {
  if (host === '0.0.0.0' || host === '::') return true
  const local = (localAddress ?? '').replace(/^::ffff:/, '')
  if (host === 'localhost') return local === '127.0.0.1' || local === '::1'
  return local === host.replace(/^\[|\]$/g, '')
}
