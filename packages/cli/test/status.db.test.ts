import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { previousTradingDay } from '@kmd/core'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runCli } from './run-cli.ts'

let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>>
let env: Record<string, string | undefined>

const STOCKS = 40

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: STOCKS })
  cli = await migratedCliTarget(simulator.url, { LOG_LEVEL: 'silent' })
  env = cli.env
})
afterAll(async () => {
  await cli?.dispose()
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
    expect(status.aggregateBacklog).toEqual([]) // runs keep their aggregates current
    const text = await runCli(['status'], env)
    expect(text.code).toBe(0)
    expect(text.stdout).toContain('completeness (partition_completeness)')
    expect(text.stdout).toContain(`${day} (2/40 missing)`)
    expect(text.stdout).toContain('--reprocess incomplete')
  })
})
