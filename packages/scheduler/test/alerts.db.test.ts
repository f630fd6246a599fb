import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { useMigratedDatabase } from '@kmd/db/testing'
import type { CollectorRegistry } from '@kmd/pipeline'
import type { RunningSimulator } from '@kmd/source-simulator'
import { createWebhookSender, type WebhookPayload } from '../src/index.ts'
import { capturedLogger, jobsNamed, makeScheduler, startSource } from './harness.ts'

const testDb = useMigratedDatabase()
let simulator: RunningSimulator
let collectors: CollectorRegistry
let receiver: Server
let webhookUrl: string
const received: WebhookPayload[] = []
// The receiver answers 503 to this many requests before accepting, to prove the sender retries.
let refuseNext = 0
let attempts = 0

// The path is the secret part of a Slack webhook URL: it must never reach a log line.
const SECRET_PATH = '/services/T0SECRET/B0SECRET/xoxsecretpart'

beforeAll(async () => {
  ;({ simulator, collectors } = await startSource())
  receiver = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      attempts++
      if (request.url !== SECRET_PATH || request.method !== 'POST' || request.headers['content-type'] !== 'application/json') {
        response.writeHead(404).end()
        return
      }
      if (refuseNext > 0) {
        refuseNext--
        response.writeHead(503).end('busy')
        return
      }
      received.push(JSON.parse(body) as WebhookPayload)
      response.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${SECRET_PATH}`
})
afterAll(async () => {
  await simulator?.stop()
  await new Promise((resolve) => receiver?.close(resolve))
})
beforeEach(() => {
  simulator.faults.clear()
  received.length = 0
  refuseNext = 0
  attempts = 0
})

function alertingScheduler(options: Parameters<typeof makeScheduler>[2] = {}) {
  const { logger, lines } = capturedLogger()
  const webhook = createWebhookSender({ url: webhookUrl, logger, retries: 3, minRetryDelayMs: 10 })
  const scheduler = makeScheduler(testDb.current.database, collectors, { logger, webhook, ...options })
  return { scheduler, lines }
}

describe('alerts to the webhook', () => {
  test('a FAILED run posts the documented payload once, retried past a 503, and the URL is never logged', async () => {
    const { scheduler, lines } = alertingScheduler({ jobs: jobsNamed('ohlcv_daily').map((job) => ({ ...job, staleAfterHours: undefined })) })
    simulator.faults.inject({ kind: 'truncatedJson', match: { bld: 'MDCSTAT01501' }, times: Infinity })
    refuseNext = 1
    await scheduler.tick(new Date('2026-11-16T09:30:00Z'))
    await scheduler.idle()
    await scheduler.tick(new Date('2026-11-16T09:35:00Z'))
    await scheduler.idle()

    expect(received).toHaveLength(1)
    expect(attempts).toBe(2)
    const [payload] = received
    expect(payload!.text).toMatch(/^\[korea-market-data\] FAILED ohlcv_daily 2026-11-16 from krx: .*MDCSTAT01501/)
    expect(payload!.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: expect.stringMatching(/^\*FAILED\* ohlcv_daily 2026-11-16 from krx\n.*MDCSTAT01501/) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: expect.stringMatching(/^job ohlcv_daily · slot 2026-11-16T18:30\+09:00 · run [0-9a-f-]{36} · host .+ · fetched 0 · rejected 0$/) }] },
    ])
    const log = lines.join('\n')
    expect(log).toMatch(/alert webhook attempt failed/)
    expect(log).not.toContain('SECRET')
    expect(log).not.toContain(SECRET_PATH)
    await scheduler.stop()
  })

  test('a PARTIAL run alerts only when its rejected share is above the threshold', async () => {
    const jobs = jobsNamed('ohlcv_daily', 'market_cap_daily').map((job) => ({ ...job, staleAfterHours: undefined }))
    const { scheduler } = alertingScheduler({ jobs, partialRejectRatio: 0.001 })
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    await scheduler.tick(new Date('2026-11-17T09:30:00Z'))
    await scheduler.idle()
    expect(received).toHaveLength(1)
    expect(received[0]!.text).toMatch(/^\[korea-market-data\] PARTIAL ohlcv_daily 2026-11-17 from krx: \d+ of \d+ rows rejected \([\d.]+%, threshold 0\.1%\); \d+ promoted$/)
    expect(JSON.stringify(received[0]!.blocks)).toMatch(/checks with issues ohlc_consistency/)

    // the same fault under lenient thresholds (rejects, and the share of keys a day may miss): the run is PARTIAL, and no alert
    const lenient = alertingScheduler({ jobs, partialRejectRatio: 0.5, completenessThreshold: 0.5 }).scheduler
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    await lenient.tick(new Date('2026-11-19T09:30:00Z'))
    await lenient.idle()
    expect(lenient.records.find((record) => record.job === 'ohlcv_daily')?.outcome).toBe('PARTIAL')
    expect(received).toHaveLength(1)
    await Promise.all([scheduler.stop(), lenient.stop()])
  })

  test('stale data raises one alert per dataset and expected day, across ticks and instances', async () => {
    // Nothing of investor_trading was loaded: on Wednesday 2026-11-25 10:00 KST, Tuesday's
    // 19:00 slot is 15 hours old, over its 6-hour limit.
    const jobs = jobsNamed('investor_trading')
    const now = new Date('2026-11-25T01:00:00Z')
    const first = alertingScheduler({ jobs, catchUpHours: 0, now }).scheduler
    const second = alertingScheduler({ jobs, catchUpHours: 0, now }).scheduler
    const reports = await Promise.all([first.tick(now), second.tick(now), first.tick(new Date(now.getTime() + 60_000)), second.tick(new Date(now.getTime() + 120_000))])
    expect(reports.flatMap((report) => report.staleAlerts)).toEqual(['investor_trading'])
    expect(received).toHaveLength(1)
    expect(received[0]!.text).toBe('[korea-market-data] STALE investor_trading 2026-11-24: 2026-11-24 was due by 2026-11-25T01:00+09:00; the newest trade date loaded is none')
    expect(JSON.stringify(received[0]!.blocks)).toContain('job investor_trading · slot 2026-11-24T19:00+09:00 · freshness limit 6 h')
    await Promise.all([first.stop(), second.stop()])
  })
})
