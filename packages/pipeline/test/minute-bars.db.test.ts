import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createLogger, loadConfig, sessionMinuteBars, type CollectedStream } from '@kmd/core'
import { collectOhlcvMinuteForDate, createKisClient, fetchMinuteBarRows, type KisClient } from '@kmd/collector-kis'
import { createKrxClient } from '@kmd/collector-krx'
import { detectCapabilities } from '@kmd/db'
import { useMigratedDatabase } from '@kmd/db/testing'
import { KIS_ROUTES, startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { rulesFor } from '@kmd/validators'
import { BackfillNotPossibleError, kisCollectors, krxCollectors, runBackfill, runJob, type CollectorRegistry, type PipelineDeps } from '../src/index.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let kis: KisClient
let krx: CollectorRegistry['krx']
const logger = createLogger({ level: 'silent' })

const STOCKS = 24
const DAY = '2025-11-04' // a Tuesday, older than the minute aggregates' refresh window
const NOW = new Date('2025-11-05T02:07:30Z')
const BARS = sessionMinuteBars(DAY).length
const db = () => testDb.current.database.db

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS, clock: () => NOW })
  simulator.kis.configure({ requestsPerSecond: Infinity })
  simulator.kis.addApp('PSminutebarsapp', 'minute-bars-secret')
  const config = loadConfig({
    KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500',
    KIS_BASE_URL: simulator.url, KIS_APP_KEY: 'PSminutebarsapp', KIS_APP_SECRET: 'minute-bars-secret', KIS_MAX_REQUESTS_PER_SECOND: '1000',
    KIS_TOKEN_CACHE_DIR: join(await mkdtemp(join(tmpdir(), 'kis-tokens-')), 'cache'), HTTP_TIMEOUT_MS: '2000',
  })
  kis = createKisClient(config, { logger, retries: 2, minRetryDelayMs: 5, tokenCache: false })
  krx = krxCollectors(createKrxClient(config, { logger, retries: 2, minRetryDelayMs: 5 }))
})
afterAll(async () => {
  await simulator?.stop()
})
beforeEach(() => simulator.faults.clear())

const deps = (collectors: CollectorRegistry = { krx, kis: kisCollectors(kis) }): PipelineDeps => ({ database: testDb.current.database, logger, collectors })
const runMinutes = (collectors?: CollectorRegistry) => runJob(deps(collectors), { dataset: 'ohlcv_minute', source: 'kis', tradeDate: DAY })

