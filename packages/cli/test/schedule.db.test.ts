import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openTestDatabase, type TestDatabase } from '@kmd/db/testing'
import { runCli } from './run-cli.ts'

let target: TestDatabase
let env: Record<string, string | undefined>
let folder: string

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))

beforeAll(async () => {
  target = await openTestDatabase()
  folder = await mkdtemp(join(tmpdir(), 'kmd-cli-schedule-'))
  // A job table that fires once a year (1 January, a KRX holiday), so the test does not depend on
  // today's date, whichever collectors exist; one job from a source that has none.
  const scheduleFile = join(folder, 'schedule.json')
  const yearly = { cron: '0 3 1 1 *', staleAfterHours: null }
  const jobs = Object.fromEntries(['stocks', 'sectors', 'index_components', 'ohlcv_daily', 'market_cap_daily', 'etf_portfolios'].map((name) => [name, yearly]))
  await writeFile(scheduleFile, JSON.stringify({ jobs: { ...jobs, investor_trading: { enabled: false }, ohlcv_from_file: { ...yearly, dataset: 'ohlcv_daily', source: 'file' } } }))
  const common = { KRX_BASE_URL: 'http://127.0.0.1:9', KRX_MEMBER_ID: 'demo', KRX_MEMBER_PASSWORD: 'demo-password', LOG_LEVEL: 'info', SCHEDULE_FILE: scheduleFile, SCHEDULE_CATCH_UP_HOURS: '0', SCHEDULER_PORT: '0' }
  if (target.url) {
    env = { ...common, DATABASE_URL: target.url }
  } else {
    // The embedded engine allows one process per data folder: the CLI gets its own folder.
    await target.dispose()
    env = { ...common, DATABASE_URL: undefined, EMBEDDED_DATA_DIR: join(folder, 'db') }
  }
  const migrated = await runCli(['migrate'], env)
  if (migrated.code !== 0) throw new Error(migrated.stderr)
})
afterAll(async () => {
  if (target?.url) await target.dispose()
  if (folder) await rm(folder, { recursive: true, force: true })
})

describe('pnpm etl schedule', () => {
  test('--once reports the jobs without a collector, runs what is due (nothing here) and exits 0', async () => {
    const result = await runCli(['schedule', '--once'], env)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^not scheduled: ohlcv_from_file \(source "file" has no collector for ohlcv_daily yet\)$/m)
    expect(result.stdout).toMatch(/^no slot due and none missed in the catch-up window$/m)
  })

  test('a bad SCHEDULE_FILE stops the command with a message naming the field', async () => {
    const bad = join(folder, 'bad.json')
    await writeFile(bad, JSON.stringify({ jobs: { ohlcv_daily: { cron: '30 25 * * *' } } }))
    const result = await runCli(['schedule', '--once'], { ...env, SCHEDULE_FILE: bad })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/jobs\.ohlcv_daily\.cron: invalid cron expression "30 25 \* \* \*": hour/)
  })

  test('in the foreground it serves /healthz, /metrics and the dashboard, and SIGTERM stops it with exit 0', async () => {
    const childEnv: Record<string, string> = {}
    for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) childEnv[key] = value
    if (env.DATABASE_URL === undefined) delete childEnv.DATABASE_URL
    // Not through the tsx wrapper: the signal goes to the CLI process itself.
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'schedule'], { cwd: REPO_ROOT, env: childEnv })
    let stdout = ''
    child.stderr.resume()
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk
        const match = /"port":(\d+).*scheduler listening/.exec(stdout)
        if (match) resolve(Number(match[1]))
      })
      child.on('close', () => reject(new Error(`exited before listening:\n${stdout}`)))
    })
    try {
      // the first tick runs right after start-up
      let health: Response | undefined
      for (let attempt = 0; attempt < 50; attempt++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`)
        if (health.status === 200) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(health!.status).toBe(200)
      const body = (await health!.json()) as { status: string; database: string; jobs: Array<{ name: string }>; unscheduled: Array<{ name: string }> }
      expect(body).toMatchObject({ status: 'ok', database: 'ok' })
      expect(body.jobs.map((job) => job.name)).toEqual(expect.arrayContaining(['ohlcv_daily', 'market_cap_daily']))
      expect(body.unscheduled.map((job) => job.name)).toContain('ohlcv_from_file')
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
      expect(metrics).toMatch(/^kmd_scheduler_last_tick_timestamp_seconds \d+/m)
      expect(metrics).toMatch(/^kmd_job_runs_total\{dataset="ohlcv_daily",status="SUCCESS"\} 0$/m)
      // The dashboard, on loopback (DASHBOARD_HOST's default).
      const dashboard = await fetch(`http://127.0.0.1:${port}/`)
      expect(dashboard.status).toBe(200)
      expect(await dashboard.text()).toContain('Completeness per trading day')
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/"signal":"SIGTERM".*stopping/)
    expect(stdout).toMatch(/scheduler stopped/)
  })
})
