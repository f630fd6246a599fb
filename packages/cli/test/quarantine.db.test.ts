import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addDays, seoulDate } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runCli } from './run-cli.ts'

let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>>
let env: Record<string, string | undefined>

const STOCKS = 40
const DAY = '2025-10-15'
// Long enough to keep DAY's batch: a shorter window purges a batch describing an older day.
const RETENTION_DAYS = 3650

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  cli = await migratedCliTarget(simulator.url, { LOG_LEVEL: 'silent', STAGING_RETENTION_DAYS: String(RETENTION_DAYS) })
  env = cli.env
})
afterAll(async () => {
  await cli?.dispose()
  await simulator?.stop()
})

describe('pnpm etl status and quarantine after a day with rejected rows', () => {
  // Seven CLI processes; each opens the embedded database afresh.
  test('status shows staging beside production; quarantine lists the rejected rows, refuses a bare clear and clears what it names', { timeout: 300_000 }, async () => {
    simulator.faults.inject({ kind: 'inconsistentOhlc', match: { bld: 'MDCSTAT01501' } })
    const run = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', DAY, '--source', 'krx'], env)
    const rejected = Number(/rejected (\d+)/.exec(run.stdout)?.[1])
    expect(rejected).toBeGreaterThan(0)

    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout)
    expect(status.staging.retentionDays).toBe(RETENTION_DAYS)
    const ohlcv = status.staging.datasets.find((row: { dataset: string }) => row.dataset === 'ohlcv_daily')
    expect(ohlcv.staging).toMatchObject({ rows: STOCKS, quarantinedRows: rejected, unpurgedBatches: 1 })
    expect(ohlcv.staging.bytes).toBeGreaterThan(0)
    expect(ohlcv.production).toMatchObject({ table: 'ohlcv_daily', bytes: expect.any(Number) })
    const text = await runCli(['status'], env)
    expect(text.stdout).toContain(`staging beside production (promoted batches kept ${RETENTION_DAYS} day(s), STAGING_RETENTION_DAYS)`)
    expect(text.stdout).toMatch(/total: staging [\d.]+ (bytes|kB|MB), production [\d.]+ (bytes|kB|MB)/)
    expect(text.stdout).toContain(`${rejected} quarantined row(s) wait for a person: pnpm etl quarantine list`)

    const listed = JSON.parse((await runCli(['quarantine', 'list', '--json'], env)).stdout)
    expect(listed).toMatchObject({ rows: rejected, batches: [{ dataset: 'ohlcv_daily', partitionKey: DAY, source: 'krx', status: 'promoted', rows: rejected }] })

    const bare = await runCli(['quarantine', 'clear', '--dataset', 'ohlcv_daily'], env)
    expect(bare.code).toBe(2)
    expect(bare.stderr).toContain('quarantine clear needs --before <YYYY-MM-DD> or --batch <id>')

    const cleared = await runCli(['quarantine', 'clear', '--dataset', 'ohlcv_daily', '--before', addDays(seoulDate(), 1)], env)
    expect(cleared.code).toBe(0)
    expect(cleared.stdout).toContain(`deleted ${rejected} quarantined row(s) from 1 batch(es):`)
    expect(cleared.stdout).toContain(listed.batches[0].batchId)
    expect((await runCli(['quarantine', 'list'], env)).stdout).toContain('no quarantined rows')
  })
})
