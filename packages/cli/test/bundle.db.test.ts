import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runBundledCli } from './run-cli.ts'

const BUILD_SCRIPT = fileURLToPath(new URL('../../../scripts/build-cli.mjs', import.meta.url))

let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>> | undefined

beforeAll(async () => {
  // Built afresh, so the bundle under test is the sources under test.
  await promisify(execFile)(process.execPath, [BUILD_SCRIPT])
  simulator = await startSimulator({ port: 0, stockCount: 20 })
}, 120_000)
afterAll(async () => {
  await cli?.dispose()
  await simulator?.stop()
})

describe('the bundled CLI (packages/cli/dist, what `pnpm etl` runs)', () => {
  test('answers --help without TypeScript', async () => {
    const help = await runBundledCli(['--help'], {})
    expect(help.stderr).toBe('')
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/Usage: etl /)
    expect(help.stdout).toContain('migrate')
  })

  test('migrates (the migrations are in the bundle), loads a day from the simulator and reports it', { timeout: 240_000 }, async () => {
    cli = await migratedCliTarget(simulator.url, { LOG_LEVEL: 'silent' }, runBundledCli)
    const again = await runBundledCli(['migrate'], cli.env)
    expect(again.code).toBe(0)

    const day = '2025-10-15'
    const run = await runBundledCli(['run', '--dataset', 'ohlcv_daily', '--date', day, '--source', 'krx'], cli.env)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`ohlcv_daily ${day} from krx: SUCCESS`))

    const status = await runBundledCli(['status', '--json'], cli.env)
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout).completeness).toEqual([
      { dataset: 'ohlcv_daily', lastCompleteTradeDate: day, incompleteCount: 0, incomplete: [] },
    ])
  })
})
