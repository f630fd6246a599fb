import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tradingDaysBetween } from '@kmd/core'
import { RunLedger } from '@kmd/pipeline'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runCli, type CliResult } from './run-cli.ts'

let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>>

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: 30 })
  cli = await migratedCliTarget(simulator.url, { LOG_LEVEL: 'warn' })
})
afterAll(async () => {
  await cli?.dispose()
  await simulator?.stop()
})

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

/** Starts `etl <args>` and sends it SIGINT once its standard error shows `when`. */
function runCliAndInterrupt(args: string[], when: RegExp): Promise<CliResult> {
  const childEnv: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...process.env, ...cli.env })) if (value !== undefined) childEnv[key] = value
  if (cli.env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL
  return new Promise((resolve) => {
    // Not through the tsx wrapper's process group: the signal goes to the CLI process itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env: childEnv })
    let stdout = ''
    let stderr = ''
    let sent = false
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (!sent && when.test(stderr)) {
        sent = true
        child.kill('SIGINT')
      }
    })
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}

/** Starts `etl <args>`, and SIGKILLs it `delayMs` after its standard error shows `when`. */
function runCliAndKill(args: string[], when: RegExp, delayMs: number): Promise<CliResult> {
  const childEnv: Record<string, string> = {}
  for (const [key, value] of Object.entries({ ...process.env, ...cli.env })) if (value !== undefined) childEnv[key] = value
  if (cli.env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: REPO_ROOT, env: childEnv })
    let stdout = ''
    let stderr = ''
    let sent = false
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (!sent && when.test(stderr)) {
        sent = true
        setTimeout(() => child.kill('SIGKILL'), delayMs)
      }
    })
    child.on('close', (code, signal) => resolve({ code: signal === 'SIGKILL' ? 137 : (code ?? 1), stdout, stderr }))
  })
}

