import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { afterEach, describe, expect, it } from 'vitest'
import {
  AuthenticationError,
  CookieJar,
  createHttpClient,
  createLogger,
  parseRetryAfter,
  RateLimitedError,
  SchemaViolationError,
  SourceUnavailableError,
  type HttpClientOptions,
} from '../src/index.ts'

interface Hit {
  at: number
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

type Handler = (request: IncomingMessage, response: ServerResponse, hitNumber: number) => void

interface TestServer {
  url: string
  hits: Hit[]
  close(): Promise<void>
}

const servers: TestServer[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

/** A throwaway server that records when (by its own clock) and what each request asked. */
async function startServer(handler: Handler): Promise<TestServer> {
  const hits: Hit[] = []
  const server = createServer((request, response) => {
    const at = performance.now()
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      hits.push({ at, method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString() })
      handler(request, response, hits.length)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const testServer: TestServer = {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  servers.push(testServer)
  return testServer
}

/** Answers each request in turn with the next status (the last one repeats). */
function answers(...statuses: number[]): Handler {
  return (_request, response, hitNumber) => {
    const status = statuses[Math.min(hitNumber, statuses.length) - 1] ?? 200
    response.writeHead(status, { 'content-type': 'text/plain' })
    response.end(status === 200 ? 'ok' : `status ${status}`)
  }
}

function client(server: TestServer, options: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ baseUrl: server.url, source: 'test', minTimeoutMs: 5, timeoutMs: 2_000, ...options })
}

function captureLog() {
  const lines: Array<Record<string, unknown>> = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    },
  })
  return { logger: createLogger({ level: 'debug', destination }), lines }
}

