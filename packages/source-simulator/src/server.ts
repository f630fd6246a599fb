import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { asEucKr, corruptRows, duplicateDataKey, replacementAnswer, truncateBody } from './fault-effects.ts'
import { DATA_PATH, ENCODING_FAULTS, FaultController, ROW_FAULTS, type PendingFault } from './faults.ts'
import { htmlResponse, parseRequest, writeResponse, type ParsedRequest, type SimulatorResponse } from './http-io.ts'
import { InfomaxRoutes, type InfomaxControls, type InfomaxSimulatorOptions } from './infomax/index.ts'
import { BoundedCache } from './krx/bounded-cache.ts'
import { answerDataRequest } from './krx/data-route.ts'
import { answerLoginRequest } from './krx/login-routes.ts'
import { createKisSource, type KisSimulatorControl } from './kis/routes.ts'
import { NaverRoutes } from './naver/naver-route.ts'
import { RecordedPayloads } from './krx/recorded.ts'
import { SyntheticMarket } from './krx/synthetic-market.ts'
import { DEFAULT_FIXTURES_DIR, DEFAULT_MEMBERS, DEFAULT_SEED, DEFAULT_STOCK_COUNT, type SimulatorOptions } from './options.ts'
import { SESSION_COOKIE, SessionStore } from './sessions.ts'

/** One request as the simulator received it, for tests to assert on (pacing, re-login, forms sent). */
export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  form: Record<string, string>
  headers: IncomingHttpHeaders
  /** Date.now() when the request arrived. */
  receivedAt: number
  /** HTTP status answered; undefined while the answer is pending. */
  status: number | undefined
}

export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:53124 (no trailing slash). */
  url: string
  port: number
  faults: FaultController
  /** The KIS Developers gateway: settings (rate limit, token lifetime), apps, issued tokens. */
  kis: KisSimulatorControl
  /** Infomax quirks (missing/extra/wrong-typed fields, `success: false`) and its rate limit. */
  infomax: InfomaxControls
  /** Every request received, oldest first. */
  requests: RecordedRequest[]
  stop(): Promise<void>
}

/** Starts a loopback HTTP server that answers like the KRX data portal (login, getJsonData). */
export async function startSimulator(options: SimulatorOptions & { infomax?: InfomaxSimulatorOptions } = {}): Promise<RunningSimulator> {
  const seed = options.seed ?? DEFAULT_SEED
  const faults = new FaultController()
  const sessions = new SessionStore()
  const requests: RecordedRequest[] = []
  const members = options.members ?? DEFAULT_MEMBERS
  const data = {
    market: new SyntheticMarket({ seed, stockCount: options.stockCount ?? DEFAULT_STOCK_COUNT }),
    recorded: RecordedPayloads.load(options.fixturesDir ?? DEFAULT_FIXTURES_DIR, options.fixturesDir !== undefined, { dateless: options.datelessRecordings ?? false }),
    sessions,
    renderedRows: new BoundedCache<string, string>(64),
    now: options.clock ?? (() => new Date()),
  }
  const kis = createKisSource({ market: data.market, seed, fixturesDir: options.fixturesDir ?? DEFAULT_FIXTURES_DIR, now: data.now })
  const infomax = new InfomaxRoutes({ market: data.market, seed, now: data.now }, options.infomax)
  const naver = new NaverRoutes({ market: data.market, seed, fixturesDir: options.fixturesDir ?? DEFAULT_FIXTURES_DIR, now: data.now })

  const answer = async (request: ParsedRequest, requestIndex: number): Promise<SimulatorResponse> => {
    const bld = request.form.bld
    const taken = faults.take(request.path, bld)
    const record = (fault: PendingFault, affectedCodes: string[] = [], field?: string) =>
      faults.applied.push({ kind: fault.kind, path: request.path, bld, requestIndex, affectedCodes, ...(field === undefined ? {} : { field }) })

    for (const fault of taken.filter((f) => f.kind === 'slow')) {
      record(fault)
      await sleep(fault.delayMs)
    }
    for (const fault of taken) {
      const replacement = replacementAnswer(fault.kind)
      if (replacement === undefined) continue
      // KRX ends the session when it answers LOGOUT; the client has to log in again.
      if (fault.kind === 'logout') sessions.invalidate(request.cookies[SESSION_COOKIE])
      record(fault)
      return replacement
    }

    let response =
      answerLoginRequest(request, { sessions, faults, members }) ??
      kis.answer(request) ??
      naver.answer(request) ??
      (request.path === DATA_PATH
        ? answerDataRequest(request, data)
        : request.path.startsWith('/api/')
          ? infomax.answer(request, requestIndex)
          : htmlResponse(404, 'Not Found'))

    // Rows first, then the document's keys, then its bytes, then the cut: each works on the last one's output.
    for (const fault of taken.filter((f) => ROW_FAULTS.has(f.kind))) {
      if (response.status !== 200) continue
      const corrupted = corruptRows(fault.kind, response.body, seed + requestIndex, { field: fault.field })
      response = { ...response, body: corrupted.body }
      record(fault, corrupted.affectedCodes, corrupted.field)
    }
    for (const fault of taken.filter((f) => f.kind === 'duplicateDataKey')) {
      if (response.status !== 200) continue
      const duplicated = duplicateDataKey(response.body)
      response = { ...response, body: duplicated.body }
      record(fault, [], duplicated.key)
    }
    for (const fault of taken.filter((f) => ENCODING_FAULTS.has(f.kind))) {
      response = asEucKr(response, ENCODING_FAULTS.get(fault.kind)!)
      record(fault)
    }
    for (const fault of taken.filter((f) => f.kind === 'truncatedJson')) {
      response = { ...response, body: truncateBody(response.body) }
      record(fault)
    }
    return response
  }

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      try {
        const request = await parseRequest(incoming)
        const recorded: RecordedRequest = {
          method: request.method,
          path: request.path,
          query: request.query,
          form: request.form,
          headers: request.headers,
          receivedAt: Date.now(),
          status: undefined,
        }
        requests.push(recorded)
        const response = await answer(request, requests.length - 1)
        recorded.status = response.status
        writeResponse(outgoing, response)
      } catch (error) {
        if (!outgoing.headersSent) writeResponse(outgoing, htmlResponse(500, `simulator error: ${String(error)}`))
      }
    })()
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    kis: kis.control,
    infomax,
    requests,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections()
      }),
  }
}