describe('pnpm etl backfill', () => {
  const [from, to] = ['2025-09-01', '2025-09-12']
  const days = tradingDaysBetween(from, to)
  const args = ['backfill', '--dataset', 'market_cap_daily', '--from', from, '--to', to]

  test('--dry-run lists every partition with its reason and loads nothing, without asking a source (no login needed)', async () => {
    const result = await runCli([...args, '--dry-run'], { ...cli.env, KRX_MEMBER_ID: undefined, KRX_MEMBER_PASSWORD: undefined })
    expect(result.code).toBe(0)
    for (const day of days) expect(result.stdout).toContain(`run   ${day}  never run`)
    expect(result.stdout).toMatch(/dry run, nothing changed/)
    const status = JSON.parse((await runCli(['status', '--json'], cli.env)).stdout)
    expect(status.latestRuns).toEqual([])
  })

  test('loads the range, prints progress lines and a summary, and a second run skips it all', async () => {
    const first = await runCli(args, cli.env)
    expect(first.code).toBe(0)
    expect(first.stderr).toMatch(new RegExp(`backfill: ${days.length}/${days.length} partitions \\(100%\\), \\d+ rows, \\d+ rows/s`))
    expect(first.stdout).toMatch(/: finished/)
    expect(first.stdout).toMatch(new RegExp(`SUCCESS\\s+${days.length}\\b`))
    const again = await runCli(args, cli.env)
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(new RegExp(`not run \\(the log says done\\)\\s+${days.length}\\b`))
  })

  test('Ctrl-C stops taking partitions, prints the summary and exits 130; the next run resumes', async () => {
    // market caps: the simulator's flows now load PARTIAL (rejected rows), which a backfill reports with exit 1
    const range = ['--dataset', 'market_cap_daily', '--from', '2025-10-13', '--to', '2025-10-24', '--concurrency', '1']
    const stopped = await runCliAndInterrupt(['backfill', ...range], /backfill: [1-9]/)
    expect(stopped.code).toBe(130)
    expect(stopped.stdout).toMatch(/stopped before the end/)
    expect(stopped.stdout).toMatch(/resume with: pnpm etl backfill --dataset market_cap_daily/)
    const resumed = await runCli(['backfill', ...range], cli.env)
    expect(resumed.code).toBe(0)
    expect(resumed.stdout).toMatch(/: finished/)
    expect(resumed.stdout).toMatch(/not run \(the log says done\)\s+[1-9]/)
  })

  test('after a kill -9 mid-run, an immediate resume reaps the dead run, loads everything and exits 0', async () => {
    const range = ['--dataset', 'market_cap_daily', '--from', '2025-11-03', '--to', '2025-11-07', '--concurrency', '1']
    // Every answer takes a while, so the kill lands while a partition is being collected.
    simulator.faults.inject({ kind: 'slow', match: { bld: 'MDCSTAT01501' }, delayMs: 1_500, times: Infinity })
    let killed: CliResult
    try {
      killed = await runCliAndKill(['backfill', ...range], /backfill: 1\//, 800)
    } finally {
      simulator.faults.clear()
    }
    expect(killed.code).toBe(137)
    const resumed = await runCli(['backfill', ...range], cli.env)
    expect(resumed.code).toBe(0)
    expect(resumed.stdout).toMatch(/: finished, every planned partition loaded/)
    expect(resumed.stdout).toMatch(/dead runs found RUNNING and marked ABANDONED before planning: 1/)
    expect(resumed.stdout).toMatch(/runs: SUCCESS [1-4] · PARTIAL 0 · FAILED 0 · ABORTED 0 · ABANDONED 0 · skipped \(held\) 0/)
    expect(resumed.stdout).toMatch(/not run: already loaded \(plan\) [1-4] · market closed 0/)
    const status = JSON.parse((await runCli(['status', '--json'], cli.env)).stdout) as { latestRuns: Array<{ data_type: string; status: string }> }
    expect(status.latestRuns.filter((run) => run.status === 'RUNNING')).toEqual([])
  }, 240_000) // four CLI processes, each opening the embedded database

  test('a partition held by another live process: says so per outcome and exits 1 instead of "finished"', async () => {
    const database = cli.database
    if (!database) return // the embedded database admits one process at a time: nobody else can hold a partition
    const day = '2025-11-12'
    const holder = '00000000-0000-4000-8000-0000000000cc'
    const ledger = new RunLedger(database)
    const lease = await ledger.lease()
    try {
      await ledger.start({ runId: holder, dataset: 'market_cap_daily', source: 'krx', partitionKey: day, tradeDate: day, trigger: 'schedule', leaseKey: lease.key })
      await ledger.claim('market_cap_daily', day, holder, 'scheduler-host:7')
      const result = await runCli(['backfill', '--dataset', 'market_cap_daily', '--from', '2025-11-11', '--to', '2025-11-13'], cli.env)
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/: NOT COMPLETE: 1 of 3 partitions not loaded/)
      expect(result.stdout).toMatch(/runs: SUCCESS 2 · PARTIAL 0 · FAILED 0 · ABORTED 0 · ABANDONED 0 · skipped \(held\) 1/)
      expect(result.stderr).toMatch(new RegExp(`SKIPPED \\(held\\) ${day}: partition already being loaded by scheduler-host:7`))
      expect(result.stdout).not.toMatch(/: finished/)
    } finally {
      await ledger.run(holder).abort('the scheduled run was stopped')
      await lease.release()
    }
  })

  test('--progress json: a JSON line per finished partition on standard error (outcome, own time, counters, memory), then the summary', async () => {
    const [jsonFrom, jsonTo] = ['2025-08-04', '2025-08-08']
    const jsonDays = tradingDaysBetween(jsonFrom, jsonTo)
    const result = await runCli(['backfill', '--dataset', 'market_cap_daily', '--from', jsonFrom, '--to', jsonTo, '--progress', 'json'], cli.env)
    expect(result.code).toBe(0)
    const records = result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line))
    const partitions = records.filter((record) => 'partition' in record)
    expect(partitions.map((record) => record.partition.key).sort()).toEqual(jsonDays)
    expect(partitions.map((record) => record.progress.finished)).toEqual(jsonDays.map((_, i) => i + 1))
    for (const { partition, progress, memory } of partitions) {
      expect(partition).toMatchObject({ status: 'SUCCESS', sources: ['krx'] })
      expect(partition.rowsPromoted).toBeGreaterThan(0)
      expect(partition.ms).toBeGreaterThan(0)
      expect(progress.toRun).toBe(jsonDays.length)
      expect(memory.rssMb).toBeGreaterThan(memory.heapUsedMb)
    }
    expect(partitions.at(-1).progress.rowsProcessed).toBe(partitions.reduce((rows, record) => rows + record.partition.rowsPromoted, 0))
    const summaries = records.filter((record) => 'summary' in record)
    expect(summaries).toHaveLength(1)
    expect(summaries[0].summary).toMatchObject({ partitions: jsonDays.length, toRun: jsonDays.length, statuses: { SUCCESS: jsonDays.length }, from: jsonFrom, to: jsonTo })
    expect(result.stderr).not.toMatch(/backfill: \d+\/\d+ partitions/)
    expect(result.stdout).toMatch(/: finished/)
  })

  test('refuses --from after --to', async () => {
    const result = await runCli(['backfill', '--dataset', 'ohlcv_daily', '--from', '2025-02-01', '--to', '2025-01-01'], cli.env)
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/--from 2025-02-01 is after --to 2025-01-01/)
  })
})
