import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runCli } from './run-cli.ts'

let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>>

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: 30 })
  cli = await migratedCliTarget(simulator.url)
})
afterAll(async () => {
  await cli?.dispose()
  await simulator?.stop()
})

describe('what `etl run` prints for people', () => {
  test('a retried request is a count in the summary, not a log line', async () => {
    simulator.faults.inject({ kind: 'http500', match: { bld: 'MDCSTAT01501' } })
    const result = await runCli(['run', '--dataset', 'ohlcv_daily', '--date', '2025-11-11', '--source', 'krx'], cli.env)
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/ohlcv_daily 2025-11-11 from krx: SUCCESS/)
    expect(result.stdout).toMatch(/^HTTP retries: \S+ 1$/m)
    expect(result.stderr).not.toMatch(/retrying/)
    expect(result.stdout + result.stderr).not.toMatch(/^\{"level"/m)
  })
})
