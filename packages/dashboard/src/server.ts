import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { addDays, DAILY_DATASETS, seoulDate, type Logger } from '@kmd/core'
import type { MarketDatabase } from '@kmd/db'
import { chartAssets } from './charts.ts'
import { readFreshness, type FreshnessTarget } from './freshness.ts'
import { readHeatMap } from './heat-map.ts'
import { isoWeekday } from './iso-week.ts'
import { page } from './layout.ts'
import { dayBody, overviewBody, quarantineBody, stockBody } from './pages.ts'
import { readQuarantine, readRuleActivity } from './quality.ts'
import { readDailyVolume, readDay, readSlowestStages } from './run-history.ts'
import { readStock } from './stock-bars.ts'

export interface DashboardOptions {
  /** Only read: the dashboard issues SELECTs and nothing else. */
  database: MarketDatabase
  /** Each dataset's freshness promise at `now` (from the scheduler's job table); none: no SLA shown. */
  freshnessTargets?: (now: Date) => FreshnessTarget[]
  /** Weeks shown on the overview unless `?weeks=` asks otherwise. */
  weeks?: number
  clock?: () => Date
}

/** Answers a request if it is the dashboard's (true), or leaves it to the caller (false). */
export type DashboardHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>

const DEFAULT_WEEKS = 8
const MAX_WEEKS = 52
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** A request the dashboard cannot answer as asked; the message names the parameter. */
class BadRequest extends Error {}

const HEADERS = { 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'cache-control': 'no-store' }

/**
 * The dashboard's routes: `/` (overview), `/day`, `/batch`, `/stock` and `/assets/*` (uPlot),
 * GET and HEAD only. Every page is rendered on the server from read models; nothing is written.
 */
export function createDashboardHandler(options: DashboardOptions): DashboardHandler {
  const clock = options.clock ?? (() => new Date())
  const { database } = options
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const route = ROUTES[url.pathname]
    if (!route) return false
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed: the dashboard only reads\n')
      return true
    }
    try {
      const { type, body } = await route({ url, database, now: clock(), options })
      response.writeHead(200, { ...HEADERS, 'content-type': type })
      response.end(request.method === 'HEAD' ? undefined : body)
    } catch (error) {
      if (!(error instanceof BadRequest || error instanceof RangeError)) throw error
      response.writeHead(400, { ...HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end(`bad request: ${error.message}\n`)
    }
    return true
  }
}

interface RouteContext {
  url: URL
  database: MarketDatabase
  now: Date
  options: DashboardOptions
}
type Route = (context: RouteContext) => Promise<{ type: string; body: string }>

const HTML = 'text/html; charset=utf-8'

