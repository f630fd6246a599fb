import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSimulator, type RunningSimulator } from '@kmd/source-simulator'
import { migratedCliTarget, runCli } from './run-cli.ts'

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

let simulator: RunningSimulator
let cli: Awaited<ReturnType<typeof migratedCliTarget>>
let out: string
const DAY = '2025-12-23'

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, stockCount: 40 })
  cli = await migratedCliTarget(simulator.url, { LOG_LEVEL: 'silent' })
  out = await mkdtemp(join(tmpdir(), 'kmd-report-'))
  expect((await runCli(['run', '--dataset', 'ohlcv_daily', '--date', DAY, '--source', 'krx'], cli.env)).code).toBe(0)
})
afterAll(async () => {
  await cli?.dispose()
  await simulator?.stop()
  if (out) await rm(out, { recursive: true, force: true })
})

describe('pnpm etl report and pnpm etl dashboard', () => {
  test('report writes the week as one HTML file and a Markdown summary, and prints the summary', { timeout: 120_000 }, async () => {
    const result = await runCli(['report', '--week', '2025-W52', '--out', join(out, 'week.html')], cli.env)
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('# Weekly data-quality report 2025-W52 (2025-12-22 – 2025-12-28)')
    expect(result.stdout).toContain('Market closed: 2025-12-25')
    expect(result.stdout).toContain(`written: ${join(out, 'week.html')} and ${join(out, 'week.md')}`)
    expect(await readFile(join(out, 'week.md'), 'utf8')).toContain('- **ohlcv_daily**: 1 complete, 3 missing, 1 skipped (holiday)')
    expect(await readFile(join(out, 'week.html'), 'utf8')).toContain(`data-date="${DAY}" data-status="complete"`)

    const bad = await runCli(['report', '--week', '2025-W53'], cli.env)
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('2025 has no ISO week 53')
  })

  test('dashboard listens on 127.0.0.1, serves the page and stops on SIGTERM', { timeout: 120_000 }, async () => {
    const child = spawn(TSX, ['packages/cli/src/main.ts', 'dashboard', '--port', '0'], { cwd: REPO_ROOT, env: { ...process.env, ...cli.env } as NodeJS.ProcessEnv })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let text = ''
        child.stdout.on('data', (chunk) => {
          text += String(chunk)
          const found = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(text)
          if (found) resolve(found[1]!)
        })
        child.once('exit', (code) => reject(new Error(`dashboard exited with ${code} before listening: ${text}`)))
      })
      const overview = await fetch(url)
      expect(overview.status).toBe(200)
      // Freshness against the default job table.
      expect(await overview.text()).toContain(`<tr><td>ohlcv_daily</td><td>${DAY}</td>`)
      const day = await fetch(`${url}day?date=${DAY}&dataset=ohlcv_daily`)
      const text = await day.text()
      expect(text).toContain(`data-date="${DAY}" data-status="complete"`)
      expect(text).toContain('<tr data-check="ohlc_consistency">')
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  })
})
