import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import type { CollectorRegistry } from '@kmd/pipeline'
import type { RunningSimulator } from '@kmd/source-simulator'
import { startHealthServer, type HealthReport } from '../src/index.ts'
import { capturedLogger, jobsNamed, logsOf, makeScheduler, startSource, STOCKS } from './harness.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let collectors: CollectorRegistry

beforeAll(async () => {
  ;({ simulator, collectors } = await startSource())
})
afterAll(async () => {
  await simulator?.stop()
})

/** The value of one series line in Prometheus text, e.g. `kmd_job_runs_total{dataset="x",status="SUCCESS"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('health and metrics over HTTP', () => {
  test('/healthz answers 503 before the first tick, 200 with jobs and lastTick while the loop ticks, 503 once stopped', async () => {
    const { logger } = capturedLogger()
    const scheduler = makeScheduler(testDb.current.database, collectors, { logger, now: new Date('2026-11-13T09:30:00Z'), tickIntervalMs: 60_000 })
    const server = await startHealthServer({ scheduler, logger, port: 0 })
    try {
      const before = await fetch(`${server.url}/healthz`)
      expect(before.status).toBe(503)
      expect(await before.json()).toMatchObject({ status: 'unhealthy', loop: 'not started', lastTick: null, database: 'ok' })

      await scheduler.tick()
      await scheduler.idle()
      const healthy = await fetch(`${server.url}/healthz`)
      expect(healthy.status).toBe(200)
      const body = (await healthy.json()) as HealthReport['body']
      expect(body).toMatchObject({ status: 'ok', loop: 'alive', database: 'ok', lastTick: '2026-11-13T09:30:00.000Z' })
      expect(body.jobs).toContainEqual({
        name: 'ohlcv_daily', dataset: 'ohlcv_daily', sources: ['krx'], cron: '30 18 * * 1-5', running: null,
        nextSlot: '2026-11-16T18:30+09:00', last: { slot: '2026-11-13T18:30+09:00', tradeDate: '2026-11-13', outcome: 'SUCCESS' },
      })
      expect(body.unscheduled.map((job) => job.name)).toContain('stocks')

      // three tick intervals without a tick: the loop is late
      scheduler.clockAt.now = new Date('2026-11-13T09:34:00Z')
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503)
      await scheduler.stop()
      const stopped = await fetch(`${server.url}/healthz`)
      expect(stopped.status).toBe(503)
      expect(await stopped.json()).toMatchObject({ loop: 'stopped' })
      expect((await fetch(`${server.url}/nothing`)).status).toBe(404)
    } finally {
      await server.close()
    }
  })

  test('/metrics exposes runs, rows promoted, duration, last success and failed checks with the values of the runs', async () => {
    const { logger } = capturedLogger()
    const scheduler = makeScheduler(testDb.current.database, collectors, { logger, jobs: jobsNamed('ohlcv_daily', 'market_cap_daily'), catchUpHours: 0 })
    const server = await startHealthServer({ scheduler, logger, port: 0 })
    try {
      simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
      await scheduler.tick(new Date('2026-11-04T09:30:00Z'))
      await scheduler.idle()
      await scheduler.tick(new Date('2026-10-09T09:30:00Z')) // 한글날: SKIPPED
      await scheduler.idle()

      const ohlcv = scheduler.records.find((record) => record.job === 'ohlcv_daily' && record.tradeDate === '2026-11-04')!.partition!.final
      const cap = scheduler.records.find((record) => record.job === 'market_cap_daily' && record.tradeDate === '2026-11-04')!.partition!.final
      expect(ohlcv.status).toBe('PARTIAL')
      const response = await fetch(`${server.url}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = await response.text()

      expect(sample(text, 'kmd_job_runs_total{dataset="ohlcv_daily",status="PARTIAL"}')).toBe(1)
      expect(sample(text, 'kmd_job_runs_total{dataset="ohlcv_daily",status="SKIPPED"}')).toBe(1)
      expect(sample(text, `kmd_job_runs_total{dataset="market_cap_daily",status="${cap.status}"}`)).toBe(1)
      expect(sample(text, 'kmd_rows_promoted_total{dataset="ohlcv_daily"}')).toBe(ohlcv.promoted)
      expect(sample(text, 'kmd_rows_promoted_total{dataset="market_cap_daily"}')).toBe(cap.promoted)
      expect(cap.promoted).toBe(STOCKS)
      // SKIPPED runs are not timed: one observation per dataset
      expect(sample(text, 'kmd_job_run_duration_seconds_count{dataset="ohlcv_daily"}')).toBe(1)
      expect(sample(text, 'kmd_job_run_duration_seconds_sum{dataset="ohlcv_daily"}')).toBeGreaterThan(0)
      expect(sample(text, 'kmd_job_run_duration_seconds_bucket{le="+Inf",dataset="ohlcv_daily"}')).toBe(1)
      expect(sample(text, 'kmd_failed_checks_total{dataset="ohlcv_daily",check="ohlc_consistency"}')).toBe(1)
      expect(sample(text, 'kmd_schedule_slots_total{job="ohlcv_daily",outcome="PARTIAL"}')).toBe(1)
      expect(sample(text, 'kmd_scheduler_last_tick_timestamp_seconds')).toBe(Date.parse('2026-10-09T09:30:00Z') / 1000)

      const [log] = await logsOf(testDb.current.database, 'ohlcv_daily', '2026-11-04')
      const finished = await testDb.current.database.db.selectFrom('data_collection_logs').select('completed_at').where('run_id', '=', log!.run_id).executeTakeFirstOrThrow()
      const lastSuccess = sample(text, 'kmd_dataset_last_success_timestamp_seconds{dataset="ohlcv_daily"}')!
      // set from the run, then from data_freshness on the next tick: the logged finish time
      expect(Math.abs(lastSuccess - finished.completed_at!.getTime() / 1000)).toBeLessThan(1)
    } finally {
      await scheduler.stop()
      await server.close()
    }
  })
})