const ROUTES: Record<string, Route> = {
  '/': async ({ url, database, now, options }) => {
    const weeks = weeksParameter(url, options.weeks ?? DEFAULT_WEEKS)
    const today = seoulDate(now)
    const range = weeksUpTo(today, weeks)
    const week = { from: addDays(today, -6), to: today }
    const [heatMaps, volume, freshness, slowest, rules] = await Promise.all([
      readHeatMap(database, { ...range, today }),
      readDailyVolume(database, range),
      readFreshness(database, options.freshnessTargets?.(now) ?? []),
      readSlowestStages(database, new Date(`${range.from}T00:00:00+09:00`)),
      readRuleActivity(database, week, { from: addDays(week.from, -7), to: addDays(week.from, -1) }),
    ])
    const body = overviewBody({ ...range, weeks, heatMaps, volume, freshness, slowest, rules, rulesRange: week })
    return { type: HTML, body: page({ title: 'collection dashboard', body, assets: 'linked' }) }
  },
  '/day': async ({ url, database, now, options }) => {
    const date = required(url, 'date', DATE, 'a date YYYY-MM-DD')
    isoWeekday(date) // a RangeError (400) for a day the calendar lacks, e.g. 2025-02-30
    const dataset = optional(url, 'dataset')
    if (dataset !== undefined && !(DAILY_DATASETS as readonly string[]).includes(dataset)) throw new BadRequest(`dataset must be one of ${DAILY_DATASETS.join(', ')} (got "${dataset}")`)
    const today = seoulDate(now)
    // The heat-map around the day: the overview's weeks when they hold it, else the weeks up to it.
    const weeks = options.weeks ?? DEFAULT_WEEKS
    const recent = weeksUpTo(today, weeks)
    const range = date >= recent.from && date <= recent.to ? recent : weeksUpTo(date, weeks)
    const [detail, heat] = await Promise.all([readDay(database, date, dataset), readHeatMap(database, { ...range, today })])
    return { type: HTML, body: page({ title: `${date} runs and checks`, body: dayBody(detail, heat), assets: 'linked' }) }
  },
  '/batch': async ({ url, database }) => {
    const id = required(url, 'id', UUID, 'a batch id (uuid)')
    const quarantine = await readQuarantine(database, id)
    if (!quarantine) throw new BadRequest(`no run logged batch ${id}`)
    return { type: HTML, body: page({ title: `quarantine ${id}`, body: quarantineBody(quarantine), assets: 'linked' }) }
  },
  '/stock': async ({ url, database, now, options }) => {
    const code = required(url, 'code', /^.+$/, 'a stock code').trim().toUpperCase()
    const range = weeksUpTo(seoulDate(now), weeksParameter(url, options.weeks ?? DEFAULT_WEEKS))
    const stock = await readStock(database, code, range)
    return { type: HTML, body: page({ title: `${code} daily bars`, body: stockBody(stock, range), assets: 'linked' }) }
  },
  '/assets/uPlot.iife.min.js': async () => ({ type: 'text/javascript; charset=utf-8', body: chartAssets().script }),
  '/assets/uPlot.min.css': async () => ({ type: 'text/css; charset=utf-8', body: chartAssets().stylesheet }),
  // Browsers ask for it on every first visit; an empty icon keeps the logs quiet.
  '/favicon.ico': async () => ({ type: 'image/x-icon', body: '' }),
}

function required(url: URL, name: string, pattern: RegExp, what: string): string {
  const value = url.searchParams.get(name)
  if (value === null || !pattern.test(value)) throw new BadRequest(`${name} must be ${what} (got ${value === null ? 'nothing' : `"${value}"`})`)
  return value
}

function optional(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name)
  return value === null || value === '' ? undefined : value
}

function weeksParameter(url: URL, fallback: number): number {
  const text = optional(url, 'weeks')
  if (text === undefined) return fallback
  const weeks = Number(text)
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_WEEKS) throw new BadRequest(`weeks must be a whole number from 1 to ${MAX_WEEKS} (got "${text}")`)
  return weeks
}

/** `weeks` whole weeks, Monday to the Friday of the week holding `day`. */
export function weeksUpTo(day: string, weeks: number): { from: string; to: string } {
  const monday = addDays(day, 1 - isoWeekday(day))
  return { from: addDays(monday, -7 * (weeks - 1)), to: addDays(monday, 4) }
}

export interface DashboardServer {
  readonly url: string
  close(): Promise<void>
}

/** The dashboard on its own port (`etl dashboard`); 127.0.0.1 unless a host is given. */
export async function startDashboardServer(options: DashboardOptions & { host: string; port: number; logger: Logger }): Promise<DashboardServer> {
  const handle = createDashboardHandler(options)
  const server = createServer((request, response) => {
    handle(request, response)
      .then((handled) => {
        if (!handled) response.writeHead(404, { ...HEADERS, 'content-type': 'text/plain' }).end('not found: try /\n')
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error, path: request.url }, 'dashboard request failed')
        if (!response.headersSent) response.writeHead(500, { ...HEADERS, 'content-type': 'text/plain' })
        response.end('internal error\n')
      })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
