import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createDashboardHandler, readWeeklyReport, reportPath, writeWeeklyReport } from '@kmd/dashboard'
import { useMigratedDatabase } from '@kmd/db/testing'
import { servesAddress, startHealthServer, WEEKLY_REPORT_JOB, type WebhookPayload, type WeeklyReportTask } from '../src/index.ts'
import { capturedLogger, makeScheduler, slotRowsOf } from './harness.ts'

const testDb = useMigratedDatabase()
let reportDir: string

beforeAll(async () => {
  reportDir = await mkdtemp(join(tmpdir(), 'kmd-reports-'))
})
afterAll(async () => {
  await rm(reportDir, { recursive: true, force: true })
})

const reportTask = (): WeeklyReportTask => ({
  write: async (week) => writeWeeklyReport(await readWeeklyReport(testDb.current.database, week), reportPath(reportDir, week)),
})

describe('the weekly data-quality report job', () => {
  // Monday 2025-12-29 08:05 in Korea: the report of 2025-W52 is due.
  const mondayMorning = new Date('2025-12-28T23:05:00Z')

  test('writes last week\'s report once across replicas and posts its summary to the webhook', async () => {
    const posted: WebhookPayload[] = []
    const webhook = async (payload: WebhookPayload) => {
      posted.push(payload)
      return true
    }
    const first = makeScheduler(testDb.current.database, {}, { jobs: [], now: mondayMorning, weeklyReport: reportTask(), webhook, instanceId: 'replica-a' })
    const second = makeScheduler(testDb.current.database, {}, { jobs: [], now: mondayMorning, weeklyReport: reportTask(), webhook, instanceId: 'replica-b' })
    expect((await first.tick()).reports).toEqual(['2025-W52'])
    expect((await second.tick()).reports).toEqual([])
    expect(await slotRowsOf(testDb.current.database, WEEKLY_REPORT_JOB)).toEqual([
      expect.objectContaining({ slot: new Date('2025-12-28T23:00:00Z'), claimed_by: 'replica-a', outcome: 'SUCCESS' }),
    ])
    const html = join(reportDir, 'report-2025-W52.html')
    expect(existsSync(html)).toBe(true)
    expect(await readFile(join(reportDir, 'report-2025-W52.md'), 'utf8')).toMatch(/^# Weekly data-quality report 2025-W52 \(2025-12-22 – 2025-12-28\)/)
    expect(posted).toHaveLength(1)
    expect(posted[0]!.text).toContain('Weekly data-quality report 2025-W52')
    expect(posted[0]!.text).toContain(`Full report: ${html}`)
    await first.stop()
    await second.stop()
  })

  test('a tick with no Monday 08:00 slot in its window writes nothing', async () => {
    const scheduler = makeScheduler(testDb.current.database, {}, { jobs: [], now: new Date('2025-12-30T03:00:00Z'), weeklyReport: reportTask() })
    expect((await scheduler.tick()).reports).toEqual([])
    await scheduler.stop()
  })
})

describe('the dashboard on the scheduler port', () => {
  test('answers on DASHBOARD_HOST only, read-only, beside /healthz', async () => {
    const { logger } = capturedLogger()
    const scheduler = makeScheduler(testDb.current.database, {}, { jobs: [], logger })
    const handle = createDashboardHandler({ database: testDb.current.database })
    const local = await startHealthServer({ scheduler, logger, port: 0, host: '127.0.0.1', dashboard: { handle, host: '127.0.0.1' } })
    const elsewhere = await startHealthServer({ scheduler, logger, port: 0, host: '127.0.0.1', dashboard: { handle, host: '192.0.2.10' } })
    try {
      const page = await fetch(`${local.url}/`)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Completeness per trading day')
      expect((await fetch(`${local.url}/`, { method: 'POST' })).status).toBe(405)
      expect((await fetch(`${local.url}/day?date=yesterday`)).status).toBe(400)
      expect((await fetch(`${local.url}/healthz`)).headers.get('content-type')).toBe('application/json')

      const refused = await fetch(`${elsewhere.url}/`)
      expect(refused.status).toBe(404)
      expect(await refused.text()).toContain('DASHBOARD_HOST')
    } finally {
      await local.close()
      await elsewhere.close()
      await scheduler.stop()
    }
  })

  test('which connections DASHBOARD_HOST lets see the dashboard', () => {
    expect(servesAddress('127.0.0.1', '127.0.0.1')).toBe(true)
    expect(servesAddress('127.0.0.1', '::ffff:127.0.0.1')).toBe(true)
    expect(servesAddress('127.0.0.1', '172.17.0.2')).toBe(false)
    expect(servesAddress('localhost', '::1')).toBe(true)
    expect(servesAddress('0.0.0.0', '172.17.0.2')).toBe(true)
    expect(servesAddress('172.17.0.2', '172.17.0.2')).toBe(true)
  })
})