describe('createHttpClient', () => {
  it('retries a 5xx answer and returns the success that follows', async () => {
    const server = await startServer(answers(500, 503, 200))
    const response = await client(server).get('/data')
    expect(response).toMatchObject({ status: 200, body: 'ok' })
    expect(server.hits).toHaveLength(3)
  })

  it('gives up after the configured retries with a retryable SourceUnavailableError', async () => {
    const server = await startServer(answers(502))
    const failure = await client(server, { retries: 2 }).get('/down').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect(failure).toMatchObject({ retryable: true, message: 'test GET /down: HTTP 502' })
    expect(server.hits).toHaveLength(3)
  })

  it('waits at least Retry-After seconds after a 429 before trying again', async () => {
    const server = await startServer((_request, response, hitNumber) => {
      if (hitNumber === 1) {
        response.writeHead(429, { 'retry-after': '1' })
        response.end('slow down')
      } else {
        response.end('ok')
      }
    })
    const response = await client(server).get('/limited')
    expect(response.body).toBe('ok')
    const [first, second] = server.hits
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000)
  })

  it('does not wait in-process when Retry-After is longer than allowed', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(429, { 'retry-after': '3600' })
      response.end()
    })
    const failure = await client(server).get('/limited').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(RateLimitedError)
    expect(failure).toMatchObject({ retryable: true, retryAfterMs: 3_600_000 })
    expect(server.hits).toHaveLength(1)
  })

  it('retries an attempt that timed out', async () => {
    const server = await startServer((_request, response, hitNumber) => {
      if (hitNumber === 1) setTimeout(() => response.end('too late'), 500)
      else response.end('ok')
    })
    const response = await client(server, { timeoutMs: 100 }).get('/slow')
    expect(response.body).toBe('ok')
    expect(server.hits).toHaveLength(2)
  })

  it('retries a connection reset by the server', async () => {
    const server = await startServer((request, response, hitNumber) => {
      if (hitNumber === 1) request.socket.destroy()
      else response.end('ok')
    })
    expect((await client(server).get('/flaky')).body).toBe('ok')
    expect(server.hits).toHaveLength(2)
  })

  it('reports a refused connection as SourceUnavailableError after retrying', async () => {
    const server = await startServer(answers(200))
    const { url } = server
    await server.close()
    const failure = await createHttpClient({ baseUrl: url, source: 'test', retries: 1, minTimeoutMs: 1 })
      .get('/nothing')
      .catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SourceUnavailableError)
    expect(failure).toMatchObject({ retryable: true, message: 'test GET /nothing: network error ECONNREFUSED' })
  })

  it('does not retry a 404, which the same request would get again', async () => {
    const server = await startServer(answers(404))
    const failure = await client(server).get('/missing?token=abc').catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(SchemaViolationError)
    expect(failure).toMatchObject({ retryable: false })
    expect((failure as Error).message).toContain('test GET /missing: HTTP 404')
    expect((failure as Error).message).not.toContain('token')
    expect(server.hits).toHaveLength(1)
  })

  it('reports 401/403 as AuthenticationError without retrying', async () => {
    const server = await startServer(answers(403))
    await expect(client(server).get('/private')).rejects.toBeInstanceOf(AuthenticationError)
    expect(server.hits).toHaveLength(1)
  })

  it('lets the caller classify a body: a retryable verdict is retried, another is thrown at once', async () => {
    const server = await startServer((_request, response, hitNumber) => {
      response.end(hitNumber === 1 ? '<html>maintenance</html>' : hitNumber === 2 ? 'ok' : 'LOGOUT')
    })
    const http = client(server)
    const checkResponse = (response: { body: string | Buffer }) => {
      const body = response.body.toString()
      if (body.startsWith('<')) return new SourceUnavailableError('maintenance page')
      if (body === 'LOGOUT') return new AuthenticationError('logged out')
      return undefined
    }
    expect((await http.get('/page', { checkResponse })).body).toBe('ok')
    await expect(http.get('/page', { checkResponse })).rejects.toBeInstanceOf(AuthenticationError)
    expect(server.hits).toHaveLength(3)
  })

  it('spaces requests by the configured rate, as seen by the server', async () => {
    const server = await startServer(answers(200))
    const http = client(server, { maxRequestsPerSecond: 5 })
    const count = 6
    // The first request of a process pays for connecting and warming got's code paths, which
    // would shorten the first measured gap; one request beforehand takes that out.
    await http.get('/warm-up')
    await Promise.all(Array.from({ length: count }, (_, i) => http.get(`/paced/${i}`)))
    const times = server.hits.filter((hit) => hit.url.startsWith('/paced/')).map((hit) => hit.at).sort((a, b) => a - b)
    // Requests leave the client at least 200 ms apart. A busy machine delays single arrivals by tens of milliseconds, so one gap can look short
    // after a late one; the span over all requests is the limiter's real promise.
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200 - 60)
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(((count - 1) / 5) * 1000 - 20)
  })

  it('keeps cookies set by the server across requests', async () => {
    const server = await startServer((_request, response, hitNumber) => {
      if (hitNumber === 1) response.setHeader('set-cookie', 'JSESSIONID=abc123; Path=/')
      response.end('ok')
    })
    const http = client(server, { cookieJar: new CookieJar() })
    await http.get('/first')
    await http.get('/second')
    expect(server.hits[0]!.headers.cookie).toBeUndefined()
    expect(server.hits[1]!.headers.cookie).toBe('JSESSIONID=abc123')
  })

  it('sends forms, JSON, query parameters and default headers, and can return raw bytes', async () => {
    const server = await startServer((_request, response) => response.end(Buffer.from([0xb0, 0xa1])))
    const http = client(server, { headers: { 'user-agent': 'kmd-test' } })
    await http.postForm('/form', { bld: 'a/b', mbrId: 'x y' }, { headers: { referer: 'http://example.test/' } })
    await http.postJson('/json', { a: 1 })
    const bytes = await http.get('/bytes', { searchParams: { page: 2 }, responseType: 'buffer' })

    const [form, json, get] = server.hits
    expect(form).toMatchObject({ method: 'POST', url: '/form', body: 'bld=a%2Fb&mbrId=x+y' })
    expect(form!.headers).toMatchObject({ 'content-type': 'application/x-www-form-urlencoded', referer: 'http://example.test/', 'user-agent': 'kmd-test' })
    expect(json).toMatchObject({ url: '/json', body: '{"a":1}' })
    expect(json!.headers['content-type']).toBe('application/json')
    expect(get!.url).toBe('/bytes?page=2')
    expect(Buffer.isBuffer(bytes.body) && [...bytes.body]).toEqual([0xb0, 0xa1])
  })

  it('logs each retry at warn with attempt, path and reason, and no secrets', async () => {
    const server = await startServer(answers(500, 200))
    const { logger, lines } = captureLog()
    const http = client(server, { logger, headers: { cookie: 'JSESSIONID=secret-session' } })
    await http.postForm('/login?pw=hunter2', { mbrId: 'member', pw: 'hunter2' })

    const warnings = lines.filter((line) => line.level === 40)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ source: 'test', method: 'POST', path: '/login', attempt: 1, reason: 'test POST /login: HTTP 500' })
    const written = JSON.stringify(lines)
    expect(written).not.toContain('hunter2')
    expect(written).not.toContain('secret-session')
  })
})

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2_000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000)
    expect(parseRetryAfter(undefined)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
