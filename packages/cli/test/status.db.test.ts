import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { previousTradingDay } from '@kmd/core'
import { openTestDatabase, type TestDatabase } from '@kmd/db/testing'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { runCli } from './run-cli.ts'

let target: TestDatabase
let simulator: RunningSimulator
let env: Record<string, string | undefined>
let dataDir: string | undefined

const STOCKS = 40

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  target = await openTestDatabase()
  const krx = { KRX_BASE_URL: simulator.url, KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', KRX_MAX_REQUESTS_PER_SECOND: '500', LOG_LEVEL: 'silent' }
  if (target.url) {
    env = { ...krx, DATABASE_URL: target.url }
  } else {
    // The embedded engine allows one process per data folder: the CLI gets its own folder.
    await target.dispose()
    dataDir = await mkdtemp(join(tmpdir(), 'kmd-cli-status-'))
    env = { ...krx, DATABASE_URL: undefined, EMBEDDED_DATA_DIR: dataDir }
  }
  const migrated = await runCli(['migrate'], env)
  if (migrated.code !== 0) throw new Error(migrated.stderr)
})
afterAll(async () => {
  if (target?.url) await target.dispose()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
  await simulator?.stop()
})

describe('pnpm etl run and status on a day loaded short', () => {
  const day = '2025-10-15'
  const previous = previousTradingDay(day)

  // Five CLI processes; each opens the embedded database afresh.
  test('the run exits non-zero naming the missing keys, and status shows the last complete day and the incomplete one', { timeout: 240_000 }, async () => {
    const complete = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', previous, '--source', 'krx'], env)
    expect(complete.code).toBe(0)
    expect(complete.stdout).toMatch(new RegExp(`ohlcv_daily ${previous} from krx: SUCCESS`))

    simulator.faults.inject({ kind: 'missingStocks', match: { bld: 'MDCSTAT01501' } })
    const short = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', day, '--source', 'krx'], env)
    expect(short.code).toBe(1)
    expect(short.stdout).toMatch(new RegExp(`ohlcv_daily ${day} from krx: PARTIAL`))
    expect(short.stdout).toMatch(/completeness: 38 of 40 expected keys delivered/)
    expect(short.stdout).toMatch(new RegExp(`ohlcv_daily ${day} is incomplete: 2 of 40 expected keys missing \\([0-9A-Z]{6}@${day}`))

    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout)
    expect(status.completeness).toEqual([
      { dataset: 'ohlcv_daily', lastCompleteTradeDate: previous, incompleteCount: 1, incomplete: [{ date: day, missing: 2, expected: 40 }] },
    ])
    const text = await runCli(['status'], env)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('completeness (partition_completeness)')
    expect(text.stdout).toContain(`${day} (2/40 missing)`)
    expect(text.stdout).toContain('--reprocess incomplete')
  })
})