async function ensureDailyBars(): Promise<void> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ohlcv_daily where time = ${DAY}`.execute(db())
  if (rows[0]!.n === 0) expect((await runJob(deps(), { dataset: 'ohlcv_daily', source: 'krx', tradeDate: DAY })).status).toBe('SUCCESS')
}

async function tradedStocks(): Promise<string[]> {
  const rows = await db().selectFrom('ohlcv_daily').select('stock_code').where('time', '=', DAY).where('volume', '>', 0).orderBy('stock_code').execute()
  return rows.map((row) => row.stock_code)
}

/** Production's bars of the day, as text, in key order (the audit times left out). */
async function productionBars(): Promise<string[]> {
  const { rows } = await sql<{ bar: string }>`
    select concat_ws(' ', stock_code, to_char(time at time zone 'Asia/Seoul', 'YYYY-MM-DD HH24:MI'), open_price, high_price, low_price, close_price, volume, trading_value, source) as bar
    from ohlcv_minute
    where time >= ${DAY}::timestamp at time zone 'Asia/Seoul' and time < (${DAY}::date + 1)::timestamp at time zone 'Asia/Seoul'
    order by stock_code, time`.execute(db())
  return rows.map((row) => row.bar)
}

async function clearMinuteBars(): Promise<void> {
  await sql`delete from ohlcv_minute`.execute(db())
  await sql`delete from partition_completeness where dataset = 'ohlcv_minute'`.execute(db())
}

/** A KIS registry whose minute collector leaves out one stock's bars, as a short answer would. */
function withoutStock(stockCode: string): CollectorRegistry {
  const real = kisCollectors(kis).ohlcv_minute!
  return {
    krx,
    kis: {
      ohlcv_minute: async (date, context) => {
        const stream = (await real(date, context)) as CollectedStream<'ohlcv_minute'>
        async function* parts() {
          for await (const part of stream.parts) yield part.filter((record) => record.values.stock_code !== stockCode)
        }
        return { ...stream, parts: parts() }
      },
    },
  }
}

describe('minute bars through staging, validation and promotion', () => {
  test('a day of KIS minute bars lands value for value, every traded stock with every session minute', async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    const result = await runMinutes()
    const traded = await tradedStocks()
    expect(result).toMatchObject({ status: 'SUCCESS', rejected: 0, promoted: traded.length * BARS })
    const checks = await db().selectFrom('data_quality_checks').selectAll().where('run_id', '=', result.runId).orderBy('id').execute()
    expect(checks.map((check) => check.check_type)).toEqual(rulesFor('ohlcv_minute').map((rule) => rule.name))
    expect(checks.filter((check) => !check.passed)).toEqual([])
    expect(result.completeness).toMatchObject({ complete: true, basis: 'daily_bars', expectedCount: traded.length * BARS, missingCount: 0 })

    // One stock's bars as KIS sends them: times in KST, the close is stck_prpr, the value the rise of acml_tr_pbmn.
    const stock = traded[3]!
    const fetched = await fetchMinuteBarRows(kis, stock, DAY)
    let total = 0
    const expected = fetched.rows.map((row) => {
      const value = Number(row.acml_tr_pbmn) - total
      total = Number(row.acml_tr_pbmn)
      const hour = String(row.stck_cntg_hour)
      return `${stock} ${DAY} ${hour.slice(0, 2)}:${hour.slice(2, 4)} ${row.stck_oprc} ${row.stck_hgpr} ${row.stck_lwpr} ${row.stck_prpr} ${row.cntg_vol} ${value} kis`
    })
    expect((await productionBars()).filter((bar) => bar.startsWith(`${stock} `))).toEqual(expected)
  })

  test('a day loaded twice leaves production identical, and the second load writes nothing', async () => {
    await ensureDailyBars()
    const before = await productionBars()
    if (before.length === 0) expect((await runMinutes()).status).toBe('SUCCESS')
    const first = await productionBars()
    const again = await runMinutes()
    expect(again).toMatchObject({ status: 'SUCCESS', promoted: 0 })
    expect(await productionBars()).toEqual(first)
  })

  test('bars repeated across pages land once', async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    simulator.faults.inject({ kind: 'duplicateRows', match: { path: KIS_ROUTES.pastMinuteBars.path }, times: 8 })
    const result = await runMinutes()
    expect(simulator.faults.applied.filter((fault) => fault.kind === 'duplicateRows')).toHaveLength(8)
    expect(result).toMatchObject({ status: 'SUCCESS', rejected: 0, promoted: (await tradedStocks()).length * BARS })
  })

  test("a stock whose bars disagree with its day in ohlcv_daily is rejected whole and listed incomplete; the others land", async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    const [stock, other] = await tradedStocks()
    await sql`update ohlcv_daily set volume = volume + 1, high_price = high_price + 1000 where stock_code = ${stock!} and time = ${DAY}`.execute(db())
    try {
      const result = await runMinutes()
      expect(result).toMatchObject({ status: 'PARTIAL', rejected: BARS })
      const check = await db().selectFrom('data_quality_checks').selectAll().where('run_id', '=', result.runId).where('check_type', '=', 'minute_vs_daily').executeTakeFirstOrThrow()
      expect(check).toMatchObject({ passed: false, issue_count: BARS })
      expect(check.message).toContain('the bars of 1 stock of')
      expect(check.details).toEqual([{ key: `${stock}@${DAY}`, reason: expect.stringMatching(/^minute_vs_daily: volume \d+ vs the day's \d+, high \d+ vs the day's \d+$/) }])
      expect(result.completeness).toMatchObject({ complete: false, missingStocks: [stock] })
      // A streamed day keeps every row's raw: the rejected bars carry KIS's rows as evidence.
      const { rows: evidence } = await sql<{ raw: Record<string, unknown> | null }>`
        select raw from staging.ohlcv_minute where batch_id = ${result.batchId!}::uuid and stock_code = ${stock!} order by row_number limit 1`.execute(db())
      expect(evidence[0]!.raw).toMatchObject({ FID_INPUT_ISCD: stock, stck_bsop_date: DAY.replaceAll('-', ''), stck_cntg_hour: '090000' })
      const landed = await productionBars()
      expect(landed.some((bar) => bar.startsWith(`${stock} `))).toBe(false)
      expect(landed.filter((bar) => bar.startsWith(`${other} `))).toHaveLength(BARS)
    } finally {
      await sql`update ohlcv_daily set volume = volume - 1, high_price = high_price - 1000 where stock_code = ${stock!} and time = ${DAY}`.execute(db())
    }
  })

  test('a stock missing from the answer is listed incomplete; the run is PARTIAL, and a later complete load completes the day', async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    const [, , stock] = await tradedStocks()
    const short = await runMinutes(withoutStock(stock!))
    expect(short.status).toBe('PARTIAL')
    expect(short.completeness).toMatchObject({ complete: false, missingCount: BARS, missingStocks: [stock] })
    expect(short.completeness!.missingSample[0]).toBe(`${stock}@${DAY}T09:00`)
    const full = await runMinutes()
    expect(full).toMatchObject({ status: 'SUCCESS', promoted: BARS })
    expect(full.completeness).toMatchObject({ complete: true, missingCount: 0 })
  })

  test('a stock whose reads fail is read again alone after the others, and the day still lands whole', async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    const oneAtATime: CollectorRegistry = { krx, kis: { ohlcv_minute: async (date, context) => collectOhlcvMinuteForDate([kis], date, await context.stockCodes(), { inFlightPerClient: 1 }) } }
    const start = simulator.requests.length
    // Three failures in a row: the first stock's request and both of the client's retries.
    simulator.faults.inject({ kind: 'http500', match: { path: KIS_ROUTES.pastMinuteBars.path }, times: 3 })
    const result = await runMinutes(oneAtATime)
    expect(result).toMatchObject({ status: 'SUCCESS', promoted: (await tradedStocks()).length * BARS })
    const asked = simulator.requests.slice(start).filter((request) => request.path === KIS_ROUTES.pastMinuteBars.path).map((request) => request.query.FID_INPUT_ISCD)
    const failed = asked[0]!
    expect(asked.slice(0, 3)).toEqual([failed, failed, failed])
    expect(asked.slice(-4)).toEqual([failed, failed, failed, failed])
    expect(asked.slice(3, -4)).not.toContain(failed)
  })

  test('a source failing for every stock fails the run, and production keeps what it held', async () => {
    await ensureDailyBars()
    const before = await productionBars()
    simulator.faults.inject({ kind: 'http500', match: { path: KIS_ROUTES.pastMinuteBars.path }, times: Infinity })
    const result = await runMinutes()
    simulator.faults.clear()
    expect(result.status).toBe('FAILED')
    expect(result.message).toMatch(/500/)
    expect(await productionBars()).toEqual(before)
  })

  test('a source failing halfway through the day leaves no staged rows behind: the batch is marked failed, production untouched', async () => {
    await ensureDailyBars()
    const before = await productionBars()
    const real = kisCollectors(kis).ohlcv_minute!
    const brokenHalfway: CollectorRegistry = {
      krx,
      kis: {
        ohlcv_minute: async (date, context) => {
          const stream = (await real(date, context)) as CollectedStream<'ohlcv_minute'>
          async function* parts() {
            let given = 0
            for await (const part of stream.parts) {
              if (given++ === 3) throw new Error('connection reset after three stocks')
              yield part
            }
          }
          return { ...stream, parts: parts() }
        },
      },
    }
    const result = await runMinutes(brokenHalfway)
    expect(result).toMatchObject({ status: 'FAILED', message: 'connection reset after three stocks' })
    const { rows } = await sql<{ staged: number; status: string }>`
      select (select count(*)::int from staging.ohlcv_minute where batch_id = ${result.batchId!}::uuid) as staged,
             (select status from staging.batches where batch_id = ${result.batchId!}::uuid) as status`.execute(db())
    expect(rows[0]).toEqual({ staged: 0, status: 'failed' })
    expect(await productionBars()).toEqual(before)
  })

  test("without the day's OHLCV the bars cannot be judged: rejected, and the day incomplete", async () => {
    // The stock master says which stocks to ask once ohlcv_daily cannot.
    expect((await runJob(deps(), { dataset: 'stocks', source: 'krx', tradeDate: DAY })).status).toBe('SUCCESS')
    const saved = await db().selectFrom('ohlcv_daily').selectAll().where('time', '=', DAY).execute()
    await clearMinuteBars()
    await db().deleteFrom('ohlcv_daily').where('time', '=', DAY).execute()
    try {
      const result = await runMinutes()
      expect(result.status).toBe('PARTIAL')
      expect(result.promoted).toBe(0)
      expect(result.completeness).toMatchObject({ complete: false, basis: 'no_daily_bars' })
      const check = await db().selectFrom('data_quality_checks').select(['passed', 'message']).where('run_id', '=', result.runId).where('check_type', '=', 'completeness').executeTakeFirstOrThrow()
      expect(check.passed).toBe(false)
      expect(check.message).toContain('ohlcv_daily holds no bar of the day')
    } finally {
      if (saved.length > 0) await db().insertInto('ohlcv_daily').values(saved).execute()
    }
  })

  test('on TimescaleDB the five-minute and hourly bars show a promoted day at once, however old', async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    expect((await runMinutes()).status).toBe('SUCCESS')
    const { rows } = await sql<{ five: number; hourly: number; volume: string; minutes: string }>`
      select (select count(*)::int from ohlcv_5min where bucket >= ${DAY}::timestamp at time zone 'Asia/Seoul' and bucket < (${DAY}::date + 1)::timestamp at time zone 'Asia/Seoul') as five,
             (select count(*)::int from ohlcv_hourly where bucket >= ${DAY}::timestamp at time zone 'Asia/Seoul' and bucket < (${DAY}::date + 1)::timestamp at time zone 'Asia/Seoul') as hourly,
             (select sum(volume)::text from ohlcv_hourly where bucket >= ${DAY}::timestamp at time zone 'Asia/Seoul' and bucket < (${DAY}::date + 1)::timestamp at time zone 'Asia/Seoul') as volume,
             (select sum(volume)::text from ohlcv_minute where time >= ${DAY}::timestamp at time zone 'Asia/Seoul' and time < (${DAY}::date + 1)::timestamp at time zone 'Asia/Seoul') as minutes`.execute(db())
    const traded = (await tradedStocks()).length
    // 09:00–15:19 is 76 five-minute buckets, plus the closing auction's 15:30: 77; hours 09 to 15: 7.
    expect(rows[0]).toMatchObject({ five: traded * 77, hourly: traded * 7, volume: rows[0]!.minutes })
    if (!(await detectCapabilities(db())).timescaledbInstalled) return
    const { rows: materialized } = await sql<{ n: number }>`
      select count(*)::int as n from _timescaledb_catalog.continuous_agg where user_view_name in ('ohlcv_5min', 'ohlcv_hourly')`.execute(db())
    expect(materialized[0]!.n).toBe(2)
  })
})

describe('backfilling minute bars', () => {
  test("refuses a range older than KIS's year of minute history, naming the earliest day it still answers", async () => {
    await expect(runBackfill(deps(), { dataset: 'ohlcv_minute', from: '2025-11-03', to: DAY, today: '2026-12-03', dryRun: true })).rejects.toThrow(
      new BackfillNotPossibleError('kis keeps ohlcv_minute for 365 days: --from 2025-11-03 is before 2025-12-03, the earliest day it still answers; start on or after it'),
    )
  })

  test('loads each trading day of the range as one partition of every stock, and resumes past the days it holds', async () => {
    await ensureDailyBars()
    await clearMinuteBars()
    const summary = await runBackfill(deps(), { dataset: 'ohlcv_minute', from: DAY, to: DAY, today: '2025-11-05', reprocess: 'all' })
    expect(summary).toMatchObject({ finished: 1, statuses: { SUCCESS: 1 }, rowsPromoted: (await tradedStocks()).length * BARS, partitioning: expect.stringContaining('KIS minute charts') })
    const again = await runBackfill(deps(), { dataset: 'ohlcv_minute', from: DAY, to: DAY, today: '2025-11-05' })
    expect(again).toMatchObject({ finished: 0, notRun: 1 })
  })
})
