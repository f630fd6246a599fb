import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'

/** An answer the campaign serves byte for byte instead of the simulator's. */
export interface ServedAnswer {
  status: number
  contentType: string
  body: Buffer
}

export type AnswerOverride = (form: Record<string, string>) => ServedAnswer | undefined

const DATA_PATH = '/comm/bldAttendant/getJsonData.cmd'

/**
 * A loopback KRX portal: the source simulator answers everything (the login with its session
 * cookie included) except the screen requests `override` claims, which get exactly the bytes it
 * returns, so a test can serve an answer no well-behaved server would produce (cut JSON, NUL
 * bytes, another charset, a key twice).
 */
export async function startPayloadServer(override: AnswerOverride): Promise<{ url: string; simulator: RunningSimulator; stop(): Promise<void> }> {
  const simulator = await startSimulator({ port: 0, stockCount: 30 })
  const upstream = new URL(simulator.url)
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readBody(incoming)
      if ((incoming.url ?? '').split('?')[0] === DATA_PATH) {
        const answer = override(Object.fromEntries(new URLSearchParams(body.toString('utf8'))))
        if (answer) {
          outgoing.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': answer.body.length })
          outgoing.end(answer.body)
          return
        }
      }
      const forwarded = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: upstream.host } },
        (reply) => {
          outgoing.writeHead(reply.statusCode ?? 502, reply.headers)
          reply.pipe(outgoing)
        },
      )
      forwarded.on('error', (error) => {
        if (!outgoing.headersSent) outgoing.writeHead(502)
        outgoing.end(String(error))
      })
      forwarded.end(body)
    })()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    simulator,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await simulator.stop()
    },
  }
}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => resolve(Buffer.concat(chunks)))
    incoming.on('error', reject)
  })
}
